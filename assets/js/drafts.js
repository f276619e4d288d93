/* Optional: what a member types into a form is kept on this device until the server has
   accepted it, for a weak signal (a basement, a stairwell).

   - Every form with a submission token and something to type (not a password form) keeps
     a draft in localStorage as it is typed, keyed by the signed-in member's id and the
     form's address; a reload restores it (「已恢复本机保存的草稿」). A file chosen (补录's
     现场照片) cannot be kept: the rest of its form is, and a restored draft typed with
     a file chosen says to choose it again (the file input's data-draft-file words).
   - The draft keeps only the fields the member changed from what the page was served
     with (and those a restored draft put back): a field the server fills on each load —
     移交日期 or 经费's date, "today" — shows this load's value, not the day the draft
     was typed, while a date changed by hand is restored.
   - The draft keeps the form's one-time submission token too: a form restored after a
     send whose answer was lost sends the same token again, and the server recognises it
     (「已提交，无需重复提交」) instead of applying it twice.
   - Offline, 提交 sends nothing and says so; what was typed stays. A send that left but
     got no answer the form shows (the browser's error page, or a login that had ended
     and the login page) is restored on the form with a neutral note (「已恢复您上次填写
     但未提交成功的内容…」): the network is only one reason among others.
   - The page after an accepted send names its token (<body data-accepted>): that draft
     goes. A confirmation page posts the token of the send it asks about, so its 确认
     ends the form's draft too (walk45 #2). A page answering a send with nothing done (a
     naming page's 「返回，不操作」, a refusal) names its token (<body data-answered>):
     that draft stays, as typed, but is no lost send. The server stays the only source
     of truth: a draft never counts by itself.
   - A form whose page was read under a version (its hidden inputs marked
     [data-draft-version]: the keys of the stored state it showed) keeps those keys, and
     which of them are merge keys, with the draft. On a page read again under other keys:
     - where every key that differs is a merge key (="merge": a three-way merge's
       ``shown``, tracker/fields.py VersionField) on the page and was one where the draft
       was typed, the draft is restored with its own keys put back into those inputs, and
       the form says so (the merge key's data-draft-note: 「…该记录此后有过修改，保存时会与
       之核对」; a lost send's note says the send did not go through, as always): posted
       under the keys it was typed under, the server keeps the later change in every
       field the draft left alone and refuses a real conflict on its stale page;
     - otherwise (a plain key: the roll's, which refuses any change since; or a merge key
       the server has refused and shows again, rendered plain there) it is not restored —
       its old values would be posted under the new keys and saved over the other
       change — it is removed, and the form says so (「本机草稿填写于该记录被修改之前…」, the words
       carried by the keys' inputs, data-draft-outdated: a page without keys pays nothing);
     either way only when it held anything the page does not: a draft the page already
     shows (a refused page shows what was posted, under the merge's new key) goes.
   - A draft that differs from the page only by the blanks the server strips (around a
     name, inside a phone number; around a textarea's text) is what the page shows: it
     is not "restored" (a refused page said 「已恢复本机保存的草稿」 and put the blanks back).
   - Personal data is never kept: a form inside (or marked) [data-no-draft] — the resident
     register's — has no draft, and one left from before is removed.
   - Signing out (a form marked [data-drop-drafts]: 退出登录, on every signed-in page)
     removes every draft of this member from the device before the form is sent.
   Without this script the forms post as they always did. */
(function () {
  "use strict";
  var body = document.body;
  var member = body.getAttribute("data-member");
  if (!member || !window.localStorage) return;
  var PREFIX = "draft:" + member + ":";
  var list = Array.prototype; // the node lists' forEach, some, map… (fewer bytes sent)
  var KEEP_MS = 7 * 24 * 3600 * 1000; // a week-old draft is nobody's work in progress
  var TYPED = "textarea, select, input:not([type]), input[type=text], input[type=number], " +
    "input[type=search], input[type=tel], input[type=date], input[type=datetime-local], " +
    "input[type=checkbox], input[type=radio]";

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; }
  }
  function write(key, draft) {
    try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* full: no draft */ }
  }

  // The draft of the send the server has just accepted, and drafts nobody came back to
  // (a draft holds its form's token: none matches the empty data-accepted).
  var accepted = body.getAttribute("data-accepted");
  for (var i = localStorage.length - 1; i >= 0; i--) {
    var key = localStorage.key(i);
    if (!key || key.indexOf("draft:") !== 0) continue;
    var old = read(key);
    if (!old || old.token === accepted || Date.now() - (old.at || 0) > KEEP_MS) {
      localStorage.removeItem(key);
    }
  }

  function dropMine() {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var key = localStorage.key(i);
      if (key && key.indexOf(PREFIX) === 0) localStorage.removeItem(key);
    }
  }
  list.forEach.call(document.querySelectorAll("form[data-drop-drafts]"), function (form) {
    form.addEventListener("submit", dropMine);
  });

  function draftable(form) {
    // Only forms the server acknowledges by their token (so the draft can go when it does),
    // and never personal data.
    return !form.closest("[data-no-draft]") &&
      form.querySelector("input[name=submission_token]") &&
      !form.querySelector("input[type=password]") &&
      form.querySelector("textarea, input:not([type]), input[type=text], input[type=number]");
  }

  function fields(form) {
    return list.filter.call(form.querySelectorAll(TYPED), function (el) {
      return el.name && !el.disabled;
    });
  }

  // The page's version of the form: its marked hidden keys as the page holds them (the
  // refused page holds the keys it was posted with, or the merge's new one), or null for
  // a form with none. ``loose``: a merge key by its name only — a draft typed under the
  // same loose version may come back under its own keys (see below), which ``set`` (a
  // draft's version) puts back into the inputs first.
  function version(form, loose, set) {
    var keys = form.querySelectorAll("input[data-draft-version]");
    if (!keys.length) return null;
    return list.map.call(keys, function (el, i) {
      if (set) el.value = set.split("&")[i].slice(el.name.length + 1); // same names, same order
      return el.name + (loose && el.getAttribute("data-draft-version") === "merge" ? "" : "=" + el.value);
    }).join("&");
  }

  function fieldId(el) {
    return el.name + (el.type === "checkbox" || el.type === "radio" ? "=" + el.value : "");
  }

  // Whether the field still holds what the page was served with. A default the server
  // fills on each load (移交日期 or 经费's date: today) must come from this load, not from
  // the day the draft was typed, so a draft keeps only what the member changed.
  function untouched(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked === el.defaultChecked;
    if (el.tagName === "SELECT") {
      var options = el.options;
      var marked = list.some.call(options, function (o) { return o.defaultSelected; });
      return list.every.call(options, function (o, i) {
        // A single select with no option marked selected shows its first one.
        var shown = o.defaultSelected || (!marked && !el.multiple && i === 0);
        return o.selected === shown;
      });
    }
    return el.value === el.defaultValue;
  }

  // Fields a restored draft put back stay in the draft even where the page now serves the
  // same value (a refused send's page is served with what was posted): a later reload
  // with fresh defaults must still find them.
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
    // a file chosen is not kept (a browser never gives a page one back): only that it was
    var files = list.some.call(form.querySelectorAll("input[type=file]"), function (el) {
      return el.files && el.files.length > 0;
    });
    return { at: Date.now(), token: token ? token.value : null, version: version(form),
             loose: version(form, true), changedOnly: true, values: values, files: files };
  }

  // A draft kept by the earlier drafts.js (until a week after the upgrade) holds every
  // field, the server's "today" of the day it was typed too: its dates are not put back
  // over a date the page was served with (one typed by hand is lost once, not a wrong
  // date sent silently).
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

  // Whether the field already shows the draft's text as the server keeps it: the server
  // strips a field's blanks (a name pasted as " 解放路社区 ", a number typed as WeChat
  // shows it, "139 1234 0002"), and a refused page shows what was posted so — that draft
  // is the page's, nothing to restore (「已恢复本机保存的草稿」 on a page the member never
  // left). A one-line field by its text without any blank, a textarea without the blanks
  // at its ends (its lines are the member's).
  function shows(el, text) {
    if (el.value === text) return true;
    if (typeof text !== "string") return false;
    if (el.tagName === "TEXTAREA") return el.value.trim() === text.trim();
    return el.tagName === "INPUT" && el.value.replace(/\s+/g, "") === text.replace(/\s+/g, "");
  }

  // Puts the draft's values on the form (only says whether any differs: ``check``).
  function restore(form, draft, check) {
    var changed = false;
    fields(form).forEach(function (el) {
      var box = el.type === "checkbox" || el.type === "radio";
      var id = fieldId(el);
      if (!(id in draft.values)) return;
      if (box ? el.checked !== draft.values[id] : !shows(el, draft.values[id])) {
        changed = true;
        if (check) return;
        if (box) el.checked = draft.values[id]; else el.value = draft.values[id];
      }
    });
    if (check) return changed;
    var token = form.querySelector("input[name=submission_token]");
    if (token && draft.token) token.value = draft.token;
    if (draft.merged) version(form, false, draft.version); // typed under them: the server merges
    return changed;
  }

  function notice(form, text, kind) { // (or above another element: a file field)
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

  list.forEach.call(document.forms, function (form) {
    var key = formKey(form);
    if (form.closest("[data-no-draft]")) localStorage.removeItem(key); // kept before the mark
    if (!draftable(form)) return;
    var draft = upgraded(form, read(key));
    if (draft && (draft.version || null) !== version(form)) {
      // Typed on a page read before the record changed (another's change, or a send of
      // one's own whose answer never came): the page shows it as it is now. Under merge
      // keys only, the draft goes back with its own keys and the server's merge decides;
      // a draft the page shows already goes either way (its keys would only undo the
      // page's: a refused page's resolved key).
      // Under merge keys only (the same loose version, ``version``: every key that
      // differs is a merge key here and was one where the draft was typed), the draft
      // goes back with its own keys and the server's merge decides. A draft the page
      // shows already goes either way (its keys would only undo the page's: a refused
      // page's resolved key).
      var differs = restore(form, draft, true);
      if (differs && draft.loose && draft.loose === version(form, true)) {
        draft.merged = true;
      } else {
        localStorage.removeItem(key);
        // the words come with the page's keys (a form without keys has no use for them)
        var outdated = form.querySelector("[data-draft-outdated]");
        if (differs && outdated) notice(form, outdated.getAttribute("data-draft-outdated"), "warning");
        draft = null;
      }
    } else if (draft) {
      // the same keys, perhaps now of another kind (a merge key the server refused,
      // shown again plain): the draft remembers it, for the page read again; a send
      // the server answered with nothing done (data-answered) is no lost send
      draft.loose = version(form, true);
      if (draft.token === body.getAttribute("data-answered")) draft.sent = 0;
      write(key, draft);
    }
    // A draft already sent, back on its form with no answer from the server (no error
    // shown by it, no acceptance): the send was lost on the way, or its answer was.
    var lost = draft && draft.sent && !form.querySelector(".error, .errors, [aria-invalid=true]");
    if (draft) carried[key] = draft.values;
    if (draft && restore(form, draft) || lost) {
      // (the merge key's own note: a page with none pays nothing for its words)
      var merged = !lost && draft.merged && form.querySelector("[data-draft-note]");
      var file = draft.files && form.querySelector("input[type=file][data-draft-file]");
      // each note a whole sentence; Chinese sentences follow one another with no blank
      var again = file ? (body.matches(":lang(zh)") ? "" : " ") +
        file.getAttribute("data-draft-file") : "";
      notice(form, (merged ? merged.getAttribute("data-draft-note") :
             body.getAttribute(lost ? "data-draft-unsent" : "data-draft-restored")) + again,
             lost ? "error" : "info");
      // and again by the file field, far down a long form on a phone (walk11 #7; once:
      // this runs on the page's load only)
      if (file) notice(file, again.trim(), "warning");
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
      // 查找 (a button marked data-search) sends the form to list choices, not to change
      // anything, and 定稿 or a confirmation page's 返回 (data-asks) only to be asked or to
      // come back: the page that answers with the form again is no lost send (walk11 #6).
      if (event.submitter && event.submitter.matches("[data-search], [data-asks]")) {
        write(key, current);
        return;
      }
      current.sent = true; // until the next page says it was accepted (or answered)
      write(key, current);
    });
  });
})();
