/* Sending one photo, shared by the official's outbox (core.js) and the citizen's page (citizen.js):
 * shrunk on the phone, then sent in 256 KB tus chunks that resume after a cut, each chunk with its
 * SHA-256 and the whole file's in the metadata. A classic script: also loaded by the service worker.
 *
 * window.FieldSend = { CHUNK, shrink(file), sha256Hex(blob), upload(blob, options) }
 */
(function (root) {
  "use strict";
  var CHUNK = 256 * 1024;
  var LONG_SIDE = 2400;
  var QUALITY = 0.85;

  /* Long side ≤ 2,400 px, JPEG ≈ 0.85: a 12 MP photo becomes a few hundred kilobytes and the CCCD's QR
   * stays readable. A photo the browser cannot decode (HEIC) is kept as it is. */
  function shrink(file) {
    if (!root.createImageBitmap || typeof document === "undefined") { return Promise.resolve({ blob: file, name: file.name }); }
    return root.createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) { bitmap.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve({ blob: blob || file, name: (file.name || "anh").replace(/\.[^.]+$/, "") + ".jpg" });
        }, "image/jpeg", QUALITY);
      });
    }, function () { return { blob: file, name: file.name }; });
  }

  function sha256Hex(blob) {
    return blob.arrayBuffer().then(function (buffer) { return root.crypto.subtle.digest("SHA-256", buffer); })
      .then(function (digest) {
        return Array.prototype.map.call(new Uint8Array(digest), function (b) {
          return (b + 256).toString(16).slice(1);
        }).join("");
      });
  }

  function base64(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i += 1) { text += String.fromCharCode(bytes[i]); }
    return btoa(text);
  }

  /* tus-js-client needs XMLHttpRequest, which a service worker lacks: this HTTP stack speaks fetch().
   * Progress is then counted chunk by chunk. */
  function FetchHttpStack() {}
  FetchHttpStack.prototype.createRequest = function (method, url) { return new FetchRequest(method, url); };
  FetchHttpStack.prototype.getName = function () { return "FetchHttpStack"; };
  function FetchRequest(method, url) {
    this.method = method; this.url = url; this.headers = {}; this.controller = new AbortController();
  }
  FetchRequest.prototype.getMethod = function () { return this.method; };
  FetchRequest.prototype.getURL = function () { return this.url; };
  FetchRequest.prototype.setHeader = function (name, value) { this.headers[name] = value; };
  FetchRequest.prototype.getHeader = function (name) { return this.headers[name]; };
  FetchRequest.prototype.setProgressHandler = function () {};
  FetchRequest.prototype.getUnderlyingObject = function () { return this.controller; };
  FetchRequest.prototype.abort = function () { this.controller.abort(); return Promise.resolve(); };
  FetchRequest.prototype.send = function (body) {
    return fetch(this.url, { method: this.method, headers: this.headers, body: body || undefined,
                             credentials: "same-origin", signal: this.controller.signal })
      .then(function (response) {
        return response.text().then(function (text) { return new FetchResponse(response, text); });
      });
  };
  function FetchResponse(response, text) { this.response = response; this.text = text; }
  FetchResponse.prototype.getStatus = function () { return this.response.status; };
  FetchResponse.prototype.getHeader = function (name) { return this.response.headers.get(name); };
  FetchResponse.prototype.getBody = function () { return this.text; };
  FetchResponse.prototype.getUnderlyingObject = function () { return this.response; };

  /* options: endpoint, metadata, uploadUrl (to resume), headers, onCreated(url), onChunk(sent),
   * onProgress(sent, total). Resolves when the server has the whole file. */
  function upload(blob, options) {
    var inWorker = typeof XMLHttpRequest === "undefined";
    return new Promise(function (resolve, reject) {
      var settings = {
        endpoint: options.endpoint,
        chunkSize: CHUNK,
        retryDelays: options.retryDelays || [0, 1000, 3000, 5000],
        storeFingerprintForResuming: false,
        uploadUrl: options.uploadUrl || null,
        metadata: options.metadata,
        onBeforeRequest: function (req) {
          Object.keys(options.headers || {}).forEach(function (name) { req.setHeader(name, options.headers[name]); });
          if (req.getMethod() !== "PATCH") { return undefined; }
          var offset = parseInt(req.getHeader("Upload-Offset"), 10) || 0;
          return blob.slice(offset, offset + CHUNK).arrayBuffer()
            .then(function (chunk) { return root.crypto.subtle.digest("SHA-256", chunk); })
            .then(function (digest) { req.setHeader("Upload-Checksum", "sha256 " + base64(digest)); });
        },
        onAfterResponse: function (req, res) {
          var location = res.getHeader("Location");
          if (req.getMethod() === "POST" && location && options.onCreated) { options.onCreated(location); }
        },
        onShouldRetry: function (err) {
          var status = err.originalResponse ? err.originalResponse.getStatus() : 0;
          return status === 0 || status === 409 || status === 460 || status >= 500;
        },
        onProgress: function (sent, total) { if (options.onProgress) { options.onProgress(sent, total); } },
        onChunkComplete: function (size, sent) { if (options.onChunk) { options.onChunk(sent); } },
        onSuccess: function () { resolve(); },
        onError: function (err) { reject(err); },
      };
      if (inWorker) { settings.httpStack = new FetchHttpStack(); }
      new root.tus.Upload(blob, settings).start();
    });
  }

  root.FieldSend = { CHUNK: CHUNK, shrink: shrink, sha256Hex: sha256Hex, upload: upload };
})(typeof self !== "undefined" ? self : this);
