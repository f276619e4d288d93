/* Optional: ask once in the page before a destructive action (取消认领, 关闭任务, 取消任务).
   Without this script the server shows its confirmation page instead (confirmed=1 missing). */
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
