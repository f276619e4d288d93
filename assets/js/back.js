/* Optional: 返回上一页 on an error page goes back in the browser's history, to the form as
   it was left (what was typed is still there), rather than opening the page anew.
   Without this script the link opens the page it names. */
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
