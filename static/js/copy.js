(function () {
"use strict";
var buttons = document.querySelectorAll("button[data-copy]");
Array.prototype.forEach.call(buttons, function (button) {
var field = document.getElementById(button.getAttribute("data-copy"));
if (!field) return;
button.hidden = false;
var label = button.textContent;
button.addEventListener("click", function () {
field.focus();
field.select();
var done = function () {
button.textContent = "\u2713 " + label;
window.setTimeout(function () { button.textContent = label; }, 2000);
};
if (navigator.clipboard && window.isSecureContext) {
navigator.clipboard.writeText(field.value).then(done, function () {
document.execCommand("copy"); done();
});
} else {
document.execCommand("copy");
done();
}
});
});
})();
