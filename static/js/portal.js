// Small behaviours of the portal's pages, kept out of the templates so that the
// Content-Security-Policy can forbid inline scripts (config/middleware.py).
(function () {
  "use strict";

  // <select data-autosubmit>: submit the form when the choice changes (language switch).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  // <button data-confirm="question">: ask before submitting.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // <button data-print>: print the page (the call-back list for a hamlet meeting).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { window.print(); }
  });

  // The record form: a second click while the first post is on its way must not send it again.
  function guardRecordForm() {
    var form = document.getElementById("record-form");
    if (!form || form.dataset.guarded) { return; }
    form.dataset.guarded = "1";
    form.addEventListener("submit", function (event) {
      if (this.dataset.fieldReady) { return; }  // the phone's outbox sends it (static/js/field/form.js)
      if (this.dataset.sent) { event.preventDefault(); return; }
      this.dataset.sent = "1";
      var button = event.submitter;
      if (button) {
        var keep = document.createElement("input");
        keep.type = "hidden"; keep.name = button.name; keep.value = button.value;
        this.appendChild(keep);
      }
      this.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", guardRecordForm);
  } else {
    guardRecordForm();
  }
})();
