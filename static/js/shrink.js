(function () {
"use strict";
var MAX = 1600, LIMIT = 1500000, TOTAL = 8000000;
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
}).catch(function () { return file; });
}
var inputs = document.querySelectorAll('input[type=file][accept^="image"]');
Array.prototype.forEach.call(inputs, function (input) {
input.addEventListener("change", function () {
var files = Array.prototype.slice.call(input.files || []);
var limit = Math.min(LIMIT, TOTAL / Math.max(1, files.length));
if (!files.some(function (file) { return file.size >= limit; })) return;
var buttons = input.form ? input.form.querySelectorAll("button[type=submit], button:not([type])") : [];
Array.prototype.forEach.call(buttons, function (button) { button.disabled = true; });
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
}).catch(function () {  }).then(function () {
Array.prototype.forEach.call(buttons, function (button) { button.disabled = false; });
});
});
});
})();
