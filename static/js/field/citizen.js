/* The citizen's page (a link for one plot, no account): each photo picked is shrunk on the phone and
 * sent in chunks that resume after a cut (send.js, the officials' own way of sending); a photo that
 * could not be sent is tried again, by itself and with "Gửi lại". Texts come from the page (data-text-*).
 */
(function () {
  "use strict";
  var page = document.querySelector("[data-citizen]");
  if (!page || !window.FieldSend) { return; }
  var texts = page.dataset;
  var list = page.querySelector("[data-citizen-photos]");
  var maxBytes = Number(page.dataset.maxBytes || 0);
  var certificatePages = 0;

  function uuid() {
    if (window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function item(label) {
    var li = document.createElement("li");
    li.className = "local-photo";
    var text = document.createElement("span");
    li.appendChild(text);
    list.appendChild(li);
    return {
      li: li,
      say: function (state, detail) {
        li.dataset.state = state;
        text.textContent = label + " · " + (texts["text" + state.charAt(0).toUpperCase() + state.slice(1)] || state) +
          (detail ? " " + detail : "");
      },
    };
  }

  function send(photo, row) {
    row.say("sending");
    var old = row.li.querySelector("button");
    if (old) { old.remove(); }
    return window.FieldSend.upload(photo.blob, {
      endpoint: page.dataset.uploads,
      uploadUrl: photo.uploadUrl,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      metadata: { scan: photo.id, kind: photo.kind, filename: photo.name, sha256: photo.sha256 },
      onCreated: function (location) { photo.uploadUrl = location; },
      onProgress: function (sent, total) { row.say("sending", Math.round(sent * 100 / total) + " %"); },
    }).then(function () { row.say("sent"); }, function (err) {
      var status = err && err.originalResponse ? err.originalResponse.getStatus() : 0;
      var detail = "";
      try { detail = JSON.parse(err.originalResponse.getBody()).detail || ""; } catch (e) { detail = ""; }
      if (status >= 400 && status < 500 && status !== 409) { row.say("refused", detail); return; }
      row.say("failed");
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "link";
      retry.textContent = texts.textRetry;
      retry.addEventListener("click", function () { send(photo, row); });
      row.li.appendChild(retry);
      window.addEventListener("online", function again() {
        window.removeEventListener("online", again);
        if (row.li.dataset.state === "failed") { send(photo, row); }
      });
    });
  }

  page.querySelectorAll("input[type=file][data-citizen-kind]").forEach(function (input) {
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      input.value = "";
      files.reduce(function (chain, file) {
        var kind = input.dataset.citizenKind;
        if (kind === "cert") { certificatePages += 1; kind = "cert_" + Math.min(certificatePages, 4); }
        var row = item(input.getAttribute("aria-label"));
        row.say("shrinking");
        return chain.then(function () { return window.FieldSend.shrink(file); }).then(function (small) {
          if (maxBytes && small.blob.size > maxBytes) { row.say("refused", texts.textTooLarge); return null; }
          return window.FieldSend.sha256Hex(small.blob).then(function (sha256) {
            return send({ id: uuid(), kind: kind, blob: small.blob, name: small.name, sha256: sha256 }, row);
          });
        });
      }, Promise.resolve());
    });
  });

  var form = page.querySelector("[data-citizen-details]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = JSON.stringify({ phone: form.phone.value, note: form.note.value });
    fetch(page.dataset.details, { method: "POST", body: body, headers: { "Content-Type": "application/json" },
                                  credentials: "omit" })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } })
      .then(function () {
        form.querySelector("[data-citizen-done]").hidden = false;
        form.querySelector("[data-citizen-error]").hidden = true;
      }, function () { form.querySelector("[data-citizen-error]").hidden = false; });
  });
})();
