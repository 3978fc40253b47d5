/* Scan panel: a kind select per chosen file, upload progress, "fill from QR". No build step. */
(function () {
  "use strict";
  if (window.__scansPanel) { return; }
  window.__scansPanel = true;

  function renderFileKinds(input) {
    var box = input.closest("[data-scan-upload-box]");
    if (!box) { return; }
    var list = box.querySelector("[data-scan-file-kinds]");
    var batch = box.querySelector("[data-scan-batch-kind]");
    list.innerHTML = "";
    Array.prototype.forEach.call(input.files || [], function (file, index) {
      var item = document.createElement("li");
      var label = document.createElement("label");
      var id = input.id + "-kind-" + index;
      label.setAttribute("for", id);
      label.textContent = file.name;
      var select = batch.cloneNode(true);
      select.removeAttribute("data-scan-batch-kind");
      select.name = "kinds";
      select.id = id;
      select.value = batch.value;
      item.appendChild(label);
      item.appendChild(select);
      list.appendChild(item);
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-scan-files]")) {
      renderFileKinds(target);
    } else if (target.matches && target.matches("[data-scan-batch-kind]")) {
      // Changing the batch kind changes every per-file kind still equal to the old default.
      var box = target.closest("[data-scan-upload-box]");
      box.querySelectorAll("[data-scan-file-kinds] select").forEach(function (select) {
        select.value = target.value;
      });
    }
  });

  function progressFor(element) {
    var box = element.closest && element.closest("[data-scan-upload-box]");
    return box ? box.querySelector("[data-scan-progress]") : null;
  }

  document.addEventListener("htmx:xhr:loadstart", function (event) {
    var bar = progressFor(event.target);
    if (bar) { bar.hidden = false; bar.value = 0; }
  });
  // An upload answered by an error (database or server down) or never answered (network): htmx swaps
  // nothing, so say it, or the official would believe the photo was stored.
  ["htmx:responseError", "htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var box = event.target.closest && event.target.closest("[data-scan-upload-box]");
      if (!box) { return; }
      var bar = box.querySelector("[data-scan-progress]");
      var message = box.querySelector("[data-scan-upload-error]");
      if (bar) { bar.hidden = true; }
      if (message) { message.hidden = false; }
    });
  });
  document.addEventListener("htmx:xhr:loadstart", function (event) {
    var box = event.target.closest && event.target.closest("[data-scan-upload-box]");
    var message = box && box.querySelector("[data-scan-upload-error]");
    if (message) { message.hidden = true; }
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = progressFor(event.target);
    if (bar && event.detail && event.detail.lengthComputable) {
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });

  function setField(form, name, value) {
    var input = form.querySelector('[name="' + name + '"]');
    if (!input) { return; }
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // "Đọc từ ảnh — hãy kiểm tra": the official takes the value read from the photo into the field.
  document.addEventListener("click", function (event) {
    var use = event.target.closest && event.target.closest("[data-use-suggestion]");
    var form = document.getElementById("record-form");
    if (!use || !form) { return; }
    setField(form, use.dataset.field, use.dataset.value);
    use.closest("[data-suggestion]").hidden = true;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-scan-fill]");
    if (!button) { return; }
    var form = document.getElementById("record-form");
    if (!form) { return; }
    var prefix = button.dataset.prefix || "holder_";
    setField(form, prefix + "name", button.dataset.name || "");
    setField(form, prefix + "birth", button.dataset.birth || "");
    setField(form, prefix + "id_number", button.dataset.idNumber || "");
    if (button.dataset.oldIdNumber) {
      setField(form, prefix + "old_id_number", button.dataset.oldIdNumber);
    }
    var done = button.parentNode.querySelector("[data-scan-fill-done]");
    if (done) { done.hidden = false; }
  });
})();
