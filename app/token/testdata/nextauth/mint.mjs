// mint.mjs: NextAuth v4 / Auth.js session-token test vectors, minted by the
// real libraries, around the real SimpleJWT tokens in
// ../simplejwt/vectors.json.
//
// Regenerate (Node >= 20, npm registry reachable; no Next.js, React or
// network access needed at run time):
//
//     cd app/token/testdata/nextauth && npm ci && node mint.mjs
//
// It writes ./vectors.json (pretty-printed) and nothing else. To add or
// remint some vectors without changing the others (tokens are random per
// run): node mint.mjs --only v4_leaky_claims Go tests read
// vectors.json; they need no Node. package.json + package-lock.json pin
// next-auth@4.24.15, @auth/core@0.41.3, the legacy @auth/core 0.18.0 /
// 0.20.0 / 0.23.0 (as npm aliases @auth/core-0.18.0, ...) and jose@4.15.9 (the
// jose next-auth 4 uses). .npmrc sets legacy-peer-deps so npm does not pull in
// next/react (peers of next-auth that this script never loads).
//
// What it uses, all from the installed libraries:
//   - Encryption: only the public encode/decode APIs: `next-auth/jwt`
//     encode({token, secret, maxAge}) / decode({token, secret}) for v4, and
//     `@auth/core/jwt` encode({token, secret, salt, maxAge}) /
//     decode({token, secret, salt}) for Auth.js (and the same functions of the
//     legacy @auth/core versions).
//   - Chunking and reading back: the libraries' own SessionStore classes,
//     loaded by file path because neither package exports them
//     (next-auth/core/lib/cookie.js, @auth/core/lib/utils/cookie.js,
//     @auth/core-0.18.0/lib/cookie.js, ...). Cookie headers are parsed back
//     with the parser each library uses (`cookie` for next-auth v4's
//     dependency, @auth/core/lib/vendored/cookie.js for Auth.js).
//   - The clock: every token is minted with Date patched to read
//     `generated_at` (= minted_at of the SimpleJWT vectors, so access_valid is
//     still valid "now"), or an earlier time for expired sessions. IVs and jti
//     are random, so tokens differ between runs; vector names, payload shapes
//     and the verdicts in `expect` do not.
//
// Independently of the libraries, the script also derives each key with
// node:crypto hkdfSync and computes the RFC 7638 thumbprint itself, and
// records both, so the Go implementation can be checked step by step.

import { createRequire } from "node:module";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const nm = (p) => path.join(here, "node_modules", p);
const importFile = (p) => import(pathToFileURL(nm(p)).href);
const pkgVersion = (p) => JSON.parse(fs.readFileSync(nm(`${p}/package.json`), "utf8")).version;

// ---------------------------------------------------------------- clock
const RealDate = Date;
let fakeNowMs = null;
class FakeDate extends RealDate {
  constructor(...args) {
    if (args.length === 0 && fakeNowMs !== null) super(fakeNowMs);
    else super(...args);
  }
  static now() {
    return fakeNowMs ?? RealDate.now();
  }
}
globalThis.Date = FakeDate;
const setClock = (unixSeconds) => {
  fakeNowMs = unixSeconds * 1000;
};

// ------------------------------------------------------------- libraries
const v4jwt = require("next-auth/jwt");
const { SessionStore: V4SessionStore, defaultCookies: v4DefaultCookies } = require(
  nm("next-auth/core/lib/cookie.js"),
);
const v4CookieParse = createRequire(nm("next-auth/jwt/index.js"))("cookie").parse;

const authjs = await import("@auth/core/jwt");
const { SessionStore: AuthjsSessionStore, defaultCookies: authjsDefaultCookies } =
  await importFile("@auth/core/lib/utils/cookie.js");
const { parse: authjsCookieParse } = await importFile("@auth/core/lib/vendored/cookie.js");

const legacy = {};
for (const v of ["0.18.0", "0.20.0", "0.23.0"]) {
  const dir = `@auth/core-${v}`;
  if (!fs.existsSync(nm(`${dir}/package.json`))) continue;
  const jwt = await import(`${dir}/jwt`);
  const cookieFile = fs.existsSync(nm(`${dir}/lib/utils/cookie.js`))
    ? `${dir}/lib/utils/cookie.js`
    : `${dir}/lib/cookie.js`;
  const cookieMod = await importFile(cookieFile);
  legacy[v] = { jwt, cookieMod, cookieFile, version: pkgVersion(dir) };
}

const jose = await import("jose"); // top-level jose: the one next-auth 4 uses

const versions = {
  "next-auth": pkgVersion("next-auth"),
  "@auth/core": pkgVersion("@auth/core"),
  jose: pkgVersion("jose"),
  "jose (used by @auth/core)": pkgVersion("@auth/core/node_modules/jose"),
  "@panva/hkdf": pkgVersion("@panva/hkdf"),
  ...Object.fromEntries(Object.entries(legacy).map(([v, l]) => [`@auth/core-${v}`, l.version])),
};
const V4LIB = `next-auth@${versions["next-auth"]}`;
const AUTHJSLIB = `@auth/core@${versions["@auth/core"]}`;

// ---------------------------------------------------------------- inputs
const simplejwt = JSON.parse(
  fs.readFileSync(path.join(here, "..", "simplejwt", "vectors.json"), "utf8"),
);
const sj = Object.fromEntries(simplejwt.vectors.filter((v) => v.token).map((v) => [v.name, v]));
const G = simplejwt.minted_at; // "now" for every vector
const DAY = 86400;

// Fixed test secrets (openssl rand -base64 32). Libraries use the string's
// UTF-8 bytes as HKDF ikm; it is NOT base64-decoded.
const secrets = {
  main: "fbMk5oWi/G7HviiaaZzqNvenPwowiW2gFct8nhxRyiw=",
  other: "lijQ1FoAClu4ziI+tfGNFyUOT+FvHKTngaHdGy91D+s=",
  rotated_old: "VPnjyUWiTzOF5KRLSH/Z/D3qG9AX72JIcyq0nHs3fQI=",
};

const quietLogger = { debug() {}, error() {}, warn() {} };

// ----------------------------------------------------------- helpers
const b64u = (buf) => Buffer.from(buf).toString("base64url");
const jsonB64u = (s) => JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
const header = (token) => jsonB64u(token.split(".")[0]);

// Independent re-derivation with node:crypto (not @panva/hkdf).
function deriveKey(secret, salt, info, length) {
  return Buffer.from(crypto.hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.from(salt, "utf8"), Buffer.from(info, "utf8"), length));
}
// RFC 7638 thumbprint of {"kty":"oct","k":...}: required members k, kty in
// lexicographic order, no whitespace.
function octThumbprint(key, hash) {
  return crypto.createHash(hash).update(JSON.stringify({ k: b64u(key), kty: "oct" })).digest("base64url");
}

function errInfo(e) {
  return { ok: false, error_name: e?.constructor?.name ?? "Error", error_code: e?.code ?? null, error: String(e?.message ?? e) };
}

async function tryDecode(fn, params, atSeconds = G) {
  setClock(atSeconds);
  try {
    const payload = await fn(params);
    return payload ? { ok: true, payload } : { ok: false, error: "decode returned null" };
  } catch (e) {
    return errInfo(e);
  } finally {
    setClock(G);
  }
}

function csrfCookieValue(secret) {
  // Same shape as next-auth core/lib/csrf-token.js and @auth/core
  // lib/actions/... : "<token>|<sha256(token+secret)>", URL-encoded by serialize.
  const t = crypto.randomBytes(32).toString("hex");
  const h = crypto.createHash("sha256").update(`${t}${secret}`).digest("hex");
  return encodeURIComponent(`${t}|${h}`);
}

// The sibling cookies a browser sends along with the session cookie after a
// sign-in on http://localhost:3000 (csrf + callback-url), then the session
// cookie(s) in the order they were set.
function cookieHeader(siblings, chunks) {
  return [...siblings, ...chunks.map((c) => `${c.name}=${c.value}`)].join("; ");
}

function siblingsFor(family, secure, secret) {
  const p = secure ? "__Secure-" : "";
  const host = secure ? "__Host-" : "";
  const base = family === "v4" ? "next-auth" : "authjs";
  const origin = encodeURIComponent(secure ? "https://app.example.com" : "http://localhost:3000");
  return [`${host}${base}.csrf-token=${csrfCookieValue(secret)}`, `${p}${base}.callback-url=${origin}`];
}

function nestedExpect(payload) {
  const out = [];
  for (const [key, val] of Object.entries(payload)) {
    if (typeof val !== "string") continue;
    const match = Object.values(sj).find((v) => v.token === val);
    if (!match) continue;
    const claims = jsonB64u(val.split(".")[1]);
    out.push({
      path: key,
      simplejwt_vector: match.name,
      token_type: claims.token_type,
      exp: claims.exp,
      expired_at_generated_at: claims.exp <= G,
    });
  }
  return out;
}

function lifetimes(payload) {
  const nested = nestedExpect(payload);
  const refresh = nested.find((n) => n.path === "backendRefresh");
  const access = nested.find((n) => n.path === "backendAccess");
  return {
    session_iat: payload.iat,
    session_exp: payload.exp,
    session_expired_at_generated_at: payload.exp <= G,
    backend_access_exp: access?.exp ?? null,
    backend_refresh_exp: refresh?.exp ?? null,
    // SimpleJWT refresh (1 day) dies before the session (30 days).
    refresh_expires_first: refresh ? refresh.exp < payload.exp : null,
    nested,
  };
}

function keyInfo(format, secretName, salt) {
  const secret = secrets[secretName];
  switch (format) {
    case "nextauth-v4": {
      const info = `NextAuth.js Generated Encryption Key${salt ? ` (${salt})` : ""}`;
      return { hkdf_hash: "sha256", salt, info, length: 32, derived_key_b64url: b64u(deriveKey(secret, salt, info, 32)) };
    }
    case "authjs-0.18": {
      const info = "Auth.js Generated Encryption Key";
      return { hkdf_hash: "sha256", salt: "", info, length: 32, derived_key_b64url: b64u(deriveKey(secret, "", info, 32)) };
    }
    case "authjs-0.20": {
      const info = `Auth.js Generated Encryption Key (${salt})`;
      return { hkdf_hash: "sha256", salt, info, length: 32, derived_key_b64url: b64u(deriveKey(secret, salt, info, 32)) };
    }
    case "authjs":
    case "authjs-0.23": {
      const info = `Auth.js Generated Encryption Key (${salt})`;
      const key = deriveKey(secret, salt, info, 64);
      return {
        hkdf_hash: "sha256",
        salt,
        info,
        length: 64,
        derived_key_b64url: b64u(key),
        jwk_thumbprint_sha512: octThumbprint(key, "sha512"),
        jwk_thumbprint_sha256: octThumbprint(key, "sha256"),
      };
    }
    default:
      return null;
  }
}

// Chunk with the library's own SessionStore; returns [{name, value}].
function chunkWith(family, cookieName, value, legacyVersion) {
  let store;
  if (family === "v4") {
    store = new V4SessionStore({ name: cookieName, options: {} }, { cookies: {} }, quietLogger);
  } else if (family === "authjs") {
    store = new AuthjsSessionStore({ name: cookieName, options: {} }, {}, quietLogger);
  } else {
    const SS = legacy[legacyVersion].cookieMod.SessionStore;
    store = legacyVersion === "0.18.0"
      ? new SS({ name: cookieName, options: {} }, { cookies: {} }, quietLogger)
      : new SS({ name: cookieName, options: {} }, {}, quietLogger);
  }
  return store.chunk(value, {}).filter((c) => c.value !== "").map(({ name, value }) => ({ name, value }));
}

// Read a Cookie header back the way the library does: parse, then
// SessionStore.value (startsWith(name) + sort by numeric suffix + join).
function readBack(family, cookieName, header, legacyVersion) {
  if (family === "v4" || legacyVersion === "0.18.0") {
    const SS = family === "v4" ? V4SessionStore : legacy[legacyVersion].cookieMod.SessionStore;
    return new SS({ name: cookieName, options: {} }, { cookies: v4CookieParse(header) }, quietLogger).value;
  }
  const SS = family === "authjs" ? AuthjsSessionStore : legacy[legacyVersion].cookieMod.SessionStore;
  return new SS({ name: cookieName, options: {} }, authjsCookieParse(header), quietLogger).value;
}

const vectors = [];

// ------------------------------------------------------------- v4 vectors
const baseClaims = {
  name: "Alice Example",
  email: "alice@example.com",
  picture: "https://avatars.example.com/alice.png",
  sub: "1",
};
function backend(accessName, refreshName) {
  const t = { backendAccess: sj[accessName].token };
  if (refreshName) t.backendRefresh = sj[refreshName].token;
  t.backendAccessExpires = sj[accessName].expect.exp * 1000; // ms, as Date.now()-based callbacks store it
  return t;
}

async function v4Vector({ name, description, cookieName = "next-auth.session-token", secretName = "main", token, mintAt = G, maxAge, expect = {} }) {
  setClock(mintAt);
  const params = { token, secret: secrets[secretName] };
  if (maxAge !== undefined) params.maxAge = maxAge;
  const jwe = await v4jwt.encode(params);
  setClock(G);
  const chunks = chunkWith("v4", cookieName, jwe);
  const cookie_header = cookieHeader(siblingsFor("v4", cookieName.startsWith("__Secure-"), secrets[secretName]), chunks);
  const readBackValue = readBack("v4", cookieName, cookie_header);
  // Prove the round trip: decode at generated_at, and (for expired ones) at mint time.
  const atNow = await tryDecode(v4jwt.decode, { token: jwe, secret: secrets[secretName] });
  const atMint = await tryDecode(v4jwt.decode, { token: jwe, secret: secrets[secretName] }, mintAt);
  const payload = atMint.payload ?? atNow.payload;
  const checks = [
    { secrets: [secretName], salt: "", at: "generated_at", library: V4LIB, ...strip(atNow) },
  ];
  if (mintAt !== G) checks.push({ secrets: [secretName], salt: "", at: "mint_time", library: V4LIB, ...strip(atMint) });
  if (secretName !== "main") {
    checks.push({ secrets: ["main"], salt: "", at: "generated_at", library: V4LIB, ...strip(await tryDecode(v4jwt.decode, { token: jwe, secret: secrets.main })) });
  }
  vectors.push({
    name,
    description,
    library: V4LIB,
    format: "nextauth-v4",
    cookie_name: cookieName,
    salt: "",
    secret_name: secretName,
    header: header(jwe),
    token: jwe,
    cookie_header,
    chunks: chunks.map((c) => c.name),
    chunk_lengths: chunks.map((c) => c.value.length),
    cookie_header_length: cookie_header.length,
    payload,
    key: keyInfo("nextauth-v4", secretName, ""),
    roundtrip: {
      cookie_header_reads_back_to_token: readBackValue === jwe,
      decoded: atMint.ok,
      payload_matches_input: atMint.ok && sameClaims(token, atMint.payload),
    },
    decode_checks: checks,
    expect: { format: "nextauth-v4", ...lifetimes(payload), ...expect },
  });
  return { jwe, chunks, cookie_header };
}

function strip(r) {
  const { payload, ...rest } = r;
  return rest;
}
function sameClaims(input, decoded) {
  return Object.entries(input).every(([k, v]) => JSON.stringify(decoded[k]) === JSON.stringify(v));
}

// A padded claim making the encoded token at least `target` chars long
// (7600: two chunks, ~8 KB header): a permissions list like the one a Django
// backend returns.
async function padToTwoChunks(encodeFn, base, target) {
  for (let n = 50; n < 2000; n += 5) {
    const t = { ...base, permissions: Array.from({ length: n }, (_, i) => `inventory.view_item_${String(i).padStart(4, "0")}`) };
    const len = (await encodeFn(t)).length;
    if (len >= target) return t;
  }
  throw new Error("padding failed");
}

const v4valid = await v4Vector({
  name: "v4_valid",
  description: "NextAuth v4 session (default 30-day maxAge) holding the SimpleJWT login pair: backendAccess=access_valid, backendRefresh=refresh_valid.",
  token: { ...baseClaims, ...backend("access_valid", "refresh_valid") },
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted" },
});
await v4Vector({
  name: "v4_secure_cookie",
  description: "Same as v4_valid under the https cookie name __Secure-next-auth.session-token. v4 never salts with the cookie name (salt is \"\"), so it decrypts under either name.",
  cookieName: "__Secure-next-auth.session-token",
  token: { ...baseClaims, ...backend("access_valid", "refresh_valid") },
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted", decrypts_under_plain_name_too: true },
});
await v4Vector({
  name: "v4_expired",
  description: "Session minted 31 days before generated_at with the default 30-day maxAge: exp is one day in the past. Decrypts, but the library's decode rejects it (JWTExpired, 15 s tolerance).",
  mintAt: G - 31 * DAY,
  token: { ...baseClaims, ...backend("access_expired", "refresh_expired") },
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted" },
});
await v4Vector({
  name: "v4_wrong_secret",
  description: "Encrypted with the `other` secret; typing `main` fails (v4 tokens carry no kid, so the only sign is the AES-GCM tag failing: \"decryption operation failed\").",
  secretName: "other",
  token: { ...baseClaims, ...backend("access_valid", "refresh_valid") },
  expect: { typed_secrets: ["main"], decrypts_with: null, finding: "nextauth.secret_mismatch", decrypts_with_secret: "other" },
});
const v4ChunkBase = { ...baseClaims, ...backend("access_valid", "refresh_valid") };
const v4ChunkToken = await padToTwoChunks(async (t) => v4jwt.encode({ token: t, secret: secrets.main }), v4ChunkBase, 7600);
const v4chunked = await v4Vector({
  name: "v4_chunked",
  description: "v4 session padded with a `permissions` array so the cookie value exceeds next-auth's chunk size (4096 - 163 = 3933 chars) and SessionStore splits it into next-auth.session-token.0 and .1 (~8 KB header).",
  token: v4ChunkToken,
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted", chunked: true },
});
await v4Vector({
  name: "v4_no_backend_refresh",
  description: "v4 session whose jwt callback stored only the access token (login never returned / never kept a refresh token): no backendRefresh claim.",
  token: { ...baseClaims, ...backend("access_valid", null) },
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted", backend_refresh_missing: true },
});
await v4Vector({
  name: "v4_access_as_refresh",
  description: "v4 session whose backendRefresh holds an access-typed token (access_as_refresh): SimpleJWT answers 401 \"Token has wrong type\".",
  token: { ...baseClaims, ...backend("access_valid", "access_as_refresh") },
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted", backend_refresh_wrong_type: true },
});
await v4Vector({
  name: "v4_refresh_expired_first",
  description: "Valid 30-day session minted 2 days ago whose backend tokens (access_expired, refresh_expired) are already dead: the 'works for a day, then 401' pattern.",
  mintAt: G - 2 * DAY,
  token: { ...baseClaims, ...backend("access_expired", "refresh_expired") },
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted" },
});
await v4Vector({
  name: "v4_refresh_error",
  description: "v4 session after a failed refresh: the jwt callback kept the old tokens and set error: \"RefreshAccessTokenError\" (the NextAuth refresh-token-rotation recipe).",
  token: { ...baseClaims, ...backend("access_expired", "refresh_expired"), error: "RefreshAccessTokenError" },
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted", session_error: "RefreshAccessTokenError" },
});

// A session whose jwt callback stored the OAuth provider's tokens as well:
// what the export must never carry. Every planted value is random per run
// and listed in `planted`, so tests can search the export for it.
{
  const rnd = (alphabet, n) => Array.from(crypto.randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");
  const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const B64URL = ALNUM + "-_";
  const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const digits = (n) => rnd("0123456789", n);
  const gho = "gho_" + rnd(ALNUM, 36);
  const ya29 = "ya29." + rnd(B64URL, 40) + "." + rnd(B64URL, 60);
  const googleRefresh = "1//0g" + rnd(B64URL, 98);
  const slack = `xoxb-${digits(12)}-${digits(13)}-${rnd(ALNUM, 24)}`;
  const akia = "AKIA" + rnd(UPPER, 16);
  const awsSecret = rnd(ALNUM + "+/", 40);
  // Tokens hiding JWTs, signed with a random key by jose, each carrying a
  // further credential in its claims: decoding a kept payload would give
  // it back.
  const hiddenKey = crypto.randomBytes(32);
  const hiddenJWT = async (claims) =>
    new jose.SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt(G).sign(hiddenKey);
  const ghInside = "ghp_" + rnd(ALNUM, 36);
  const idToken = await hiddenJWT({ sub: "1", iss: "https://accounts.google.com", at: ya29 });
  const underUnknownName = await hiddenJWT({ sub: "1", gh: ghInside });
  const inBearer = await hiddenJWT({ sub: "1", note: "bearer" });
  const inURL = await hiddenJWT({ sub: "1", note: "url" });
  const inEncodedURL = await hiddenJWT({ sub: "1", note: "percent-encoded" });
  const token = {
    ...baseClaims,
    ...backend("access_valid", "refresh_valid"),
    account: {
      provider: "github",
      type: "oauth",
      access_token: gho,
      refresh_token: googleRefresh,
      id_token: idToken,
      scope: "read:user user:email",
    },
    googleAccessToken: ya29,
    slackBotToken: slack,
    aws: { accessKeyId: akia, secretAccessKey: awsSecret },
    x: underUnknownName,
    authorization: `Bearer ${inBearer}`,
    callbackUrl: `https://x/cb?token=${inURL}`,
    returnTo: "https://app.example.com/next?u=" + encodeURIComponent(`https://x/cb?token=${inEncodedURL}`).replaceAll(".", "%2E"),
    name: `Alice ${gho}`,
  };
  const minted = await v4Vector({
    name: "v4_leaky_claims",
    description: "v4 session whose jwt callback kept the OAuth provider's tokens: opaque gho_, ya29., 1//0g, xoxb- and AKIA values (random per run), and JWTs under an unknown claim name, inside \"Bearer …\", inside a URL query and inside a percent-encoded URL. The Markdown export must carry none of `planted`.",
    token,
    expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted" },
  });
  vectors[vectors.length - 1].planted = [gho, ya29, googleRefresh, slack, akia, awsSecret, ghInside, idToken, underUnknownName, inBearer, inURL, inEncodedURL];
  void minted;
}

// Stale chunks: what the library itself reads when an old unchunked cookie
// sits beside .0/.1, and when a chunk is missing.
async function readCase({ family, name, description, cookieName, cookie_header, expect }) {
  const lib = family === "v4" ? V4LIB : AUTHJSLIB;
  const salt = family === "v4" ? "" : cookieName;
  const value = readBack(family, cookieName, cookie_header);
  // The order SessionStore joined the cookies in: replay the same names with
  // each value replaced by "<name>|".
  const names = cookie_header.split("; ").map((c) => c.split("=")[0]).filter((n) => n.startsWith(cookieName));
  const probe = names.map((n) => `${n}=${n}|`).join("; ");
  const joinOrder = readBack(family, cookieName, probe).split("|").filter(Boolean);
  const r = family === "v4"
    ? await tryDecode(v4jwt.decode, { token: value, secret: secrets.main })
    : await tryDecode(authjs.decode, { token: value, secret: [secrets.main], salt });
  vectors.push({
    name,
    description,
    library: lib,
    format: family === "v4" ? "nextauth-v4" : "authjs",
    cookie_name: cookieName,
    salt,
    secret_name: "main",
    header: null,
    token: null,
    cookie_header,
    chunks: names,
    cookie_header_length: cookie_header.length,
    payload: null,
    library_read: {
      session_store_join_order: joinOrder,
      session_store_value_length: value.length,
      session_store_value_dot_segments: value.split(".").length,
      ...strip(r),
    },
    decode_checks: [{ secrets: ["main"], salt, at: "generated_at", library: lib, via: "SessionStore.value of cookie_header", ...strip(r) }],
    expect: { format: family === "v4" ? "nextauth-v4" : "authjs", typed_secrets: ["main"], ...expect },
  });
}
await readCase({
  family: "v4",
  name: "v4_stale_chunks",
  description: "A stale unchunked next-auth.session-token (v4_valid's token) left beside v4_chunked's .0 and .1. next-auth's SessionStore joins every cookie whose name starts with the session name, sorted by parseInt of the last dot-separated part; the bare name gives NaN, so the join is garbage and decode fails.",
  cookieName: "next-auth.session-token",
  cookie_header: cookieHeader(siblingsFor("v4", false, secrets.main), [{ name: "next-auth.session-token", value: v4valid.jwe }, ...v4chunked.chunks]),
  expect: { decrypts_with: null, finding: "nextauth.stale_chunks" },
});
await readCase({
  family: "v4",
  name: "v4_missing_chunk",
  description: "v4_chunked with its .1 chunk missing (e.g. dropped at a header limit): SessionStore returns only .0's value, which is not a complete JWE.",
  cookieName: "next-auth.session-token",
  cookie_header: cookieHeader(siblingsFor("v4", false, secrets.main), [v4chunked.chunks[0]]),
  expect: { decrypts_with: null, finding: "nextauth.stale_chunks" },
});
{
  // An older, bigger session (3 chunks) whose .2 survived (e.g. set with
  // another Path/Domain, so the clean-up did not remove it) beside the new .0/.1.
  const big = await padToTwoChunks(async (t) => v4jwt.encode({ token: t, secret: secrets.main }), v4ChunkBase, 8400);
  const oldChunks = chunkWith("v4", "next-auth.session-token", await v4jwt.encode({ token: big, secret: secrets.main }));
  if (oldChunks.length !== 3) throw new Error(`expected 3 old chunks, got ${oldChunks.length}`);
  await readCase({
    family: "v4",
    name: "v4_stale_extra_chunk",
    description: "v4_chunked's .0 and .1 plus a leftover .2 from an older 3-chunk session: SessionStore appends it after .1; the old tail carries its own \".<tag>\", so the join has 6 dot-separated parts and decode fails (\"Invalid Compact JWE\").",
    cookieName: "next-auth.session-token",
    cookie_header: cookieHeader(siblingsFor("v4", false, secrets.main), [...v4chunked.chunks, oldChunks[2]]),
    expect: { decrypts_with: null, finding: "nextauth.stale_chunks" },
  });
}

// --------------------------------------------------------- Auth.js vectors
async function authjsVector({ name, description, cookieName = "authjs.session-token", salt = cookieName, secretName = "main", token, mintAt = G, maxAge, expect = {}, extraChecks = [] }) {
  setClock(mintAt);
  const params = { token, secret: secrets[secretName], salt };
  if (maxAge !== undefined) params.maxAge = maxAge;
  const jwe = await authjs.encode(params);
  setClock(G);
  const chunks = chunkWith("authjs", cookieName, jwe);
  const cookie_header = cookieHeader(siblingsFor("authjs", cookieName.startsWith("__Secure-"), secrets[secretName]), chunks);
  const readBackValue = readBack("authjs", cookieName, cookie_header);
  const own = await tryDecode(authjs.decode, { token: jwe, secret: secrets[secretName], salt }, mintAt);
  const checks = [];
  const check = async (secretNames, s, at = G) => {
    const r = await tryDecode(authjs.decode, { token: jwe, secret: secretNames.map((n) => secrets[n]), salt: s }, at);
    checks.push({ secrets: secretNames, salt: s, at: at === G ? "generated_at" : "mint_time", library: AUTHJSLIB, ...strip(r) });
  };
  await check([secretName], salt);
  for (const [names, s] of extraChecks) await check(names, s ?? salt);
  const hdr = header(jwe);
  const key = keyInfo("authjs", secretName, salt);
  vectors.push({
    name,
    description,
    library: AUTHJSLIB,
    format: "authjs",
    cookie_name: cookieName,
    salt,
    secret_name: secretName,
    header: hdr,
    token: jwe,
    cookie_header,
    chunks: chunks.map((c) => c.name),
    chunk_lengths: chunks.map((c) => c.value.length),
    cookie_header_length: cookie_header.length,
    payload: own.payload,
    key,
    kid: hdr.kid,
    kid_thumbprint_hash: "sha512",
    kid_matches_computed_thumbprint: hdr.kid === key.jwk_thumbprint_sha512,
    roundtrip: {
      cookie_header_reads_back_to_token: readBackValue === jwe,
      decoded: own.ok,
      payload_matches_input: own.ok && sameClaims(token, own.payload),
    },
    decode_checks: checks,
    expect: { format: "authjs", ...lifetimes(own.payload), ...expect },
  });
  return { jwe, chunks };
}

const authjsValid = await authjsVector({
  name: "authjs_valid",
  description: "Auth.js (@auth/core 0.41) session under authjs.session-token, salt = that name, holding the SimpleJWT login pair.",
  token: { ...baseClaims, ...backend("access_valid", "refresh_valid") },
  extraChecks: [[["main"], "__Secure-authjs.session-token"]],
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted" },
});
await authjsVector({
  name: "authjs_secure",
  description: "Auth.js session minted under __Secure-authjs.session-token (salt = that name, as on https). Pasted under the plain name authjs.session-token the salt differs, the kid matches no typed secret, and decode fails: authjs.salt_mismatch.",
  cookieName: "__Secure-authjs.session-token",
  token: { ...baseClaims, ...backend("access_valid", "refresh_valid") },
  extraChecks: [[["main"], "authjs.session-token"]],
  expect: {
    typed_secrets: ["main"],
    decrypts_with: "main",
    finding: "nextauth.decrypted",
    pasted_under_plain_name: { cookie_name: "authjs.session-token", finding: "authjs.salt_mismatch" },
  },
});
await authjsVector({
  name: "authjs_rotated",
  description: "Encrypted with the rotated_old secret (what AUTH_SECRET=[main, rotated_old] still accepts). The kid names which secret fits before any decryption.",
  secretName: "rotated_old",
  token: { ...baseClaims, ...backend("access_valid", "refresh_valid") },
  extraChecks: [[["main", "rotated_old"]], [["main"]]],
  expect: { typed_secrets: ["main", "rotated_old"], decrypts_with: "rotated_old", finding: "nextauth.decrypted", with_only_main: "nextauth.secret_mismatch" },
});
const authjsChunkToken = await padToTwoChunks(
  async (t) => authjs.encode({ token: t, secret: secrets.main, salt: "authjs.session-token" }),
  { ...baseClaims, ...backend("access_valid", "refresh_valid") },
  7600,
);
const authjsChunked = await authjsVector({
  name: "authjs_chunked",
  description: "Auth.js session padded with a `permissions` array past @auth/core's chunk size (4096 - 160 = 3936 chars): authjs.session-token.0 and .1.",
  token: authjsChunkToken,
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted", chunked: true },
});
await authjsVector({
  name: "authjs_wrong_secret",
  description: "Auth.js session encrypted with `other`; typing `main` fails. The library fails before decrypting (kid matches no secret: \"no matching decryption secret\").",
  secretName: "other",
  token: { ...baseClaims, ...backend("access_valid", "refresh_valid") },
  extraChecks: [[["main"]]],
  expect: { typed_secrets: ["main"], decrypts_with: null, finding: "nextauth.secret_mismatch", decrypts_with_secret: "other" },
});
await authjsVector({
  name: "authjs_no_backend_refresh",
  description: "Auth.js session with backendAccess only (no backendRefresh).",
  token: { ...baseClaims, ...backend("access_valid", null) },
  expect: { typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted", backend_refresh_missing: true },
});

await readCase({
  family: "authjs",
  name: "authjs_stale_chunks",
  description: "A stale unchunked authjs.session-token (authjs_valid's token) beside authjs_chunked's .0 and .1: @auth/core's SessionStore joins all three (same startsWith + parseInt sort as v4) and decode fails.",
  cookieName: "authjs.session-token",
  cookie_header: cookieHeader(siblingsFor("authjs", false, secrets.main), [{ name: "authjs.session-token", value: authjsValid.jwe }, ...authjsChunked.chunks]),
  expect: { decrypts_with: null, finding: "nextauth.stale_chunks" },
});

// ---------------------------------------------------------- legacy Auth.js
const legacyNotes = {
  "0.18.0": {
    format: "authjs-0.18",
    cookie: "next-auth.session-token",
    salt: "",
    description: "@auth/core 0.18.0: dir + A256GCM, HKDF salt \"\", info \"Auth.js Generated Encryption Key\" (no salt suffix), 32-byte key, cookie still named next-auth.session-token. Its header is identical to next-auth v4's; only the HKDF info differs.",
  },
  "0.20.0": {
    format: "authjs-0.20",
    cookie: "authjs.session-token",
    salt: "authjs.session-token",
    description: "@auth/core 0.20.0: dir + A256GCM without kid, HKDF salt = cookie name, info \"Auth.js Generated Encryption Key (authjs.session-token)\", 32-byte key. Header identical to v4's; the authjs.* cookie name tells them apart.",
  },
  "0.23.0": {
    format: "authjs-0.23",
    cookie: "authjs.session-token",
    salt: "authjs.session-token",
    description: "@auth/core 0.23.0: dir + A256CBC-HS512 without kid, HKDF salt = cookie name, 64-byte key.",
  },
};
const legacyInstalled = {};
for (const [v, note] of Object.entries(legacyNotes)) {
  legacyInstalled[v] = !!legacy[v];
  if (!legacy[v]) continue;
  const lib = `@auth/core@${legacy[v].version}`;
  const { jwt } = legacy[v];
  const token = { ...baseClaims, ...backend("access_valid", "refresh_valid") };
  setClock(G);
  const params = v === "0.18.0" ? { token, secret: secrets.main } : { token, secret: secrets.main, salt: note.salt };
  const jwe = await jwt.encode(params);
  const chunks = chunkWith("legacy", note.cookie, jwe, v);
  const cookie_header = cookieHeader(
    siblingsFor(v === "0.18.0" ? "v4" : "authjs", false, secrets.main),
    chunks,
  );
  const readBackValue = readBack("legacy", note.cookie, cookie_header, v);
  const own = await tryDecode(jwt.decode, { ...params, token: jwe });
  const checks = [{ secrets: ["main"], salt: note.salt, at: "generated_at", library: lib, ...strip(own) }];
  // Do the current libraries still read it?
  checks.push({
    secrets: ["main"], salt: note.salt, at: "generated_at", library: AUTHJSLIB,
    ...strip(await tryDecode(authjs.decode, { token: jwe, secret: [secrets.main], salt: note.salt || note.cookie })),
  });
  checks.push({
    secrets: ["main"], salt: "", at: "generated_at", library: V4LIB,
    ...strip(await tryDecode(v4jwt.decode, { token: jwe, secret: secrets.main })),
  });
  const key = keyInfo(note.format, "main", note.salt);
  const hdr = header(jwe);
  vectors.push({
    name: `authjs_legacy_${v.replaceAll(".", "_")}`,
    description: note.description,
    library: lib,
    format: note.format,
    cookie_name: note.cookie,
    salt: note.salt,
    secret_name: "main",
    header: hdr,
    token: jwe,
    cookie_header,
    chunks: chunks.map((c) => c.name),
    chunk_lengths: chunks.map((c) => c.value.length),
    cookie_header_length: cookie_header.length,
    payload: own.payload,
    key,
    kid: hdr.kid ?? null,
    roundtrip: {
      cookie_header_reads_back_to_token: readBackValue === jwe,
      decoded: own.ok,
      payload_matches_input: own.ok && sameClaims(token, own.payload),
    },
    decode_checks: checks,
    expect: { format: note.format, typed_secrets: ["main"], decrypts_with: "main", finding: "nextauth.decrypted", ...lifetimes(own.payload) },
  });
}

// ------------------------------------------------ signed (JWS) session
{
  // A custom jwt.encode of the kind apps write to make the cookie readable:
  //   jwt: { encode: ({ secret, token }) => new SignJWT(token)...sign(secret) }
  setClock(G);
  const token = { ...baseClaims, ...backend("access_valid", "refresh_valid") };
  const key = new TextEncoder().encode(secrets.main);
  const jws = await new jose.SignJWT(token)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(G + 30 * DAY)
    .setJti(crypto.randomUUID())
    .sign(key);
  const chunks = chunkWith("v4", "next-auth.session-token", jws);
  const cookie_header = cookieHeader(siblingsFor("v4", false, secrets.main), chunks);
  const verified = await (async () => {
    try {
      const { payload } = await jose.jwtVerify(jws, key, { clockTolerance: 15 });
      return { ok: true, payload };
    } catch (e) {
      return errInfo(e);
    }
  })();
  const wrong = await (async () => {
    try {
      await jose.jwtVerify(jws, new TextEncoder().encode(secrets.other));
      return { ok: true };
    } catch (e) {
      return errInfo(e);
    }
  })();
  const v4try = await tryDecode(v4jwt.decode, { token: jws, secret: secrets.main });
  vectors.push({
    name: "jws_custom_encoder",
    description: "A signed, not encrypted, session from a custom NextAuth jwt.encode (jose SignJWT HS256 keyed with the UTF-8 bytes of `main`). Readable without a secret; the secret only verifies it. next-auth's default decode rejects it (it is not a JWE).",
    library: `jose@${versions.jose} (custom encode)`,
    format: "jws",
    cookie_name: "next-auth.session-token",
    salt: null,
    secret_name: "main",
    header: header(jws),
    token: jws,
    cookie_header,
    chunks: chunks.map((c) => c.name),
    chunk_lengths: chunks.map((c) => c.value.length),
    cookie_header_length: cookie_header.length,
    payload: verified.payload,
    roundtrip: { cookie_header_reads_back_to_token: readBack("v4", "next-auth.session-token", cookie_header) === jws, decoded: verified.ok, payload_matches_input: verified.ok && sameClaims(token, verified.payload) },
    decode_checks: [
      { secrets: ["main"], salt: null, at: "generated_at", library: `jose@${versions.jose} jwtVerify`, ...strip(verified) },
      { secrets: ["other"], salt: null, at: "generated_at", library: `jose@${versions.jose} jwtVerify`, ...strip(wrong) },
      { secrets: ["main"], salt: "", at: "generated_at", library: V4LIB, ...strip(v4try) },
    ],
    expect: {
      format: "jws",
      typed_secrets: ["main"],
      signature_with_main: "jwt.signature_valid",
      signature_with_other: "jwt.signature_invalid",
      ...lifetimes(verified.payload),
    },
  });
}

// ------------------------------------------------------------------ write
// The chunk-size constants are module-private; read them from the source so
// the record cannot drift from what SessionStore actually used.
function chunkConsts(file) {
  const src = fs.readFileSync(nm(file), "utf8");
  const num = (re) => Number(src.match(re)?.[1]);
  const allowed = num(/const ALLOWED_COOKIE_SIZE = (\d+);/);
  const empty = num(/const ESTIMATED_EMPTY_COOKIE_SIZE = (\d+);/);
  return {
    implementation: `node_modules/${file} SessionStore (the library's own, loaded by file path)`,
    allowed_cookie_size: allowed,
    estimated_empty_cookie_size: empty,
    chunk_size: allowed - empty,
    chunks_when: "value.length > chunk_size (ceil(len / chunk_size) chunks named NAME.0, NAME.1, ...)",
  };
}
const out = {
  generated_at: G,
  generated_at_note: "All tokens were minted with the clock set to generated_at (= simplejwt/vectors.json minted_at) or earlier; judge them as of generated_at.",
  next_auth_version: versions["next-auth"],
  auth_core_version: versions["@auth/core"],
  versions,
  legacy_installed: legacyInstalled,
  cookie_header_note: "cookie_header is the value of the Cookie request header (without the \"Cookie: \" prefix), with the csrf-token and callback-url cookies a browser sends alongside; session chunks in the order they were set.",
  chunking: {
    "nextauth-v4": chunkConsts("next-auth/core/lib/cookie.js"),
    authjs: chunkConsts("@auth/core/lib/utils/cookie.js"),
    ...Object.fromEntries(Object.entries(legacy).map(([v, l]) => [`authjs-${v}`, chunkConsts(l.cookieFile)])),
  },
  secrets,
  vectors,
};
// `node mint.mjs --only NAME[,NAME]` rewrites only the named vectors in the
// existing vectors.json (appending new ones) and leaves every other byte as
// it was: vectors are random per run, so a full run rewrites all of them.
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1].split(",") : null;
if (only) {
  const file = path.join(here, "vectors.json");
  const existing = JSON.parse(fs.readFileSync(file, "utf8"));
  for (const name of only) {
    const fresh = vectors.find((v) => v.name === name);
    if (!fresh) throw new Error(`no vector ${name}`);
    const at = existing.vectors.findIndex((v) => v.name === name);
    if (at >= 0) existing.vectors[at] = fresh;
    else existing.vectors.push(fresh);
  }
  fs.writeFileSync(file, JSON.stringify(existing, null, 2) + "\n");
} else {
  fs.writeFileSync(path.join(here, "vectors.json"), JSON.stringify(out, null, 2) + "\n");
}

// Summary on stdout.
for (const v of vectors) {
  const rt = v.roundtrip ? `roundtrip=${v.roundtrip.cookie_header_reads_back_to_token && v.roundtrip.decoded}` : "";
  console.log(`${v.name.padEnd(28)} ${v.format.padEnd(12)} chunks=${(v.chunks ?? []).length} header=${v.cookie_header_length} ${rt}`);
}
const bad = vectors.filter((v) => v.roundtrip && !(v.roundtrip.cookie_header_reads_back_to_token && v.roundtrip.decoded && v.roundtrip.payload_matches_input));
if (bad.length) {
  console.error("round trip FAILED for:", bad.map((v) => v.name).join(", "));
  process.exit(1);
}
