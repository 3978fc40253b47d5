/* What the record still lacks before "Gửi", and the slip for the citizen. The items are data made by
 * the server (collection/checklist.py, json_script "checklist-data"); this file only evaluates them
 * against the form and the photos (on the server and still on the phone), so it works without signal.
 *
 * window.FieldChecklist.confirm(form) → Promise<boolean>: true to send (nothing missing, or the official
 * chose "Vẫn gửi"), false to go back.
 */
(function () {
  "use strict";
  var F = window.Field;
  var _ = window.gettext || function (text) { return text; };

  function readJSON(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function formValues(form) {
    var values = {};
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (input) {
      if (input.type === "checkbox") { values[input.name] = input.checked; }
      else if (input.type !== "file") { values[input.name] = input.value; }
    });
    return values;
  }

  function holds(condition, values) {
    var value = values[condition.field];
    var text = value === undefined || value === null ? "" : String(value).trim();
    if (condition.filled) { return text !== ""; }
    if (condition.checked) { return value === true || ["1", "on", "true"].indexOf(text.toLowerCase()) >= 0; }
    if (condition.in) { return condition.in.indexOf(text) >= 0; }
    if (condition.not_in) { return condition.not_in.indexOf(text) < 0; }
    return false;
  }

  /* The items that apply to this record, each with whether it is done. */
  function evaluate(items, values, kinds) {
    return items.filter(function (item) {
      var applies = item.when ? item.when.some(function (c) { return holds(c, values); }) : true;
      return applies && !(item.unless || []).some(function (c) { return holds(c, values); });
    }).map(function (item) {
      var done = item.kinds ? item.kinds.some(function (kind) { return kinds.indexOf(kind) >= 0; })
                            : holds({ field: item.field, filled: true }, values);
      return { item: item, done: done };
    });
  }

  function photoKinds(form) {
    var kinds = [];
    document.querySelectorAll(".scan-item[data-scan-kind]").forEach(function (scan) {
      if (scan.dataset.scanStatus !== "failed") { kinds.push(scan.dataset.scanKind); }
    });
    if (!F || !form.dataset.clientId) { return Promise.resolve(kinds); }
    return F.photosOf(form.dataset.clientId).then(function (photos) {
      photos.forEach(function (photo) { if (photo.state !== "attention") { kinds.push(photo.kind); } });
      return kinds;
    }, function () { return kinds; });
  }

  function check(form) {
    var items = readJSON("checklist-data") || [];
    return photoKinds(form).then(function (kinds) { return evaluate(items, formValues(form), kinds); });
  }

  function today() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(now.getDate()) + "/" + pad(now.getMonth() + 1) + "/" + now.getFullYear();
  }

  function slipText(form, missing) {
    var texts = readJSON("slip-texts") || {};
    var lines = [texts.heading, (texts.plot || "%(plot)s").replace("%(plot)s", form.dataset.plotLabel || "")];
    if (missing.length) {
      lines.push(texts.needed);
      missing.forEach(function (entry) { lines.push("- " + entry.item.label); });
    } else {
      lines.push(texts.nothing);
    }
    lines.push(texts.closing, (texts.date || "%(date)s").replace("%(date)s", today()));
    return lines.join("\n");
  }

  function render(form) {
    var list = document.querySelector("[data-checklist-items]");
    if (!list) { return Promise.resolve(); }
    return check(form).then(function (results) {
      list.innerHTML = "";
      results.forEach(function (entry) {
        var li = document.createElement("li");
        li.className = entry.done ? "done" : "missing";
        li.dataset.key = entry.item.key;
        li.textContent = (entry.done ? "✓ " : "✗ ") + entry.item.label + (entry.done ? "" : " — " + _("còn thiếu"));
        list.appendChild(li);
      });
    });
  }

  /* The dialog: the missing items and the slip; `submitting` adds "Vẫn gửi". */
  function openDialog(form, submitting) {
    var dialog = document.querySelector("[data-checklist-dialog]");
    return check(form).then(function (results) {
      var missing = results.filter(function (entry) { return !entry.done; });
      if (submitting && !missing.length) { return true; }
      if (!dialog || !dialog.showModal) { return submitting ? window.confirm(_("Còn thiếu giấy tờ. Vẫn gửi?")) : false; }
      var list = dialog.querySelector("[data-checklist-missing]");
      list.innerHTML = "";
      missing.forEach(function (entry) {
        var li = document.createElement("li");
        li.textContent = entry.item.label;
        list.appendChild(li);
      });
      list.hidden = !missing.length;
      dialog.querySelector("[data-dialog-title]").textContent = submitting ? _("Còn thiếu trước khi gửi") : _("Giấy hẹn cho người dân");
      dialog.querySelector("[data-dialog-advice]").hidden = !submitting;
      dialog.querySelector("[data-checklist-send]").hidden = !submitting;
      dialog.querySelector("[data-slip-copied]").hidden = true;
      dialog.querySelector("[data-slip-text]").value = slipText(form, missing);
      return new Promise(function (resolve) {
        function close(answer) {
          dialog.removeEventListener("click", onClick);
          dialog.removeEventListener("cancel", onCancel);
          dialog.close();
          resolve(answer);
        }
        function onCancel(event) { event.preventDefault(); close(false); }
        function onClick(event) {
          var button = event.target.closest("button");
          if (!button) { return; }
          if (button.hasAttribute("data-checklist-send")) { close(true); }
          else if (button.hasAttribute("data-checklist-back")) { close(false); }
          else if (button.hasAttribute("data-slip-copy")) { copy(dialog); }
          else if (button.hasAttribute("data-slip-print")) { print(dialog); }
        }
        dialog.addEventListener("click", onClick);
        dialog.addEventListener("cancel", onCancel);
        dialog.showModal();
      });
    });
  }

  function copy(dialog) {
    var text = dialog.querySelector("[data-slip-text]");
    var done = function () { dialog.querySelector("[data-slip-copied]").hidden = false; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text.value).then(done, function () { text.select(); });
    } else {
      text.select();
      if (document.execCommand("copy")) { done(); }
    }
  }

  function print(dialog) {
    var sheet = document.querySelector("[data-print-slip]");
    sheet.textContent = dialog.querySelector("[data-slip-text]").value;
    window.print();
  }

  function enhance(form) {
    if (form.dataset.checklistReady || !document.getElementById("checklist-data")) { return; }
    form.dataset.checklistReady = "1";
    var again = function () { render(form); };
    form.addEventListener("input", again);
    form.addEventListener("change", again);
    document.body.addEventListener("htmx:afterSwap", again);
    if (F) { F.onChange(function (message) { if (!message || message.type !== "progress") { again(); } }); }
    var open = document.querySelector("[data-slip-open]");
    if (open) { open.addEventListener("click", function () { openDialog(form, false); }); }
    again();
  }

  function start() { document.querySelectorAll("form[data-field-form]").forEach(enhance); }
  window.FieldChecklist = {
    confirm: function (form) { return openDialog(form, true); },
    enhance: enhance, evaluate: evaluate, slipText: slipText,
  };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
