// Package e2e drives the built tokenscope site in headless Chromium
// (Debian's /usr/bin/chromium) through chromedp. TestMain builds the site
// once with ./build.sh site, serves it on 127.0.0.1 and starts one browser;
// each test opens its own browser context (a fresh profile: no cookies,
// storage or service worker from another test).
//
// Subpackages: backend runs the real Django SimpleJWT server the probe tests
// talk to; djangobackend is that server's source.
package e2e
