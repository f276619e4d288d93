/* Optional: shrink big photos on the phone before upload (weak networks, and the limit on
   what one request may carry: MAX_UPLOAD_MB for all its files together). Every photo
   input (accept="image/…") is handled, one photo or several (`multiple`): each big photo
   becomes a JPEG of at most 1600 px, the others stay as they are, and the input's file
   list is rebuilt in the same order. The send buttons wait until it is done.
   Without this script the form posts the originals; the server re-encodes anyway. */
(function () {
  "use strict";
  var MAX = 1600, LIMIT = 1500000, TOTAL = 8000000; // bytes; the server takes 10 MB per request
  if (!window.createImageBitmap || !window.DataTransfer || !HTMLCanvasElement.prototype.toBlob) return;

  function shrink(file, limit) {
    if (file.size < limit || !/^image\/(jpeg|png|webp)$/.test(file.type)) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
    }).then(function (blob) {
      if (!blob || blob.size >= file.size) return file;
      var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
      return new File([blob], name, { type: "image/jpeg" });
    }).catch(function () { return file; }); // keep the original file
  }

  var inputs = document.querySelectorAll('input[type=file][accept^="image"]');
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      // Several photos share the request: each may carry its part of it.
      var limit = Math.min(LIMIT, TOTAL / Math.max(1, files.length));
      if (!files.some(function (file) { return file.size >= limit; })) return;
      var buttons = input.form ? input.form.querySelectorAll("button[type=submit], button:not([type])") : [];
      Array.prototype.forEach.call(buttons, function (button) { button.disabled = true; });
      // One after another: a phone decoding nine 12 MP photos at once runs out of memory.
      files.reduce(function (done, file) {
        return done.then(function (list) {
          return shrink(file, limit).then(function (small) { list.push(small); return list; });
        });
      }, Promise.resolve([])).then(function (list) {
        if (list.some(function (file, i) { return file !== files[i]; })) {
          var transfer = new DataTransfer();
          list.forEach(function (file) { transfer.items.add(file); });
          input.files = transfer.files;
        }
      }).catch(function () { /* keep the originals */ }).then(function () {
        Array.prototype.forEach.call(buttons, function (button) { button.disabled = false; });
      });
    });
  });
})();
