// The roll call's pages without a connection: each page and what it loads
// is fetched from the network when there is one (and kept), else taken
// from the phone's cache. Marks are never sent from here: the page keeps
// them until the server confirms them.
'use strict';
var CACHE = 'smena-roll-calls';
self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener('fetch', function (e) {
  var req = e.request;
  var url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf('/roll-calls/') !== 0 && url.pathname !== '/static/smena.css') { return; }
  e.respondWith(fetch(req).then(function (res) {
    if (res.ok) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { return c.put(req, copy); });
    }
    return res;
  }).catch(function () {
    return caches.match(req, { ignoreSearch: true }).then(function (hit) {
      return hit || new Response('offline', { status: 503, headers: { 'Content-Type': 'text/plain' } });
    });
  }));
});
