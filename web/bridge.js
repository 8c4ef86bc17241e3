// tokenscope bridge, protocol v2. The bookmarklet is this file, minified
// (web.Bookmarklet) with __I__ replaced by the inspector's URL and __K__ by
// this browser's key; it must stay under 2.5 KB, hence the short names.
// Clicked on your app's page it opens the inspector in its own window and
// answers a fixed set of requests, from that window and origin only:
//   hello   this page's origin; its cookies and web-storage entries that hold
//           a token (JWT/JWE-shaped, or a session-token cookie or chunk),
//           and only the names of the others
//   be      the one backend origin later probes may go to (not this page's)
//   fetch   one probe to that backend, sent from this page so it carries
//           this page's Origin; GET or POST, never with this page's
//           cookies; a redirect is not followed (a no-cors request must
//           follow, the fetch standard says, but its answer is opaque)
//   session GET /api/auth/session (the inspector asks you first)
// Every answer carries the key, so the inspector trusts only its own
// bookmarklet; the key goes only to the inspector's origin, never in a URL.
// No eval, nothing else. Closing the inspector (or "bye") removes the
// listener, the timer and the one global, window.__tsb.
(() => {
let I = '__I__', K = '__K__', O = new URL(I).origin, Z = location.origin, g = window, P = 'securitypolicyviolation', H = /^https?:$/, B,
// Bounds (bridgeproto): L bytes of a body read, V characters of a value
// sent, N token entries, M names.
L = 65536, V = 16384, N = 16, M = 64;
if (g.__tsb) { g.__tsb.focus(); return; }
let w = open(I + '#bridge', 'tokenscope');
if (!w) { alert('tokenscope: allow pop-ups'); return; }
// E lists cookies and storage: tokens with their value, the rest by name.
let E = () => {
let t = [], n = [], x = 0, a = (r, k, v) => {
if (v.length <= V && (/eyJ[\w-]+\.[\w-]*\./.test(v) || r == 'cookie' && /(next-auth|authjs)\.session-token(\.\d+)?$/.test(k))) t.length < N ? t.push([r, k, v]) : x++;
else n.length < M ? n.push([r, k.slice(0, 256)]) : x++;
};
for (let c of document.cookie.split('; ')) if (c) { let [k, ...v] = c.split('='); a('cookie', k, v.join('=')); }
for (let r of ['localStorage', 'sessionStorage']) try {
let s = g[r];
for (let i = 0; i < s.length; i++) { let k = s.key(i); a(r, k, s.getItem(k)); }
} catch (e) {}
return { o: Z, t, n, x };
},
// Y reads at most L bytes of a response body.
Y = async r => {
let x = r.body?.getReader(), a = [], n = 0, y;
while (x && n < L && !(y = await x.read()).done) { a.push(y.value); n += y.value.length; }
n < L || x.cancel();
return new Blob(a).slice(0, L).text();
},
// F sends one probe to the backend B; d catches the CSP directive that
// blocks it.
F = async ({ url, method, headers, body, mode, timeout }) => {
let u = new URL(url), d = '', v = e => { if (e.blockedURI && url.startsWith(e.blockedURI)) d = e.effectiveDirective; }, c = new AbortController(), t, t0 = Date.now();
if (!H.test(u.protocol) || u.origin != B || !/^(GET|POST)$/.test(method)) throw 'refused';
addEventListener(P, v);
t = setTimeout(() => c.abort(), timeout);
try {
let r = await fetch(u, { method, headers, body, mode, cache: 'no-store', credentials: 'omit', redirect: mode == 'no-cors' ? 'follow' : 'manual', signal: c.signal });
return { status: r.status, type: r.type, headers: Object.fromEntries(r.headers), body: await Y(r), ms: Date.now() - t0 };
} catch (e) {
await new Promise(k => setTimeout(k, 100));
return { fail: d ? 'csp' : c.signal.aborted ? 'timeout' : 'network', directive: d, msg: e.message };
} finally { clearTimeout(t); removeEventListener(P, v); }
},
// R runs one whitelisted operation.
R = async q => {
if (q.op == 'hello') return E();
if (q.op == 'be') { let u = new URL(q.b); if (!H.test(u.protocol) || u.origin == Z) throw 'backend'; return { b: B = u.origin }; }
if (q.op == 'session') { let r = await fetch('/api/auth/session', { cache: 'no-store' }); return { status: r.status, body: await Y(r) }; }
if (q.op == 'fetch') return F(q);
throw 'op';
},
// Q answers messages from the inspector window and origin, nothing else.
Q = async e => {
let q = e.data, a;
if (e.source != w || e.origin != O || q?.tsb != 1) return;
if (q.op == 'bye') return X();
try { a = { ok: await R(q) }; } catch (x) { a = { err: '' + x }; }
w.postMessage({ tsb: 1, v: 2, k: K, id: q.id, ...a }, O);
},
X = () => { removeEventListener('message', Q); clearInterval(p); delete g.__tsb; },
p = setInterval(() => w.closed && X(), 500);
addEventListener('message', Q);
g.__tsb = w;
})();
