/* Optional: shrink a big photo on the phone before upload (weak networks).
   Without this script the form posts the original; the server re-encodes anyway. */
(function () {
  "use strict";
  var MAX = 1600, LIMIT = 1500000;
  if (!window.createImageBitmap || !window.DataTransfer || !HTMLCanvasElement.prototype.toBlob) return;
  var inputs = document.querySelectorAll('form.photo-upload input[type=file]');
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file || file.size < LIMIT || !/^image\/(jpeg|png|webp)$/.test(file.type)) return;
      var button = input.form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, MAX / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
      }).then(function (blob) {
        if (blob && blob.size < file.size) {
          var list = new DataTransfer();
          list.items.add(new File([blob], "photo.jpg", { type: "image/jpeg" }));
          input.files = list.files;
        }
      }).catch(function () { /* keep the original file */ }).then(function () {
        if (button) button.disabled = false;
      });
    });
  });
})();
