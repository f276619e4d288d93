(function () {
"use strict";
var forms = document.querySelectorAll("form[data-confirm]");
Array.prototype.forEach.call(forms, function (form) {
form.addEventListener("submit", function (event) {
if (!window.confirm(form.getAttribute("data-confirm"))) {
event.preventDefault();
return;
}
var flag = form.querySelector("input[name=confirmed]");
if (flag) flag.value = "1";
});
});
})();
