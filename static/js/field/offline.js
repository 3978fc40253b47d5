/* Without signal, the service worker answers the campaign's pages with one shell page; this draws it
 * from the phone's store: the plot list and its search (with or without diacritics), a plot, the
 * record form, and the outbox. Also draws the outbox page when online. */
(function () {
  "use strict";
  var F = window.Field;
  var _ = window.gettext || function (text) { return text; };
  if (!F) { return; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else if (key === "className") { node.className = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function interpolate(text, values) {
    if (window.interpolate) { return window.interpolate(text, values); }
    var i = 0;
    return text.replace(/%s/g, function () { return String(values[i++]); });
  }

  function plotTitle(plot) {
    return interpolate(_("Tờ %s thửa %s"), [plot.s, plot.n]);
  }

  var STATE_LABELS = {
    local: _("Trên máy, chưa yêu cầu gửi"), waiting: _("Chờ có mạng"), sending: _("Đang gửi"),
    sent: _("Đã gửi"), ready: _("Sẵn sàng"), login: _("Cần đăng nhập lại để gửi"),
    conflict: _("Đã thay đổi trên máy chủ: cần chọn bản giữ lại"), attention: _("Cần xử lý"),
  };

  // --- the plot list -----------------------------------------------------------------------------

  function renderList(app) {
    var params = new URLSearchParams(window.location.search);
    var form = el("form", { id: "plot-search", className: "card search", role: "search" });
    var input = el("input", { type: "search", name: "q", id: "id_q", autocomplete: "off",
                              placeholder: _("Tên chủ (có hoặc không dấu), số tờ/số thửa (12/345)") });
    input.value = params.get("q") || "";
    form.appendChild(el("label", { for: "id_q", text: _("Tìm kiếm") }));
    form.appendChild(input);
    form.appendChild(el("button", { type: "submit", className: "primary", text: _("Tìm") }));
    var list = el("ul", { className: "plot-list", id: "plot-rows" });
    var count = el("p", { className: "muted", "aria-live": "polite" });
    app.appendChild(el("h1", { text: _("Thửa đất được giao") }));
    app.appendChild(el("p", { className: "offline-note", text: _("Đang làm việc không có mạng: danh sách lấy từ máy này.") }));
    app.appendChild(el("p", { className: "muted", "data-plots-updated": "" }));
    app.appendChild(form);
    app.appendChild(count);
    app.appendChild(list);

    function draw() {
      F.searchPlots(input.value, 50).then(function (result) {
        list.innerHTML = "";
        count.textContent = interpolate(_("%s thửa"), [result.total]);
        result.plots.forEach(function (plot) {
          var owners = el("ul", { className: "owners" }, plot.o.map(function (owner) {
            return el("li", { text: owner[0] + (owner[2] ? " (" + owner[2] + ")" : "") + (owner[3] ? " · " + owner[3] : "") });
          }));
          list.appendChild(el("li", { className: "card plot-row" }, [
            el("a", { className: "plot-key", href: "/thu-thap/thua-dat/" + plot.id + "/", text: plotTitle(plot) }),
            el("span", { className: "badge status-" + plot.st, text: plot.stl }),
            owners,
          ]));
        });
      });
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); draw(); });
    input.addEventListener("input", draw);
    draw();
  }

  // --- a plot ------------------------------------------------------------------------------------

  function renderPlot(app, id) {
    F.getPlot(id).then(function (plot) {
      if (!plot) { return renderMissing(app); }
      return F.draftsOfPlot(plot.id).then(function (drafts) {
        app.appendChild(el("h1", { text: plotTitle(plot) }));
        app.appendChild(el("p", { className: "offline-note", text: _("Đang làm việc không có mạng: thông tin lấy từ máy này.") }));
        var facts = el("dl", { className: "facts" }, [
          el("dt", { text: _("Diện tích") }), el("dd", { text: plot.a === null ? "—" : String(plot.a).replace(".", ",") + " m²" }),
          el("dt", { text: _("Mục đích sử dụng") }), el("dd", { text: plot.u || "—" }),
          el("dt", { text: _("Trạng thái") }), el("dd", { text: plot.stl }),
        ]);
        var owners = el("ul", { className: "owners" }, plot.o.map(function (owner) {
          return el("li", { text: owner[0] + (owner[2] ? " · " + owner[2] : "") + (owner[3] ? " · " + owner[3] : "") });
        }));
        app.appendChild(el("section", { className: "card" }, [el("h2", { text: _("Theo sổ địa chính") }), facts,
                                                             el("h3", { text: _("Người sử dụng đất") }), owners]));
        var open = drafts.filter(function (d) { return !(d.state === "sent" && d.submit); })[0];
        var clientId = open ? open.clientId : (plot.r ? plot.r.c : "");
        var link = "/thu-thap/thua-dat/" + plot.id + "/thu-thap/" + (clientId ? "?ban-ghi=" + clientId : "");
        app.appendChild(el("a", { className: "button primary", id: "collect-button", href: link,
                                  text: clientId ? _("Tiếp tục thu thập") : _("Thu thập") }));
        if (drafts.length) {
          app.appendChild(el("section", { className: "card" }, [el("h2", { text: _("Bản ghi trên máy này") })].concat(
            drafts.map(function (draft) {
              return el("p", { className: "draft-state", "data-state": draft.state,
                               text: (draft.values.holder_name || "—") + " · " + (STATE_LABELS[draft.state] || draft.state) +
                                     (draft.submit ? " · " + _("đã bấm Gửi") : "") });
            }))));
        }
        return null;
      });
    });
  }

  // --- the record form ---------------------------------------------------------------------------

  function renderForm(app, plotId) {
    var params = new URLSearchParams(window.location.search);
    F.getPlot(plotId).then(function (plot) {
      if (!plot) { return renderMissing(app); }
      var clientId = params.get("ban-ghi") || F.uuid();
      var template = document.getElementById("field-form-template");
      var fragment = template.content.cloneNode(true);
      var form = fragment.querySelector("form[data-field-form]");
      form.dataset.clientId = clientId;
      form.dataset.plotId = String(plot.id);
      form.dataset.plotLabel = plotTitle(plot) + " (" + plot.k + ")";
      form.dataset.plotUrl = "/thu-thap/thua-dat/" + plot.id + "/";
      if (plot.r && plot.r.c === clientId) {
        form.dataset.baseVersion = plot.r.v || "";
        form.dataset.recordId = String(plot.r.id);
      }
      app.appendChild(el("h1", { text: interpolate(_("Thu thập: tờ %s thửa %s"), [plot.s, plot.n]) }));
      app.appendChild(el("p", { className: "offline-note", text: _("Không có mạng: mọi thứ được lưu trên máy này và tự gửi khi có mạng.") }));
      app.appendChild(fragment);
      if (!params.get("ban-ghi")) { history.replaceState(null, "", "?ban-ghi=" + clientId); }
      window.FieldForm.enhance(form);
      if (window.FieldChecklist) { window.FieldChecklist.enhance(form); }
      form.querySelectorAll("[data-live-check]").forEach(function (panel) {
        if (window.FieldLive) { window.FieldLive.enhance(panel); }
      });
      return null;
    });
  }

  function renderMissing(app) {
    app.appendChild(el("h1", { text: _("Không có mạng") }));
    app.appendChild(el("p", { text: _("Trang này chưa có trên máy. Danh sách thửa, trang thửa và biểu mẫu vẫn dùng được.") }));
    app.appendChild(el("a", { className: "button primary", href: "/thu-thap/thua-dat/", text: _("Danh sách thửa đất") }));
  }

  // --- the outbox --------------------------------------------------------------------------------

  function renderOutbox(box) {
    F.pending().then(function (work) {
      var drafts = work.all[0];
      var photos = work.all[1];
      box.innerHTML = "";
      var shown = drafts.filter(function (d) { return d.state !== "local"; });
      if (!shown.length) {
        box.appendChild(el("p", { className: "muted", text: _("Không còn gì chờ gửi.") }));
        return;
      }
      shown.sort(function (a, b) { return b.updatedAt - a.updatedAt; }).forEach(function (draft) {
        var mine = photos.filter(function (p) { return p.clientId === draft.clientId; });
        var item = el("article", { className: "card outbox-item state-" + draft.state, "data-client-id": draft.clientId,
                                   "data-state": draft.state });
        item.appendChild(el("h2", { text: draft.plotLabel || _("Bản ghi") }));
        item.appendChild(el("p", { className: "outbox-state", text: STATE_LABELS[draft.state] + (draft.submit ? " · " + _("Gửi") : " · " + _("Lưu nháp")) }));
        if (draft.errors) {
          Object.keys(draft.errors).forEach(function (key) {
            item.appendChild(el("p", { className: "error", text: draft.errors[key].join(" ") }));
          });
        }
        if (mine.length) {
          item.appendChild(el("ul", { className: "outbox-photos" }, mine.map(function (photo) {
            var percent = photo.size ? Math.round((photo.offset || 0) * 100 / photo.size) : 0;
            return el("li", { "data-state": photo.state, text: (photo.kindLabel || photo.kind) + ": " + STATE_LABELS[photo.state] +
              (photo.state === "sending" || photo.state === "waiting" ? " " + percent + " %" : "") + (photo.error ? " — " + photo.error : "") });
          })));
        }
        if (draft.state === "conflict" && draft.server) { item.appendChild(conflictTable(draft)); }
        if (draft.state === "login") {
          item.appendChild(el("a", { className: "button primary", href: "/dang-nhap/?next=" + encodeURIComponent(window.location.pathname),
                                     text: _("Đăng nhập lại để gửi") }));
        }
        if (["waiting", "attention", "login"].indexOf(draft.state) >= 0) {
          var retry = el("button", { type: "button", className: "button", text: _("Gửi lại") });
          retry.addEventListener("click", function () {
            F.updateDraft(draft.clientId, { state: "waiting" }).then(function () { return window.FieldPage.send(); });
          });
          item.appendChild(retry);
        }
        box.appendChild(item);
      });
    });
  }

  function conflictTable(draft) {
    var server = draft.server.values || {};
    var keys = draft.touched.filter(function (key) { return String(server[key] || "") !== String(draft.values[key] || ""); });
    var rows = keys.map(function (key) {
      return el("tr", {}, [el("th", { text: key }), el("td", { text: String(draft.values[key] || "") }),
                           el("td", { text: String(server[key] || "") })]);
    });
    var table = el("table", { className: "conflict" }, [
      el("thead", {}, [el("tr", {}, [el("th", { text: _("Trường") }), el("th", { text: _("Bản trên máy này") }),
                                      el("th", { text: _("Bản trên máy chủ") })])]),
      el("tbody", {}, rows),
    ]);
    var keep = el("button", { type: "button", className: "button primary", text: _("Giữ bản của tôi") });
    var take = el("button", { type: "button", className: "button", text: _("Dùng bản trên máy chủ") });
    keep.addEventListener("click", function () { F.resolveConflict(draft.clientId, "mine").then(function () { return window.FieldPage.send(); }); });
    take.addEventListener("click", function () { F.resolveConflict(draft.clientId, "theirs"); });
    var status = el("p", { text: interpolate(_("Trạng thái trên máy chủ: %s"), [draft.server.status_label || draft.server.status]) });
    return el("div", { className: "conflict-box table-wrap" }, [status, table, el("div", { className: "actions" }, [keep, take])]);
  }

  // --- routing -----------------------------------------------------------------------------------

  function route() {
    var app = document.getElementById("offline-app");
    var outbox = document.getElementById("outbox-list");
    if (outbox) {
      renderOutbox(outbox);
      F.onChange(function () { renderOutbox(outbox); });
    }
    if (!app) { return; }
    var path = window.location.pathname;
    var match;
    if ((match = /^\/thu-thap\/thua-dat\/(\d+)\/thu-thap\/$/.exec(path))) { return renderForm(app, match[1]); }
    if ((match = /^\/thu-thap\/thua-dat\/(\d+)\/$/.exec(path))) { return renderPlot(app, match[1]); }
    if (/^\/thu-thap\/(thua-dat\/)?$/.test(path)) { return renderList(app); }
    if (/^\/thu-thap\/hop-thu-di\/$/.test(path)) {
      var box = el("div", { id: "outbox-list" });
      app.appendChild(el("h1", { text: _("Chưa gửi") }));
      app.appendChild(box);
      return renderOutbox(box);
    }
    return renderMissing(app);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", route); } else { route(); }
})();
