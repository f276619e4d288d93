/* Signing out (a form marked [data-drop-drafts]: 退出登录 on every signed-in page, 退出所有
   设备) removes every draft of this member from the device before the form is sent:
   personal data must not outlive the session on a shared device. drafts.js does the same
   on the pages it loads on (those with a form, and the page after an accepted send);
   this small script is for all the others, so that they do not load drafts.js for it. */
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
