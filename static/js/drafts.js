(function () {
"use strict";
var body = document.body;
var member = body.getAttribute("data-member");
if (!member || !window.localStorage) return;
var PREFIX = "draft:" + member + ":";
var KEEP_MS = 7 * 24 * 3600 * 1000;
var TYPED = "textarea, select, input:not([type]), input[type=text], input[type=number], " +
"input[type=search], input[type=tel], input[type=date], input[type=datetime-local], " +
"input[type=checkbox], input[type=radio]";
function read(key) {
try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; }
}
function write(key, draft) {
try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) {  }
}
var accepted = body.getAttribute("data-accepted");
for (var i = localStorage.length - 1; i >= 0; i--) {
var key = localStorage.key(i);
if (!key || key.indexOf("draft:") !== 0) continue;
var old = read(key);
if (!old || (accepted && old.token === accepted) || Date.now() - (old.at || 0) > KEEP_MS) {
localStorage.removeItem(key);
}
}
function dropMine() {
for (var i = localStorage.length - 1; i >= 0; i--) {
var key = localStorage.key(i);
if (key && key.indexOf(PREFIX) === 0) localStorage.removeItem(key);
}
}
Array.prototype.forEach.call(document.querySelectorAll("form[data-drop-drafts]"), function (form) {
form.addEventListener("submit", dropMine);
});
function draftable(form) {
return !form.closest("[data-no-draft]") &&
form.querySelector("input[name=submission_token]") &&
!form.querySelector("input[type=password], input[type=file]") &&
form.querySelector("textarea, input:not([type]), input[type=text], input[type=number]");
}
function fields(form) {
return Array.prototype.filter.call(form.querySelectorAll(TYPED), function (el) {
return el.name && !el.disabled;
});
}
function version(form, loose, set) {
var keys = form.querySelectorAll("input[data-draft-version]");
if (!keys.length) return null;
return Array.prototype.map.call(keys, function (el, i) {
if (set) el.value = set.split("&")[i].slice(el.name.length + 1);
return el.name + (loose && el.getAttribute("data-draft-version") === "merge" ? "" : "=" + el.value);
}).join("&");
}
function fieldId(el) {
return el.name + (el.type === "checkbox" || el.type === "radio" ? "=" + el.value : "");
}
function untouched(el) {
if (el.type === "checkbox" || el.type === "radio") return el.checked === el.defaultChecked;
if (el.tagName === "SELECT") {
var options = el.options;
var marked = Array.prototype.some.call(options, function (o) { return o.defaultSelected; });
return Array.prototype.every.call(options, function (o, i) {
var shown = o.defaultSelected || (!marked && !el.multiple && i === 0);
return o.selected === shown;
});
}
return el.value === el.defaultValue;
}
var carried = {};
function snapshot(form) {
var values = {};
var keep = carried[formKey(form)] || {};
fields(form).forEach(function (el) {
var id = fieldId(el);
if (untouched(el) && !(id in keep)) return;
values[id] = el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
});
var token = form.querySelector("input[name=submission_token]");
return { at: Date.now(), token: token ? token.value : null, version: version(form),
loose: version(form, true), changedOnly: true, values: values };
}
function upgraded(form, draft) {
if (!draft || draft.changedOnly) return draft;
var values = {};
var served = {};
fields(form).forEach(function (el) {
if ((el.type === "date" || el.type === "datetime-local") && el.defaultValue) {
served[fieldId(el)] = true;
}
});
Object.keys(draft.values || {}).forEach(function (id) {
if (!served[id]) values[id] = draft.values[id];
});
draft.values = values;
return draft;
}
function restore(form, draft, check) {
var changed = false;
fields(form).forEach(function (el) {
var box = el.type === "checkbox" || el.type === "radio";
var id = fieldId(el);
if (!(id in draft.values)) return;
if (box ? el.checked !== draft.values[id] : el.value !== draft.values[id]) {
changed = true;
if (check) return;
if (box) el.checked = draft.values[id]; else el.value = draft.values[id];
}
});
if (check) return changed;
var token = form.querySelector("input[name=submission_token]");
if (token && draft.token) token.value = draft.token;
if (draft.merged) version(form, false, draft.version);
return changed;
}
function notice(form, text, kind) {
var note = form.previousElementSibling;
if (!note || !note.classList.contains("draft-note")) {
note = document.createElement("p");
note.setAttribute("role", "status");
form.parentNode.insertBefore(note, form);
}
note.className = "flash draft-note flash-" + kind;
note.textContent = text;
}
function formKey(form) {
var target = new URL(form.getAttribute("action") || location.href, location.href);
return PREFIX + target.pathname + target.search;
}
Array.prototype.forEach.call(document.forms, function (form) {
var key = formKey(form);
if (form.closest("[data-no-draft]")) localStorage.removeItem(key);
if (!draftable(form)) return;
var draft = upgraded(form, read(key));
if (draft && (draft.version || null) !== version(form)) {
var differs = restore(form, draft, true);
if (differs && draft.loose && draft.loose === version(form, true)) {
draft.merged = true;
} else {
localStorage.removeItem(key);
if (differs) notice(form, body.getAttribute("data-draft-outdated"), "warning");
draft = null;
}
} else if (draft) {
draft.loose = version(form, true);
write(key, draft);
}
var lost = draft && draft.sent && !form.querySelector(".error, .errors, [aria-invalid=true]");
if (draft) carried[key] = draft.values;
if (draft && restore(form, draft) || lost) {
var merged = !lost && draft.merged && form.querySelector("[data-draft-note]");
notice(form, merged ? merged.getAttribute("data-draft-note") :
body.getAttribute(lost ? "data-draft-unsent" : "data-draft-restored"),
lost ? "error" : "info");
}
var save = function () { write(key, snapshot(form)); };
form.addEventListener("input", save);
form.addEventListener("change", save);
form.addEventListener("submit", function (event) {
var current = snapshot(form);
if (navigator.onLine === false) {
event.preventDefault();
write(key, current);
notice(form, body.getAttribute("data-draft-offline"), "error");
return;
}
if (event.submitter && event.submitter.hasAttribute("data-search")) {
write(key, current);
return;
}
current.sent = true;
write(key, current);
});
});
})();
