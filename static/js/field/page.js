/* On every page: the service worker, the outbox badge ("Chưa gửi: n"), sending the outbox when the
 * signal returns or a page opens, and keeping the phone's copy of the plots fresh. */
(function () {
  "use strict";
  var F = window.Field;
  var _ = window.gettext || function (text) { return text; };
  var html = document.documentElement;
  var PLOTS_MAX_AGE = 10 * 60 * 1000;

  if ("serviceWorker" in navigator && html.dataset.serviceWorker) {
    navigator.serviceWorker.register(html.dataset.serviceWorker, { scope: "/" }).catch(function () { return null; });
  }
  if (!F) { return; }

  // tus-js-client is needed only to send photos: fetched when the outbox has some.
  var tusLoaded = null;
  function needTus() {
    if (window.tus) { return Promise.resolve(); }
    if (!tusLoaded) {
      tusLoaded = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = html.dataset.tus;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return tusLoaded;
  }

  function formatTime(ms) {
    var when = new Date(ms);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(when.getHours()) + ":" + pad(when.getMinutes()) + " " + pad(when.getDate()) + "/" + pad(when.getMonth() + 1);
  }

  function renderBadge() {
    var badge = document.getElementById("outbox-badge");
    return F.pending().then(function (work) {
      if (!badge) { return work; }
      var needsLogin = work.drafts.some(function (d) { return d.state === F.STATES.login; });
      var attention = work.drafts.some(function (d) { return d.state === F.STATES.conflict || d.state === F.STATES.attention; });
      badge.hidden = work.count === 0;
      badge.textContent = interpolate(_("Chưa gửi: %s"), [work.count]);
      badge.classList.toggle("attention", attention || needsLogin);
      var login = document.getElementById("outbox-login");
      if (login) {
        login.hidden = !needsLogin;
      }
      return work;
    });
  }

  function interpolate(text, values) {
    if (window.interpolate) { return window.interpolate(text, values); }
    var i = 0;
    return text.replace(/%s/g, function () { return String(values[i++]); });
  }

  function renderPlotsUpdated() {
    return F.plotsMeta().then(function (meta) {
      document.querySelectorAll("[data-plots-updated]").forEach(function (element) {
        element.textContent = meta ? interpolate(_("Dữ liệu trên máy cập nhật lúc %s"), [formatTime(meta.at)])
                                   : _("Chưa tải danh sách thửa về máy.");
      });
    });
  }

  function refreshPlots() {
    if (!html.dataset.collector || navigator.onLine === false) { return Promise.resolve(); }
    return F.plotsMeta().then(function (meta) {
      if (meta && Date.now() - meta.at < PLOTS_MAX_AGE) { return null; }
      return F.refreshPlots().catch(function () { return null; });
    }).then(renderPlotsUpdated);
  }

  function send() {
    return F.pending().then(function (work) {
      if (!work.count) { return null; }
      return (work.photos.length ? needTus() : Promise.resolve()).then(function () { return F.sync(); });
    }).then(renderBadge).then(retryLater);
  }

  /* A weak signal or a server restarting fails without an "online" event to wake the outbox: what is
   * still waiting is sent again after 5 s, 10 s, 20 s… up to every 5 minutes. */
  var retryDelay = 0;
  var retryTimer = null;
  function retryLater(work) {
    clearTimeout(retryTimer);
    var waiting = work && (work.drafts.some(function (d) { return d.state === F.STATES.waiting || d.state === F.STATES.sending; }) ||
                           work.photos.some(function (p) { return p.state === F.STATES.waiting || p.state === F.STATES.sending; }));
    if (!waiting) { retryDelay = 0; return work; }
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 5000, 5 * 60 * 1000);
    retryTimer = setTimeout(send, retryDelay);
    return work;
  }

  window.FieldPage = { send: send, renderBadge: renderBadge, needTus: needTus };

  F.onChange(function (message) { if (message.type !== "progress") { renderBadge(); renderPlotsUpdated(); } });
  window.addEventListener("online", function () { send(); refreshPlots(); });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "drain") { send(); }
    });
  }

  function start() {
    renderBadge();
    renderPlotsUpdated();
    refreshPlots();
    send();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
