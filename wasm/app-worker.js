// tokenscope service worker: makes the site work offline after one visit.
//
// go-app fills in the version and the list of resources when it generates
// the site. It replaces its placeholders everywhere, comments included, so
// they appear only in the two constants below.
//
// Unlike go-app's default worker, install and activate hold the worker in
// its phase with event.waitUntil until the cache is complete, so "active"
// really means "everything is cached".
//
// Privacy rules this file keeps:
// - it answers only same-origin GET requests inside its own scope; anything
//   else (a POST probe to a backend, any cross-origin request) never reaches
//   respondWith and goes to the network exactly as the page sent it;
// - it never logs: request URLs can carry what the user pasted.

const scope = self.registration.scope; // always ends with "/"
const cachePrefix = "tokenscope:" + scope + ":";
const cacheName = cachePrefix + "{{.Version}}";
const resourcesToCache = {{.ResourcesToCache}};

// The scope URL itself is added so a visit to ".../" works offline, whether
// go-app listed the root as "/prefix" or "/". Absolute URLs dedupe the list:
// cache.addAll rejects duplicate requests.
function urlsToCache() {
  const urls = new Set(resourcesToCache.map((r) => new URL(r, scope).href));
  urls.add(scope);
  return [...urls];
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(cacheName)
      // cache: "reload" skips the HTTP cache so a new version never stores
      // a stale file from the previous one.
      .then((cache) => cache.addAll(urlsToCache().map((u) => new Request(u, { cache: "reload" }))))
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
            // Only our own older versions: other apps on this origin keep theirs.
            .filter((key) => key.startsWith(cachePrefix) && key !== cacheName)
            .map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

function handles(request) {
  if (request.method !== "GET") {
    return false;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return false;
  }
  // Inside the scope, or the scope without its trailing slash ("/prefix").
  return url.href.startsWith(scope) || url.href + "/" === scope;
}

self.addEventListener("fetch", (event) => {
  if (!handles(event.request)) {
    return; // not ours: the browser sends it to the network untouched
  }
  event.respondWith(cacheFirst(event.request));
});

async function cacheFirst(request) {
  const cache = await caches.open(cacheName);
  const cached = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
  if (cached) {
    return cached;
  }
  try {
    return await fetch(request);
  } catch (err) {
    // Offline and not cached: a page navigation still gets the app shell.
    if (request.mode === "navigate") {
      const shell = await cache.match(scope);
      if (shell) {
        return shell;
      }
    }
    throw err;
  }
}
