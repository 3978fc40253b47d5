/* The phone's store and outbox. A classic script: loaded by the pages and by the service worker
 * (importScripts), so that the same code sends the outbox whether a page is open or Background Sync
 * wakes the worker. Needs idb (self.idb), tus-js-client (self.tus, vendored in static/vendor) and
 * send.js (self.FieldSend).
 *
 * Stores (IndexedDB "cong-du-lieu-dat-dai"):
 *   plots   the plots of the official's scope (GET /api/v1/field/plots/), for work without signal
 *   meta    small facts: when the plots were refreshed, whose they are
 *   drafts  one per record, keyed by the id made on the phone (clientId): the values typed, kept as
 *           typed; `state` says where it stands in the outbox
 *   photos  one per photo, keyed by its id made on the phone (the scan's id on the server)
 *   archive a version the official set aside in a conflict: never thrown away
 *
 * Every request carries the phone's ids, so a retry, a double tap or a resend never makes a second
 * record or scan (the server answers them as already done).
 */
(function (root) {
  "use strict";
  // Without IndexedDB (or idb) nothing can be kept: the pages fall back to sending at once.
  if (!root.idb || !root.indexedDB || !root.FieldSend) { return; }

  var DB_NAME = "cong-du-lieu-dat-dai";
  var API = "/api/v1/field/";
  var channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("outbox") : null;
  var dbPromise = null;

  // Outbox states of a draft or a photo.
  var STATES = {
    local: "local",          // saved on the phone, not asked to be sent
    waiting: "waiting",      // queued, waiting for the signal
    sending: "sending",
    sent: "sent",            // the server has it (a photo: uploaded, being processed)
    ready: "ready",          // a photo processed by the server ("Sẵn sàng")
    login: "login",          // the session ended: waits for the official to sign in again
    conflict: "conflict",    // changed on the server meanwhile: the official decides
    attention: "attention",  // refused: something must be corrected
  };

  function db() {
    if (!dbPromise) {
      dbPromise = root.idb.openDB(DB_NAME, 1, {
        upgrade: function (database) {
          database.createObjectStore("plots", { keyPath: "id" });
          database.createObjectStore("meta");
          var drafts = database.createObjectStore("drafts", { keyPath: "clientId" });
          drafts.createIndex("plotId", "plotId");
          var photos = database.createObjectStore("photos", { keyPath: "id" });
          photos.createIndex("clientId", "clientId");
          database.createObjectStore("archive", { keyPath: "key" });
        },
      });
    }
    return dbPromise;
  }

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) { return root.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    root.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // The query typed in the offline search, folded as the server folds names (đ → d, no diacritics).
  function fold(text) {
    return String(text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  /* Listeners of this page (or worker) and of the others: a BroadcastChannel does not deliver a message
   * to the object that sent it, so the sender's own listeners are called here too. */
  var listeners = [];
  function onChange(listener) {
    listeners.push(listener);
    if (channel) { channel.addEventListener("message", function (event) { listener(event.data || {}); }); }
  }
  function notify(what) {
    var message = typeof what === "object" && what ? what : { type: what || "changed" };
    listeners.forEach(function (listener) { listener(message); });
    if (channel) { channel.postMessage(message); }
  }

  // --- the session -------------------------------------------------------------------------------

  function session() {
    return fetch(API + "session/", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : { authenticated: false }; });
  }

  function ApiError(status, body) {
    this.status = status;
    this.body = body || {};
  }

  function request(method, url, body, csrf) {
    var headers = { "Accept": "application/json" };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (csrf) { headers["X-CSRFToken"] = csrf; }
    return fetch(url, {
      method: method, credentials: "same-origin", headers: headers, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = {};
        try { data = text ? JSON.parse(text) : {}; } catch (e) { data = {}; }
        if (!response.ok) { throw new ApiError(response.status, data); }
        return data;
      });
    });
  }

  // --- plots kept on the phone ---------------------------------------------------------------------

  function refreshPlots(force) {
    return db().then(function (database) {
      return database.get("meta", "plots").then(function (meta) {
        var url = API + "plots/";
        if (meta && meta.generatedAt && !force) { url += "?since=" + encodeURIComponent(meta.generatedAt); }
        return request("GET", url).then(function (body) {
          var tx = database.transaction(["plots", "meta"], "readwrite");
          var plots = tx.objectStore("plots");
          var sameScope = meta && meta.scope === body.scope;
          if (body.full || !sameScope) { plots.clear(); }
          body.plots.forEach(function (plot) {
            plot.f = plot.o.map(function (owner) { return owner[1]; }).join(" | ");
            plots.put(plot);
          });
          tx.objectStore("meta").put({ generatedAt: body.generated_at, scope: body.scope, at: Date.now() }, "plots");
          return tx.done.then(function () { notify("plots"); return body.plots.length; });
        });
      });
    });
  }

  function plotsMeta() {
    return db().then(function (database) { return database.get("meta", "plots"); });
  }

  function getPlot(id) {
    return db().then(function (database) { return database.get("plots", Number(id)); });
  }

  var SHEET_PLOT = /^\s*([0-9a-z]+)\s*\/\s*([0-9a-z]+)\s*$/i;

  function keyPart(text) {
    var value = String(text || "").trim().toUpperCase();
    return /^[0-9]+$/.test(value) ? String(parseInt(value, 10)) : value;
  }

  // The plot list's search, offline: "12/345", a name with or without diacritics, or nothing.
  function searchPlots(query, limit) {
    limit = limit || 50;
    var text = String(query || "").trim();
    var match = SHEET_PLOT.exec(text);
    var folded = fold(text);
    return db().then(function (database) { return database.getAll("plots"); }).then(function (plots) {
      var found = plots.filter(function (plot) {
        if (!text) { return true; }
        if (match) { return plot.sk === keyPart(match[1]) && plot.nk === keyPart(match[2]); }
        return plot.f.indexOf(folded) >= 0;
      });
      found.sort(function (a, b) { return a.id - b.id; });
      return { total: found.length, plots: found.slice(0, limit) };
    });
  }

  // --- drafts -----------------------------------------------------------------------------------

  function getDraft(clientId) {
    return db().then(function (database) { return database.get("drafts", clientId); });
  }

  function draftsOfPlot(plotId) {
    return db().then(function (database) {
      return database.getAllFromIndex("drafts", "plotId", Number(plotId));
    });
  }

  /* Save what the official typed: `changes` maps form keys to values; they are remembered as touched
   * so that only those are sent (a key the phone never showed stays as the server has it). */
  function saveDraft(clientId, fields) {
    return db().then(function (database) {
      var tx = database.transaction("drafts", "readwrite");
      return tx.store.get(clientId).then(function (draft) {
        draft = draft || { clientId: clientId, values: {}, touched: [], state: STATES.local, submit: false,
                           baseVersion: "", recordId: null, createdAt: Date.now() };
        var changes = fields.values || {};
        Object.keys(changes).forEach(function (key) {
          draft.values[key] = changes[key];
          if (draft.touched.indexOf(key) < 0) { draft.touched.push(key); }
        });
        ["plotId", "plotLabel", "baseVersion", "recordId", "recordUrl", "plotUrl"].forEach(function (key) {
          if (fields[key] !== undefined && (draft[key] === undefined || draft[key] === null || draft[key] === "")) {
            draft[key] = fields[key];
          }
        });
        if (fields.state) { draft.state = fields.state; }
        if (fields.submit !== undefined) { draft.submit = fields.submit; }
        draft.updatedAt = Date.now();
        tx.store.put(draft);
        return tx.done.then(function () { notify(); return draft; });
      });
    });
  }

  function updateDraft(clientId, patch) {
    return db().then(function (database) {
      var tx = database.transaction("drafts", "readwrite");
      return tx.store.get(clientId).then(function (draft) {
        if (!draft) { return null; }
        Object.keys(patch).forEach(function (key) { draft[key] = patch[key]; });
        draft.updatedAt = Date.now();
        tx.store.put(draft);
        return tx.done.then(function () { notify(); return draft; });
      });
    });
  }

  // --- photos ------------------------------------------------------------------------------------

  function addPhoto(clientId, kind, blob, name) {
    return root.FieldSend.sha256Hex(blob).then(function (sha256) {
      var photo = { id: uuid(), clientId: clientId, kind: kind, blob: blob, name: name || "anh.jpg",
                    size: blob.size, sha256: sha256, state: STATES.waiting, offset: 0, addedAt: Date.now() };
      return db().then(function (database) {
        return database.put("photos", photo).then(function () { notify(); return photo; });
      });
    });
  }

  function photosOf(clientId) {
    return db().then(function (database) { return database.getAllFromIndex("photos", "clientId", clientId); });
  }

  function updatePhoto(id, patch) {
    return db().then(function (database) {
      var tx = database.transaction("photos", "readwrite");
      return tx.store.get(id).then(function (photo) {
        if (!photo) { return null; }
        Object.keys(patch).forEach(function (key) { photo[key] = patch[key]; });
        tx.store.put(photo);
        return tx.done.then(function () { notify(); return photo; });
      });
    });
  }

  function removePhoto(id) {
    return db().then(function (database) { return database.delete("photos", id); }).then(function () { notify(); });
  }

  /* Send one photo (FieldSend: 256 KB chunks that resume after a cut, each with its SHA-256); the
   * upload's URL and offset are kept so that a later run resumes it. */
  function uploadPhoto(photo, csrf, onProgress) {
    return root.FieldSend.upload(photo.blob, {
      endpoint: API + "uploads/",
      uploadUrl: photo.uploadUrl,
      metadata: { record: photo.clientId, scan: photo.id, kind: photo.kind, filename: photo.name,
                  sha256: photo.sha256 },
      headers: { "X-CSRFToken": csrf },
      onCreated: function (location) { updatePhoto(photo.id, { uploadUrl: location }); },
      onChunk: function (sent) { updatePhoto(photo.id, { offset: sent }); },
      onProgress: onProgress,
    });
  }

  // --- the outbox ---------------------------------------------------------------------------------

  var running = null;

  /* One drain at a time on this phone: pages and the service worker take the same lock. */
  function sync() {
    if (!running) {
      var locked = root.navigator && root.navigator.locks
        ? root.navigator.locks.request("cong-du-lieu-dat-dai-outbox", function () { return drain(); })
        : drain();
      running = locked.catch(function () { return undefined; }).then(function (result) {
        running = null;
        return result;
      });
    }
    return running;
  }

  function pending() {
    return db().then(function (database) {
      return Promise.all([database.getAll("drafts"), database.getAll("photos")]);
    }).then(function (all) {
      var drafts = all[0].filter(function (d) { return d.state !== STATES.local && d.state !== STATES.sent; });
      var photos = all[1].filter(function (p) { return p.state !== STATES.sent && p.state !== STATES.ready; });
      return { drafts: drafts, photos: photos, count: drafts.length + photos.length, all: all };
    });
  }

  function sendDraft(draft, csrf, submit) {
    var values = {};
    draft.touched.forEach(function (key) { values[key] = draft.values[key] === undefined ? "" : String(draft.values[key]); });
    var body = { plot: draft.plotId, values: values, base_version: draft.baseVersion || "", submit: !!submit };
    return request("PUT", API + "records/" + draft.clientId + "/", body, csrf);
  }

  function drain() {
    if (root.navigator && root.navigator.onLine === false) { return Promise.resolve("offline"); }
    return session().then(function (info) {
      return pending().then(function (work) {
        if (!info.authenticated) {
          var waiting = work.drafts.filter(function (d) { return d.state !== STATES.conflict && d.state !== STATES.attention; });
          return Promise.all(waiting.map(function (d) { return updateDraft(d.clientId, { state: STATES.login }); }))
            .then(function () { return "login"; });
        }
        var csrf = info.csrf;
        var drafts = work.all[0].filter(function (d) {
          return d.state === STATES.waiting || d.state === STATES.sending || d.state === STATES.login;
        });
        return drafts.reduce(function (chain, draft) {
          return chain.then(function () { return sendOne(draft, csrf); });
        }, Promise.resolve()).then(function () { return "done"; });
      });
    });
  }

  /* One record: its values (a draft on the server), then its photos, then — when the official pressed
   * "Gửi" — the submission, so that matching sees the photos. */
  function sendOne(draft, csrf) {
    return updateDraft(draft.clientId, { state: STATES.sending, error: "" })
      .then(function () { return sendDraft(draft, csrf, false); })
      .then(function (answer) {
        return updateDraft(draft.clientId, { baseVersion: answer.version, recordId: answer.id,
                                             recordUrl: answer.url, plotUrl: answer.plot_url, touched: draft.touched });
      })
      .then(function () { return sendPhotos(draft.clientId, csrf); })
      .then(function (photosOk) {
        if (!photosOk) { return updateDraft(draft.clientId, { state: STATES.waiting }); }
        if (!draft.submit) { return updateDraft(draft.clientId, { state: STATES.sent }); }
        return getDraft(draft.clientId).then(function (current) {
          return sendDraft(current, csrf, true).then(function (answer) {
            return updateDraft(draft.clientId, { state: STATES.sent, baseVersion: answer.version,
                                                 status: answer.status, sentAt: Date.now() });
          });
        });
      })
      .catch(function (err) { return failed(draft, err); });
  }

  function failed(draft, err) {
    if (err instanceof ApiError) {
      if (err.status === 401 || err.status === 403) { return updateDraft(draft.clientId, { state: STATES.login }); }
      if (err.status === 409 && err.body.server) {
        return updateDraft(draft.clientId, { state: STATES.conflict, server: err.body.server });
      }
      if (err.status === 400) {
        return updateDraft(draft.clientId, { state: STATES.attention, errors: err.body.errors || {},
                                             error: err.body.detail || "" });
      }
      if (err.status === 404) {
        return updateDraft(draft.clientId, { state: STATES.attention, error: "not_found" });
      }
    }
    return updateDraft(draft.clientId, { state: STATES.waiting });  // no signal, or the server is down
  }

  function sendPhotos(clientId, csrf) {
    return photosOf(clientId).then(function (photos) {
      var todo = photos.filter(function (p) { return p.state !== STATES.sent && p.state !== STATES.ready &&
                                                      p.state !== STATES.attention; });
      return todo.reduce(function (chain, photo) {
        return chain.then(function (ok) {
          return updatePhoto(photo.id, { state: STATES.sending }).then(function () {
            return uploadPhoto(photo, csrf, function (sent, total) {
              notify({ type: "progress", photo: photo.id, percent: Math.round(sent * 100 / total) });
            });
          }).then(function () {
            return updatePhoto(photo.id, { state: STATES.sent, offset: photo.size }).then(function () { return ok; });
          }, function (err) {
            var status = err && err.originalResponse ? err.originalResponse.getStatus() : 0;
            var message = "";
            try { message = JSON.parse(err.originalResponse.getBody()).detail || ""; } catch (e) { message = ""; }
            var refused = status === 400 || status === 413 || status === 415;
            return updatePhoto(photo.id, { state: refused ? STATES.attention : STATES.waiting, error: message })
              .then(function () { return refused ? ok : false; });
          });
        });
      }, Promise.resolve(true));
    });
  }

  /* Whether the photos sent are processed ("Sẵn sàng"), asked of the server. */
  function refreshPhotoStates(clientId) {
    return photosOf(clientId).then(function (photos) {
      return Promise.all(photos.filter(function (p) { return p.state === STATES.sent; }).map(function (photo) {
        return request("GET", API + "uploads/" + photo.id + "/").then(function (state) {
          if (state.scan_status === "ready") { return updatePhoto(photo.id, { state: STATES.ready }); }
          if (state.scan_status === "failed") { return updatePhoto(photo.id, { state: STATES.attention }); }
          return null;
        }, function () { return null; });
      }));
    });
  }

  /* A conflict settled by the official: "mine" sends the phone's version over the server's, "theirs"
   * takes the server's and sets the phone's aside in the archive (nothing is thrown away). */
  function resolveConflict(clientId, choice) {
    return getDraft(clientId).then(function (draft) {
      if (!draft || !draft.server) { return null; }
      var server = draft.server;
      if (choice === "mine") {
        return updateDraft(clientId, { state: STATES.waiting, baseVersion: server.version, server: null })
          .then(function () { return sync(); });
      }
      return db().then(function (database) {
        return database.put("archive", { key: clientId + ":" + Date.now(), clientId: clientId, values: draft.values,
                                         at: Date.now() });
      }).then(function () {
        return updateDraft(clientId, { state: STATES.sent, values: server.values, touched: [], submit: false,
                                       baseVersion: server.version, server: null });
      });
    });
  }

  root.Field = {
    STATES: STATES, db: db, uuid: uuid, fold: fold, session: session,
    refreshPlots: refreshPlots, plotsMeta: plotsMeta, getPlot: getPlot, searchPlots: searchPlots,
    getDraft: getDraft, draftsOfPlot: draftsOfPlot, saveDraft: saveDraft, updateDraft: updateDraft,
    addPhoto: addPhoto, photosOf: photosOf, updatePhoto: updatePhoto, removePhoto: removePhoto,
    sync: sync, pending: pending, refreshPhotoStates: refreshPhotoStates, resolveConflict: resolveConflict,
    onChange: onChange,
  };
})(typeof self !== "undefined" ? self : this);
