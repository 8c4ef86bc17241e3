// tokenscope service worker: makes the site work offline after one visit,
// and serves only the files of this build, byte for byte.
//
// The build (sealWorker in wasm/site.go) writes the manifest below: the
// SHA-256 of every file of the site, by its path under the worker's scope
// ("" is the page itself). Nothing else in this file is filled in, and go-app
// finds none of its placeholders here.
//
// Integrity: every cached file is hashed (crypto.subtle.digest) before it is
// used. A compressed file (web/app.wasm.gz) also verifies as its decompressed
// bytes (build.decoded), which is what a host that sends it with
// Content-Encoding: gzip hands over. On a mismatch the file is fetched from the network once, bypassing
// the HTTP cache, and checked again; a good copy replaces the cached one. A
// file that is still wrong is not served: the answer is a 500 with a plain
// message, and a page load whose files do not all verify gets that message
// instead of the page. Cache Storage is writable by any script on this
// origin, and a cache outlives the server's fixes: the hash is what says a
// file is this build's.
//
// Install and activate hold the worker in its phase with event.waitUntil
// until the cache is complete and verified, so "active" really means
// "everything is cached".
//
// Privacy rules this file keeps:
// - it answers only same-origin GET requests for the files in the manifest;
//   anything else (a POST probe to a backend, any cross-origin request, any
//   other path) never reaches respondWith and goes to the network exactly as
//   the page sent it, and is never cached;
// - it never logs: request URLs can carry what the user pasted.

const build = /*tokenscope:build*/ null;

const scope = self.registration.scope; // always ends with "/"
const cachePrefix = "tokenscope:" + scope + ":";
// Each build has its own cache, so a worker that is still running never
// finds the next build's files (which its manifest would refuse) in it.
const cacheName = cachePrefix + build.id;

const paths = Object.keys(build.files);

function urlOf(path) {
  return new URL(path, scope).href;
}

async function sha256(response) {
  const digest = await crypto.subtle.digest("SHA-256", await response.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// verified says whether response holds exactly the manifest's bytes for
// path. It reads the body: pass a copy (see use).
async function verified(path, response) {
  if (!response || !response.ok || response.redirected) {
    return false;
  }
  const sum = await sha256(response);
  return sum === build.files[path] || (Object.hasOwn(build.decoded, path) && sum === build.decoded[path]);
}

// fetchVerified asks the network for path, skipping the HTTP cache, and
// returns the response only when it verifies.
async function fetchVerified(path) {
  return fetchChecked(path, "reload");
}

// fetchRevalidated asks for path with the HTTP cache revalidating (a 304
// when the page has just downloaded it: the worker is registered after the
// wasm download, so the first visit does not download app.wasm.gz twice),
// and, should that copy not verify, once more from the network alone.
async function fetchRevalidated(path) {
  try {
    return await fetchChecked(path, "no-cache");
  } catch (err) {
    return fetchVerified(path);
  }
}

async function fetchChecked(path, mode) {
  let response;
  try {
    response = await fetch(new Request(urlOf(path), { cache: mode }));
  } catch (err) {
    throw new IntegrityError(path, false);
  }
  if (!(await verified(path, response.clone()))) {
    throw new IntegrityError(path, true);
  }
  return response;
}

// IntegrityError is a file the worker will not serve. reached says whether
// the server answered (with other bytes) or could not be reached.
class IntegrityError extends Error {
  constructor(path, reached) {
    const what = path === "" ? "the page (index.html)" : path;
    super(
      reached
        ? "tokenscope: " + what + " does not match this build's SHA-256, neither in the cache nor on the server, so it was not used." +
            " Reload when the server has a complete build, or clear this site's data."
        : "tokenscope: " + what + " is missing from the cache or does not match this build's SHA-256, and the server could not be reached for a good copy, so it was not used." +
            " Reload when you are online."
    );
    this.path = path;
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(cacheName)
      .then((cache) =>
        Promise.all(paths.map((path) => fetchRevalidated(path).then((response) => cache.put(urlOf(path), response))))
      )
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            // Only our own older builds: other apps on this origin keep theirs.
            .filter((key) => key.startsWith(cachePrefix) && key !== cacheName)
            .map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

// manifestPath is the request's path in the manifest, or undefined when the
// worker must leave the request alone. A page navigation ignores the query
// string (go-app reads some, e.g. ?wasm=false).
function manifestPath(request) {
  if (request.method !== "GET") {
    return undefined;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.href.startsWith(scope)) {
    return undefined;
  }
  if (url.search !== "" && request.mode !== "navigate") {
    return undefined;
  }
  const path = url.pathname.slice(new URL(scope).pathname.length);
  return Object.prototype.hasOwnProperty.call(build.files, path) ? path : undefined;
}

self.addEventListener("fetch", (event) => {
  const path = manifestPath(event.request);
  if (path === undefined) {
    return; // not ours: the browser sends it to the network untouched
  }
  event.respondWith(respond(path));
});

async function respond(path) {
  try {
    const cache = await caches.open(cacheName);
    if (path === "") {
      // The page: the files it loads must verify first, so a bad file shows
      // this message instead of a page that half works. app.wasm.gz is
      // checked when it is fetched, not twice per load: app.js, verified
      // here, shows the worker's refusal of it in the loading label.
      await Promise.all(paths.filter((p) => !build.selfReported.includes(p)).map((p) => use(cache, p)));
    }
    return await use(cache, path);
  } catch (err) {
    return failClosed(err, path);
  }
}

// use returns path's verified cached response, or, when it is missing or
// does not verify, the network's once, which then replaces it.
//
// The check reads a second match of the same entry rather than a clone of
// the one served: a Response straight from Cache Storage keeps its link to
// the stored entry, which lets Chromium reuse compiled code for it. (Since
// the loader decompresses app.wasm.gz into a Response of its own, the wasm
// no longer gets that reuse; a clone would cost the other files nothing
// either, but one read path for every file is simpler to check. A script
// that could rewrite the entry between the two matches already runs on
// this origin, and so can read the page anyway: the hash guards against
// what the cache carries over, not against a script on the page.)
async function use(cache, path) {
  const url = urlOf(path);
  if (await verified(path, await cache.match(url))) {
    const cached = await cache.match(url);
    if (cached) {
      return cached;
    }
  }
  const fresh = await fetchVerified(path);
  await cache.put(urlOf(path), fresh.clone());
  return fresh;
}

function failClosed(err, path) {
  const message = err instanceof IntegrityError ? err.message : new IntegrityError(path, false).message;
  return new Response(message + "\n", {
    status: 500,
    statusText: "Integrity check failed",
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Tokenscope-Integrity": "failed" },
  });
}
