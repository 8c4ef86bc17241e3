// tokenscope bridge. The bookmarklet is this file, minified (web.Bookmarklet)
// with __I__ replaced by the inspector's URL; it must stay under 2 KB, hence
// the short names. Clicked on your app's page it opens the inspector in its
// own window and answers a fixed set of requests, from that window only:
//   info    origin, document.cookie, web-storage entries holding a JWT
//   session GET /api/auth/session (the inspector asks you first)
//   fetch   the refresh probe, sent from this page so it carries this
//           page's Origin; never with this page's cookies
// No eval, nothing else. Closing the inspector (or "bye") removes the
// listener, the timer and the one global, window.__tsb.
(() => {
let I = "__I__", O = new URL(I).origin, g = window, D = document, P = "securitypolicyviolation";
if (g.__tsb) { g.__tsb.focus(); return; }
let w = open(I + "#bridge", "tokenscope");
if (!w) { alert("tokenscope: allow pop-ups here, then click again"); return; }
// S lists storage entries that hold a JWT.
let S = () => {
let o = [];
for (let n of ["localStorage", "sessionStorage"]) try {
let s = g[n];
for (let i = 0; i < s.length; i++) { let k = s.key(i), v = s.getItem(k); if (/eyJ[\w-]+\.[\w-]+\./.test(v)) o.push([n, k, v]); }
} catch (e) {}
return o;
};
// F sends one probe request; d catches the CSP directive that blocks it.
let F = async (q) => {
if (!/^https?:/.test(q.url)) throw Error("url");
let d = "";
let v = (e) => { if (q.url.startsWith(e.blockedURI)) d = e.effectiveDirective; };
D.addEventListener(P, v);
let c = new AbortController(), t = setTimeout(() => c.abort(), q.timeout), t0 = performance.now();
try {
let r = await fetch(q.url, { ...q.init, credentials: "omit", signal: c.signal }), h = {};
r.headers.forEach((x, k) => { h[k] = x; });
return { status: r.status, type: r.type, headers: h, body: (await r.text()).slice(0, 65536), ms: performance.now() - t0 };
} catch (e) {
await new Promise((k) => setTimeout(k, 100));
return { fail: d ? "csp" : c.signal.aborted ? "timeout" : "network", directive: d, msg: e.message };
} finally { clearTimeout(t); D.removeEventListener(P, v); }
};
// R runs one whitelisted operation.
let R = async (q) => {
if (q.op == "info") return { origin: location.origin, cookie: D.cookie, storage: S() };
if (q.op == "session") { let r = await fetch("/api/auth/session", { credentials: "include", cache: "no-store" }); return { status: r.status, body: await r.text() }; }
if (q.op == "fetch") return F(q);
throw Error("op");
};
// M answers messages from the inspector window and origin, nothing else.
let M = async (e) => {
let q = e.data;
if (e.source !== w || e.origin !== O || !q || q.tsb !== 1) return;
if (q.op == "bye") return X();
let a;
try { a = { ok: await R(q) }; } catch (x) { a = { err: "" + x.message }; }
w.postMessage({ tsb: 1, id: q.id, ...a }, O);
};
let X = () => { removeEventListener("message", M); clearInterval(p); delete g.__tsb; };
let p = setInterval(() => { if (w.closed) X(); }, 500);
addEventListener("message", M);
g.__tsb = w;
})();
