/* Optional: the page that answers a refused send brings the member to the refusal.

   A refused form comes back with its summary at its top (#form-errors, the form_errors
   macro: what was refused, and a link to each field to change); a refused action that
   went back to the page it came from says why in a red flash (「名额已满」…). On a long
   page, with the menu and the task card above, either may start below the first screen,
   and nothing on screen would say the send was refused. This moves focus to it (so a
   screen reader reads it) and scrolls it to the top of the screen; a refused form's page
   title then starts with 「错误：」.

   The summary is marked autofocus, which does the same with JavaScript off in the
   browsers that honour it; this script is for the others, and for the flash. It does
   nothing when something already has the focus (autofocus did it, or the member
   tapped). A refusal folded in a closed <details> is unfolded first. Old syntax only: WeChat's browser on older phones runs it too. */
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
  // a refusal inside a closed <details> (a 「删除」 folded away) cannot be focused or
  // seen: open every <details> it is in first
  for (var node = target.parentNode; node; node = node.parentNode) {
    if (node.tagName === "DETAILS" && !node.open) node.open = true;
  }
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  if (active !== target) target.focus();
  if (target.scrollIntoView) target.scrollIntoView(true);
})();
