/* The portal's service worker (rendered by config.pwa.service_worker). Workbox, vendored. */
/* eslint-disable no-undef */
importScripts("{{ workbox_sw|escapejs }}");
workbox.setConfig({ modulePathPrefix: "{{ workbox_prefix|escapejs }}", debug: false });
importScripts({% for script in scripts %}"{{ script|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %});

self.skipWaiting();
workbox.core.clientsClaim();
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute({{ precache|safe }});

var SHELL = "{{ shell|escapejs }}";
var OFFLINE = "{{ offline|escapejs }}";
var network = new workbox.strategies.NetworkOnly({ networkTimeoutSeconds: 8 });

/* Pages come from the network (nothing personal is kept in caches). Without signal, the campaign's
 * pages are drawn by the shell from the phone's store; any other page says what still works. */
workbox.routing.registerRoute(
  function (options) { return options.request.mode === "navigate"; },
  function (options) {
    return network.handle(options).catch(function () {
      var path = new URL(options.request.url).pathname;
      return workbox.precaching.matchPrecache(path.indexOf("/thu-thap/") === 0 ? SHELL : OFFLINE);
    });
  }
);

/* Background Sync: the outbox is sent when the signal returns, even with the portal closed. An open
 * page sends it itself (it shows the progress); the worker sends it only when no page is open. */
function drainOutbox() {
  return self.clients.matchAll({ type: "window" }).then(function (windows) {
    if (windows.length) {
      windows.forEach(function (client) { client.postMessage({ type: "drain" }); });
      return null;
    }
    return self.Field.sync();
  });
}
self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") { event.waitUntil(drainOutbox()); }
});
self.addEventListener("message", function (event) {
  if (event.data === "sync") { event.waitUntil(drainOutbox()); }
});
