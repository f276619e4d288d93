(function () {
"use strict";
var summary = document.getElementById("form-errors");
var target = summary || document.querySelector(".errors[role=alert], .flash-error");
if (!target) return;
if (summary && summary.getAttribute("data-title") &&
document.title.indexOf(summary.getAttribute("data-title")) !== 0) {
document.title = summary.getAttribute("data-title") + document.title;
}
var active = document.activeElement;
if (active && active !== document.body && active !== target) return;
for (var node = target.parentNode; node; node = node.parentNode) {
if (node.tagName === "DETAILS" && !node.open) node.open = true;
}
if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
if (active !== target) target.focus();
if (target.scrollIntoView) target.scrollIntoView(true);
})();
