/* The check at the door: as the form is filled (or filled from a CCCD's QR code) it is posted to the
 * live check (verification/live.py, the worker's own rules), and the answer shows in the form — what
 * matches the registry, what differs, what is new. Nothing is saved by it. Without signal it says it
 * will check once the signal is back.
 *
 * <section data-live-check data-url> holding [data-live-check-result] and [data-live-check-offline].
 */
(function () {
  "use strict";
  var DELAY = 400;

  function enhance(panel) {
    var form = panel.closest("form");
    if (!form || panel.dataset.liveReady) { return; }
    panel.dataset.liveReady = "1";
    var result = panel.querySelector("[data-live-check-result]");
    var offline = panel.querySelector("[data-live-check-offline]");
    var timer = null;
    var asked = 0;

    function unavailable() {
      offline.hidden = false;
      panel.dataset.state = "offline";
    }

    function run() {
      clearTimeout(timer);
      if (!form.dataset.plotId) { panel.hidden = true; return; }
      if (navigator.onLine === false) { unavailable(); return; }
      var body = new FormData(form);
      body.set("plot", form.dataset.plotId);
      body.set("record", form.dataset.recordId || "");
      var mine = ++asked;
      panel.dataset.state = "checking";
      fetch(panel.dataset.url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          if (mine !== asked) { return; }  // an older answer arriving after a newer question
          result.innerHTML = html;
          offline.hidden = true;
          panel.dataset.state = "done";
        }, function () { if (mine === asked) { unavailable(); } });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(run, DELAY);
    }
    form.addEventListener("input", function (event) { if (event.target.type !== "file") { later(); } });
    form.addEventListener("change", function (event) { if (event.target.type !== "file") { later(); } });
    window.addEventListener("online", run);
    run();
  }

  function start() { document.querySelectorAll("[data-live-check]").forEach(enhance); }
  window.FieldLive = { enhance: enhance };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
