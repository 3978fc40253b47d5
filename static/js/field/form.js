/* The record form on the phone: every field and photo kept on the phone as it is entered, photos
 * queued at once (resized first), "Lưu nháp" and "Gửi" through the outbox, so that a lost signal, a
 * closed tab or an ended session loses nothing. Without JavaScript the form posts as before.
 *
 * <form data-field-form data-client-id data-plot-id data-base-version data-record-id data-max-bytes
 *       data-plot-url data-plot-label>
 */
(function () {
  "use strict";
  var F = window.Field;
  if (!F) { return; }

  var _ = window.gettext || function (text) { return text; };
  var TEXTS = {
    Sent: _("Đã gửi. Máy chủ đang đối chiếu với sổ địa chính."),
    Saved: _("Đã lưu."),
    Pending: _("Đã lưu trên máy này; sẽ tự gửi khi có mạng (xem “Chưa gửi”)."),
    Login: _("Phiên đăng nhập đã hết: đã lưu trên máy này; hãy đăng nhập lại để gửi."),
    Attention: _("Chưa gửi được: xem “Chưa gửi” để xử lý."),
    TooLarge: _("Ảnh quá lớn (%s MB) kể cả sau khi thu nhỏ: không gửi. Hãy chụp lại."),
    Remove: _("Xóa ảnh"),
  };
  var STATE_TEXTS = {
    local: _("trên máy"), waiting: _("chờ gửi, sẽ tự gửi lại"), sending: _("đang gửi"), sent: _("đã gửi, đang xử lý"),
    ready: _("sẵn sàng"), login: _("cần đăng nhập lại"), conflict: _("có xung đột"), attention: _("cần xử lý"),
  };

  function t(form, key) { return TEXTS[key] || key; }

  function fieldValues(form) {
    var values = {};
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (input) {
      if (input.type === "hidden" || input.type === "file" || input.name === "csrfmiddlewaretoken") { return; }
      values[input.name] = input.type === "checkbox" ? (input.checked ? "1" : "0") : input.value;
    });
    return values;
  }

  function fill(form, values, keys) {
    keys.forEach(function (key) {
      var input = form.querySelector('[name="' + key + '"]');
      if (!input || values[key] === undefined) { return; }
      if (input.type === "checkbox") { input.checked = values[key] === "1" || values[key] === true; }
      else { input.value = values[key]; }
    });
  }

  function stateLabel(form, state, percent) {
    var label = STATE_TEXTS[state] || state;
    return state === "sending" && percent !== undefined ? label + " " + percent + " %" : label;
  }

  function renderPhotos(form, list, progress) {
    var clientId = form.dataset.clientId;
    return F.photosOf(clientId).then(function (photos) {
      list.innerHTML = "";
      photos.filter(function (p) { return p.state !== "ready"; }).forEach(function (photo) {
        var item = document.createElement("li");
        item.className = "local-photo state-" + photo.state;
        item.dataset.photoId = photo.id;
        item.dataset.state = photo.state;
        var img = document.createElement("img");
        img.alt = photo.kindLabel || photo.kind;
        img.src = URL.createObjectURL(photo.blob);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        var text = document.createElement("span");
        text.textContent = (photo.kindLabel || photo.kind) + " · " + stateLabel(form, photo.state, progress[photo.id]) +
          (photo.error ? " — " + photo.error : "");
        item.appendChild(img);
        item.appendChild(text);
        if (photo.state !== "sent") {
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "link";
          remove.textContent = t(form, "Remove") || "Xóa";
          remove.addEventListener("click", function () { F.removePhoto(photo.id).then(function () { renderPhotos(form, list, progress); }); });
          item.appendChild(remove);
        }
        list.appendChild(item);
      });
    });
  }

  function queueAndSend(form, submit) {
    var clientId = form.dataset.clientId;
    return F.saveDraft(clientId, {
      values: fieldValues(form), plotId: Number(form.dataset.plotId), plotLabel: form.dataset.plotLabel,
      plotUrl: form.dataset.plotUrl, baseVersion: form.dataset.baseVersion || "", recordId: form.dataset.recordId || null,
      state: "waiting", submit: submit,
    }).then(function () {
      if (navigator.serviceWorker && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (reg) {
          if (reg.sync) { return reg.sync.register("outbox").catch(function () { return null; }); }
          return null;
        });
      }
      return window.FieldPage ? window.FieldPage.send() : F.sync();
    });
  }

  function say(form, text, kind) {
    var box = form.querySelector("[data-field-status]");
    if (!box) { return; }
    box.hidden = !text;
    box.textContent = text || "";
    box.className = "field-status " + (kind || "");
  }

  function enhance(form) {
    if (form.dataset.fieldReady) { return; }
    form.dataset.fieldReady = "1";
    var clientId = form.dataset.clientId;
    var maxBytes = Number(form.dataset.maxBytes || 0);
    var list = form.ownerDocument.querySelector("[data-local-photos]");
    var progress = {};
    // Photos still being shrunk and stored: "Lưu nháp" and "Gửi" wait for them, so none is lost.
    var storing = Promise.resolve();
    document.querySelectorAll("[data-scan-upload-box]").forEach(function (box) { box.hidden = true; });
    document.querySelectorAll("[data-photo-pickers]").forEach(function (box) { box.hidden = false; });

    // What was typed on this phone before (a closed tab, a restart) comes back first.
    F.getDraft(clientId).then(function (draft) {
      if (draft && draft.touched.length) { fill(form, draft.values, draft.touched); }
      if (draft && draft.state === "sent" && draft.submit && draft.status === "submitted") {
        say(form, t(form, "Sent"), "ok");
      } else if (draft && draft.state !== "local" && draft.state !== "sent") {
        say(form, t(form, "Pending"), "warn");
      }
      if (list) { renderPhotos(form, list, progress); }
    });

    form.addEventListener("input", function (event) {
      var input = event.target;
      if (!input.name || input.type === "file") { return; }
      var change = {};
      change[input.name] = input.type === "checkbox" ? (input.checked ? "1" : "0") : input.value;
      F.saveDraft(clientId, { values: change, plotId: Number(form.dataset.plotId), plotLabel: form.dataset.plotLabel,
                              plotUrl: form.dataset.plotUrl, baseVersion: form.dataset.baseVersion || "",
                              recordId: form.dataset.recordId || null });
    });
    form.addEventListener("change", function (event) {
      if (event.target.type !== "file") { form.dispatchEvent(new Event("input", { bubbles: true })); }
    });

    document.querySelectorAll("input[type=file][data-photo-kind]").forEach(function (input) {
      input.addEventListener("change", function () {
        var files = Array.prototype.slice.call(input.files || []);
        input.value = "";
        var kind = input.dataset.photoKind;
        var kindLabel = input.dataset.kindLabel || kind;
        storing = files.reduce(function (chain, file) {
          return chain.then(function () { return window.FieldSend.shrink(file); }).then(function (small) {
            if (maxBytes && small.blob.size > maxBytes) {
              say(form, t(form, "TooLarge").replace("%s", (small.blob.size / 1048576).toFixed(1)), "error");
              return null;
            }
            return F.addPhoto(clientId, kind, small.blob, small.name).then(function (photo) {
              return F.updatePhoto(photo.id, { kindLabel: kindLabel });
            });
          });
        }, storing).then(function () {
          if (list) { renderPhotos(form, list, progress); }
          return queueAndSend(form, false);
        });
      });
    });

    var busy = false;  // a double tap asks once and sends once
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }
      busy = true;
      var submit = event.submitter && event.submitter.name === "submit";
      // Before "Gửi": what is still missing (the checklist); the official may send anyway.
      var go = submit && window.FieldChecklist ? window.FieldChecklist.confirm(form) : Promise.resolve(true);
      go.then(function (ok) { return ok ? sendNow(submit) : null; }).finally(function () { busy = false; });
    });

    function buttons(disabled) {
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = disabled; });
    }

    function sendNow(submit) {
      buttons(true);  // a second tap while this one is on its way
      return storing.then(function () { return queueAndSend(form, submit); }).then(function () { return F.getDraft(clientId); }).then(function (draft) {
        buttons(false);
        if (draft && draft.state === "sent") {
          say(form, submit ? t(form, "Sent") : t(form, "Saved"), "ok");
          if (submit) { window.location.assign(draft.plotUrl || form.dataset.plotUrl); }
        } else if (draft && draft.state === "login") {
          say(form, t(form, "Login"), "warn");
        } else if (draft && (draft.state === "conflict" || draft.state === "attention")) {
          say(form, t(form, "Attention"), "error");
        } else {
          say(form, t(form, "Pending"), "warn");
          if (submit) { window.location.assign(form.dataset.plotUrl); }
        }
      });
    }

    F.onChange(function (data) {
      if (data && data.type === "progress") { progress[data.photo] = data.percent; }
      if (list) { renderPhotos(form, list, progress); }
      followSent(form);
    });
    followSent(form);
  }

  /* Photos handed to the server: the page's list of scans is fetched again (it then follows their
   * processing by itself) and the phone's copies are marked "Sẵn sàng" once processed. */
  var following = null;
  var shownOnServer = {};
  function followSent(form) {
    var clientId = form.dataset.clientId;
    F.photosOf(clientId).then(function (photos) {
      var sent = photos.filter(function (p) { return p.state === "sent"; });
      var fresh = photos.filter(function (p) {
        return (p.state === "sent" || p.state === "ready") && !shownOnServer[p.id];
      });
      if (fresh.length) {
        fresh.forEach(function (p) { shownOnServer[p.id] = true; });
        var scanList = document.querySelector("[data-scan-list-url]");
        if (scanList && window.htmx) {
          window.htmx.ajax("GET", scanList.dataset.scanListUrl, { target: "#" + scanList.id, swap: "outerHTML" });
        }
      }
      if (sent.length && !following) {
        following = setTimeout(function () {
          following = null;
          F.refreshPhotoStates(clientId).then(function () { followSent(form); });
        }, 2000);
      }
    });
  }

  function start() { document.querySelectorAll("form[data-field-form]").forEach(enhance); }
  window.FieldForm = { enhance: enhance };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
