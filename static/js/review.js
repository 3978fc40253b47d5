/* Review desk: scan viewer with zoom and rotate (CSS transform only), bulk selection. No library. */
(function () {
  "use strict";

  function initViewer() {
    var viewer = document.getElementById("scan-viewer");
    if (!viewer) return;
    var img = viewer.querySelector(".viewer-stage img");
    var caption = viewer.querySelector(".viewer-caption");
    var state = { scale: 1, rotate: 0 };

    function apply() {
      img.style.transform = "scale(" + state.scale + ") rotate(" + state.rotate + "deg)";
      img.dataset.scale = String(state.scale);
      img.dataset.rotate = String(state.rotate);
    }
    function reset() { state.scale = 1; state.rotate = 0; apply(); }

    document.addEventListener("click", function (event) {
      var opener = event.target.closest(".scan-open");
      if (opener) {
        if (!opener.dataset.full) return;
        img.src = opener.dataset.full;
        img.alt = opener.dataset.caption || "";
        caption.textContent = opener.dataset.caption || "";
        viewer.hidden = false;
        reset();
        return;
      }
      var tool = event.target.closest("#scan-viewer [data-act]");
      if (!tool) return;
      switch (tool.dataset.act) {
        case "zoom-in": state.scale = Math.min(8, state.scale * 1.25); break;
        case "zoom-out": state.scale = Math.max(0.25, state.scale / 1.25); break;
        case "rotate": state.rotate = (state.rotate + 90) % 360; break;
        case "reset": reset(); return;
        case "close": viewer.hidden = true; img.removeAttribute("src"); return;
      }
      apply();
    });
    viewer.addEventListener("wheel", function (event) {
      if (!event.ctrlKey) return;
      event.preventDefault();
      state.scale = event.deltaY < 0 ? Math.min(8, state.scale * 1.1) : Math.max(0.25, state.scale / 1.1);
      apply();
    }, { passive: false });
  }

  function initBulk() {
    var all = document.getElementById("select-all-low");
    if (!all) return;
    all.addEventListener("change", function () {
      document.querySelectorAll("input.bulk-low").forEach(function (box) { box.checked = all.checked; });
    });
  }

  function init() { initViewer(); initBulk(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
