// A plain node:http stand-in for a Next.js app that signs in against a Django
// SimpleJWT backend with the real next-auth 4.24 (FLAVOR=nextauth) or the real
// @auth/core 0.41 (FLAVOR=authjs). Only the Next.js routing is replaced: every
// /api/auth/* request goes through next-auth's own pages-router API handler
// (the default export of "next-auth", i.e. NextAuth(req, res, options)) or
// through @auth/core's Auth(Request, config). Session cookies, their chunking,
// the session route, the CSRF check and the loggers are the libraries' own.
//
// The jwt callback refreshes like the guides do: when backendAccess has
// expired it POSTs {refresh} to Django's /api/token/refresh/, keeps the new
// pair, and on failure logs "Backend refresh failed with status N <body>"
// and sets token.error (RefreshAccessTokenError for v4, RefreshTokenError
// for Auth.js).
//
// Environment (all read once at start):
//   PORT                       listen port on 127.0.0.1 (0: any free port)
//   BACKEND_URL                the Django backend, e.g. http://127.0.0.1:8000
//   FLAVOR                     nextauth | authjs
//   NEXTAUTH_SECRET            secret for FLAVOR=nextauth
//   AUTH_SECRET                secret for FLAVOR=authjs
//   CALLBACK                   guide (default) | keep-old-refresh: the second
//                              is the common bug that copies the new access
//                              token but keeps the old refresh token
//   SESSION_PADDING_BYTES      adds a "permissions" claim of about this many
//                              bytes at sign-in, like an app that keeps the
//                              user's Django permissions in the session, so
//                              the libraries chunk the cookie (default 0)
//   SESSION_CALLBACK_DELAY_MS  time the session callback spends after the jwt
//                              callback, like a user-profile lookup (default 0)
//
// On start it prints exactly one line to stdout: READY http://127.0.0.1:<port>
// Everything else on stdout/stderr is the libraries' and the app's logging.
import http from "node:http";
import { createRequire } from "node:module";
import { Auth } from "@auth/core";
import AuthjsCredentials from "@auth/core/providers/credentials";
import { encode as encodeAuthjs, decode as decodeAuthjs } from "@auth/core/jwt";

const require = createRequire(import.meta.url);
const nextauthPkg = require("next-auth");
const NextAuth = nextauthPkg.default;
const { getServerSession } = nextauthPkg;
const CredentialsV4 = require("next-auth/providers/credentials").default;
const { encode: encodeV4, decode: decodeV4 } = require("next-auth/jwt");

const env = process.env;
const PORT = Number(env.PORT || 0);
const BACKEND_URL = (env.BACKEND_URL || "").replace(/\/$/, "");
const FLAVOR = env.FLAVOR || "nextauth";
const CALLBACK = env.CALLBACK || "guide";
const SESSION_CALLBACK_DELAY_MS = Number(env.SESSION_CALLBACK_DELAY_MS || 0);
const SESSION_PADDING_BYTES = Number(env.SESSION_PADDING_BYTES || 0);
// FOREIGN_SECRET encrypts the cookie that /__fixture/foreign-session hands
// out, so a request carrying it makes the library log its real decryption
// error (JWT_SESSION_ERROR / JWTSessionError).
const FOREIGN_SECRET = "harfixtures-foreign-secret-not-the-apps";

if (!BACKEND_URL) throw new Error("BACKEND_URL is required");
if (!["nextauth", "authjs"].includes(FLAVOR)) throw new Error(`FLAVOR ${FLAVOR}: want nextauth or authjs`);
if (!["guide", "keep-old-refresh"].includes(CALLBACK)) throw new Error(`CALLBACK ${CALLBACK}: want guide or keep-old-refresh`);

// expiresAt reads exp from a JWT's payload without verifying it: the app only
// needs to know when to refresh, Django verifies.
function expiresAt(jwt) {
  const payload = JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());
  return payload.exp * 1000;
}

// trace records every call the app makes to Django, for the fixtures'
// manifest only (the recorder reads it from /__fixture/trace; nothing of it is
// logged, so the app's log stays what a real app prints).
const trace = [];
function jtiOf(jwt) {
  try {
    return JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString()).jti;
  } catch {
    return undefined;
  }
}
function record(path, sent, status, body, started) {
  let parsed = {};
  try {
    parsed = JSON.parse(body);
  } catch {}
  trace.push({
    path,
    started: new Date(started).toISOString(),
    ended: new Date().toISOString(),
    sentRefreshJti: sent ? jtiOf(sent) : undefined,
    status,
    gotAccessJti: parsed.access ? jtiOf(parsed.access) : undefined,
    gotRefreshJti: parsed.refresh ? jtiOf(parsed.refresh) : undefined,
    detail: parsed.detail,
  });
}

async function backendLogin(username, password) {
  const started = Date.now();
  const res = await fetch(`${BACKEND_URL}/api/token/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const body = await res.text();
  record("/api/token/", undefined, res.status, body, started);
  if (!res.ok) {
    console.error(`Backend login failed with status ${res.status}`, body);
    return null;
  }
  const pair = JSON.parse(body);
  return { id: username, name: username, backendAccess: pair.access, backendRefresh: pair.refresh };
}

// refreshBackend is the guide's refresh step.
async function refreshBackend(token, errorName) {
  const started = Date.now();
  const res = await fetch(`${BACKEND_URL}/api/token/refresh/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh: token.backendRefresh }),
  });
  const body = await res.text();
  record("/api/token/refresh/", token.backendRefresh, res.status, body, started);
  if (!res.ok) {
    console.error(`Backend refresh failed with status ${res.status}`, body);
    return { ...token, error: errorName };
  }
  const pair = JSON.parse(body);
  const next = { ...token, backendAccess: pair.access };
  delete next.error;
  // The guide keeps the rotated refresh token; the keep-old-refresh bug does not.
  next.backendRefresh = CALLBACK === "keep-old-refresh" ? token.backendRefresh : pair.refresh ?? token.backendRefresh;
  return next;
}

function callbacks(errorName) {
  return {
    async jwt({ token, user }) {
      if (user) {
        const signedIn = { ...token, backendAccess: user.backendAccess, backendRefresh: user.backendRefresh };
        if (SESSION_PADDING_BYTES > 0) signedIn.permissions = permissions(SESSION_PADDING_BYTES);
        return signedIn;
      }
      if (!token.backendAccess || Date.now() < expiresAt(token.backendAccess)) return token;
      return refreshBackend(token, errorName);
    },
    async session({ session, token }) {
      if (SESSION_CALLBACK_DELAY_MS > 0) await new Promise((r) => setTimeout(r, SESSION_CALLBACK_DELAY_MS));
      session.backendAccess = token.backendAccess;
      if (token.error) session.error = token.error;
      return session;
    },
  };
}

// permissions is a deterministic list of Django-style permission names.
function permissions(bytes) {
  const out = [];
  for (let i = 0; JSON.stringify(out).length < bytes; i++) out.push(`app_${i % 37}.change_model_${i}`);
  return out;
}

async function authorize(credentials) {
  if (!credentials?.username || !credentials?.password) return null;
  return backendLogin(String(credentials.username), String(credentials.password));
}

const nextauthOptions = {
  secret: env.NEXTAUTH_SECRET,
  session: { strategy: "jwt" },
  providers: [
    CredentialsV4({
      name: "Django",
      credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
      authorize,
    }),
  ],
  callbacks: callbacks("RefreshAccessTokenError"),
};

const authjsConfig = {
  basePath: "/api/auth",
  trustHost: true,
  secret: env.AUTH_SECRET,
  session: { strategy: "jwt" },
  providers: [
    AuthjsCredentials({
      credentials: { username: { label: "Username" }, password: { label: "Password", type: "password" } },
      authorize,
    }),
  ],
  callbacks: callbacks("RefreshTokenError"),
};

// ---- the Next.js glue replaced by plain node:http -------------------------

function parseCookies(header) {
  const out = {};
  for (const part of (header || "").split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!(name in out)) out[name] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
}

// parseBody does what Next's API routes do before calling a handler.
function parseBody(raw, contentType) {
  if (!raw.length) return undefined;
  const text = raw.toString();
  if ((contentType || "").includes("application/json")) return JSON.parse(text);
  if ((contentType || "").includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  return text;
}

// apiRequest is the shape NextAuth(req, res, options) reads in the pages router.
function apiRequest(req, url, raw) {
  const query = Object.fromEntries(url.searchParams);
  const rest = url.pathname.replace(/^\/api\/auth\/?/, "");
  query.nextauth = rest ? rest.split("/") : [];
  return {
    method: req.method,
    headers: req.headers,
    query,
    cookies: parseCookies(req.headers.cookie),
    body: parseBody(raw, req.headers["content-type"]),
  };
}

// apiResponse adds the helpers of Next's NextApiResponse to a node response.
function apiResponse(res) {
  res.status = (code) => {
    res.statusCode = code;
    return res;
  };
  res.json = (v) => {
    if (!res.getHeader("Content-Type")) res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.end(JSON.stringify(v));
  };
  res.send = (body) => {
    if (body !== null && typeof body === "object" && !Buffer.isBuffer(body)) return res.json(body);
    res.end(body ?? "");
  };
  return res;
}

// rscResponse is what getServerSession gets during a Server Component render:
// headers, and so the refreshed session cookie, cannot be set and are dropped
// (next-auth's own RSC branch passes the same no-op object).
const rscResponse = { getHeader() {}, setCookie() {}, setHeader() {} };

async function handleAuthjs(req, res, url, raw) {
  const request = new Request(url, {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
    body: ["GET", "HEAD"].includes(req.method) ? undefined : raw,
  });
  const response = await Auth(request, authjsConfig);
  await writeResponse(res, response);
}

async function writeResponse(res, response) {
  const headers = [];
  response.headers.forEach((v, k) => {
    if (k !== "set-cookie") headers.push([k, v]);
  });
  for (const c of response.headers.getSetCookie()) headers.push(["set-cookie", c]);
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

// dashboardSession reads the session the way a Server Component does.
async function dashboardSession(req, url) {
  if (FLAVOR === "nextauth") {
    return getServerSession({ headers: req.headers, cookies: parseCookies(req.headers.cookie) }, rscResponse, nextauthOptions);
  }
  const response = await Auth(new Request(new URL("/api/auth/session", url), { headers: { cookie: req.headers.cookie || "" } }), authjsConfig);
  return response.json(); // its Set-Cookie is dropped, as in a Server Component
}

// asset is a deterministic static file of about size bytes, so the large HAR
// has real, distinct response bodies.
function asset(n, size) {
  const lines = [`/* harfixtures asset ${n} */`];
  let i = 0;
  while (lines.join("\n").length < size) {
    lines.push(`export const v${n}_${i} = ${JSON.stringify(`${n}:${i}:` + "abcdefghijklmnopqrstuvwxyz0123456789".repeat(2))};`);
    i++;
  }
  return lines.join("\n") + "\n";
}

function send(res, status, type, body) {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
}

async function route(req, res) {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const raw = await readBody(req);
  if (url.pathname.startsWith("/api/auth/")) {
    if (FLAVOR === "nextauth") return NextAuth(apiRequest(req, url, raw), apiResponse(res), nextauthOptions);
    return handleAuthjs(req, res, url, raw);
  }
  if (url.pathname === "/") return send(res, 200, "text/html; charset=utf-8", page());
  if (url.pathname === "/dashboard") {
    const session = await dashboardSession(req, url);
    return send(res, 200, "text/html; charset=utf-8", `<!doctype html><title>Dashboard</title><pre id="session">${escapeHTML(JSON.stringify(session))}</pre>`);
  }
  const m = url.pathname.match(/^\/static\/asset-(\d+)\.js$/);
  if (m) return send(res, 200, "text/javascript; charset=utf-8", asset(Number(m[1]), Number(url.searchParams.get("size") || 10240)));
  if (url.pathname === "/__fixture/foreign-session") {
    // A session cookie value encrypted with FOREIGN_SECRET by the library's own encode.
    const token = { name: "alice", sub: "alice" };
    const value =
      FLAVOR === "nextauth"
        ? await encodeV4({ token, secret: FOREIGN_SECRET })
        : await encodeAuthjs({ token, secret: FOREIGN_SECRET, salt: "authjs.session-token" });
    return send(res, 200, "application/json", JSON.stringify({ name: FLAVOR === "nextauth" ? "next-auth.session-token" : "authjs.session-token", value }));
  }
  if (url.pathname === "/__fixture/decode" && req.method === "POST") {
    // Opens a session cookie value with the library's own decode.
    const { value } = JSON.parse(raw.toString());
    try {
      const token =
        FLAVOR === "nextauth"
          ? await decodeV4({ token: value, secret: env.NEXTAUTH_SECRET })
          : await decodeAuthjs({ token: value, secret: env.AUTH_SECRET, salt: "authjs.session-token" });
      return send(res, 200, "application/json", JSON.stringify({ token }));
    } catch (err) {
      return send(res, 200, "application/json", JSON.stringify({ error: String(err) }));
    }
  }
  if (url.pathname === "/__fixture/trace") return send(res, 200, "application/json", JSON.stringify(trace));
  send(res, 404, "text/plain", "not found");
}

function escapeHTML(s) {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// page is what the browser loads. The recorder calls window.fx.* through CDP;
// each function is what a real client does (next-auth/react's signIn posts the
// same form, useSession reads /api/auth/session).
function page() {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>harfixtures ${FLAVOR}</title></head>
<body><h1>harfixtures (${FLAVOR})</h1><pre id="out"></pre>
<script>
const BACKEND = ${JSON.stringify(BACKEND_URL)};
const FLAVOR = ${JSON.stringify(FLAVOR)};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function json(res) { const t = await res.text(); try { return { status: res.status, body: JSON.parse(t) }; } catch { return { status: res.status, body: t }; } }
window.fx = {
  // login signs in with the credentials provider, as signIn("credentials") does.
  async login(username, password) {
    const { csrfToken } = await (await fetch("/api/auth/csrf")).json();
    const form = new URLSearchParams({ username, password, csrfToken, callbackUrl: location.origin + "/", json: "true" });
    const headers = { "Content-Type": "application/x-www-form-urlencoded" };
    if (FLAVOR === "authjs") headers["X-Auth-Return-Redirect"] = "1";
    return json(await fetch("/api/auth/callback/credentials", { method: "POST", headers, body: form }));
  },
  // readSessions starts n session reads, staggerMs apart, and waits for all.
  async readSessions(n, staggerMs) {
    const reads = [];
    for (let i = 0; i < n; i++) {
      if (i > 0 && staggerMs > 0) await sleep(staggerMs);
      reads.push(fetch("/api/auth/session").then(json));
    }
    return Promise.all(reads);
  },
  async dashboard() { return (await fetch("/dashboard")).status; },
  // clientLogin and clientRefresh talk to Django directly, as a client-side
  // token store does.
  async clientLogin(username, password) {
    const r = await json(await fetch(BACKEND + "/api/token/", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password }) }));
    if (r.status === 200) { localStorage.setItem("access", r.body.access); localStorage.setItem("refresh", r.body.refresh); }
    return r;
  },
  async clientRefreshRace(n) {
    const refresh = localStorage.getItem("refresh");
    const one = () => fetch(BACKEND + "/api/token/refresh/", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh }) }).then(json);
    return Promise.all(Array.from({ length: n }, one));
  },
  async loadAssets(from, to, size) {
    const out = [];
    for (let i = from; i < to; i += 50) {
      const batch = [];
      for (let j = i; j < Math.min(i + 50, to); j++) batch.push(fetch("/static/asset-" + j + ".js?size=" + size).then((r) => r.text()).then((t) => t.length));
      out.push(...(await Promise.all(batch)));
    }
    return out.length;
  },
};
</script></body></html>`;
}

const server = http.createServer((req, res) => {
  route(req, res).catch((err) => {
    console.error("harfixtures app: unhandled", err);
    if (!res.headersSent) send(res, 500, "text/plain", "internal error");
    else res.end();
  });
});
server.listen(PORT, "127.0.0.1", () => {
  console.log(`READY http://127.0.0.1:${server.address().port}`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
