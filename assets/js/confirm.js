/* Optional: ask once in the page before a destructive action (取消认领, 关闭任务, 取消任务).
   Without this script the server shows its confirmation page instead (confirmed=1 missing). */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-confirm]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      // The question only for a send that can be done (walk11 #2): a form the browser
      // finds invalid (one marked novalidate), or a required field of blanks only, goes
      // unasked, and the server refuses it on the same page, naming the field.
      var blank = Array.prototype.some.call(form.querySelectorAll("[required]"), function (el) {
        return typeof el.value === "string" && !el.value.trim();
      });
      if (blank || (form.checkValidity && !form.checkValidity())) return;
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        return;
      }
      var flag = form.querySelector("input[name=confirmed]");
      if (flag) flag.value = "1";
    });
  });
})();
