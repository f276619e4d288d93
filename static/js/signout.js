(function () {
"use strict";
var member = document.body.getAttribute("data-member");
if (!member || !window.localStorage) return;
var prefix = "draft:" + member + ":";
function dropMine() {
for (var i = localStorage.length - 1; i >= 0; i--) {
var key = localStorage.key(i);
if (key && key.indexOf(prefix) === 0) localStorage.removeItem(key);
}
}
Array.prototype.forEach.call(document.querySelectorAll("form[data-drop-drafts]"), function (form) {
form.addEventListener("submit", dropMine);
});
})();
