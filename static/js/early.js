/* Runs before the first paint (a blocking script, kept tiny): tells the style sheet that the phone's
 * store is likely there (static/js/field/core.js needs IndexedDB), so that the record form shows its
 * photo buttons at once instead of swapping the upload box for them after load (a layout shift).
 * If the store did not start after all (idb not loaded), the class goes and the upload box is back. */
(function (html) {
  "use strict";
  if (!window.indexedDB) { return; }
  html.classList.add("has-store");
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Field) { html.classList.remove("has-store"); }
  });
})(document.documentElement);
