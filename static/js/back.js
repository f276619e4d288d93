(function () {
"use strict";
Array.prototype.forEach.call(document.querySelectorAll("a[data-back]"), function (link) {
link.addEventListener("click", function (event) {
if (window.history.length > 1) {
event.preventDefault();
window.history.back();
}
});
});
})();
