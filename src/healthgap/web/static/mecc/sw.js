// Service worker of the MECC logging page: keeps the page and its assets so that it opens
// without a network. The page is fetched from the network first (fresh token and lists when
// online) and from this cache when that fails; assets come from the cache first. Entries are
// never kept here: the page queues them in localStorage and posts them itself.
"use strict";
var CACHE = "hg-mecc-v1";
var PAGE = "/mecc/log";
var ASSETS = ["/static/vendor/govuk-frontend.min.css", "/static/mecc/log.css", "/static/mecc/log.js"];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(ASSETS).then(function () {
        return fetch(PAGE, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(PAGE, response);
        });
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== CACHE; })
        .map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    event.respondWith(
      fetch(request).then(function (response) {
        // Keep only the page itself: never a sign-in page reached by a redirect.
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(PAGE, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(PAGE).then(function (cached) {
          return cached || new Response("You are offline and this page is not saved yet.", {
            status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" }
          });
        });
      })
    );
  } else if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(
      caches.match(url.pathname).then(function (cached) { return cached || fetch(request); })
    );
  }
});
