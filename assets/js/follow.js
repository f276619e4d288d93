/* Optional: a select that follows another (the 摸排问题 register's and the
   资源清单 item form's 责任区 follow their 社区).
   <select data-follows="ID"> names the select it follows; each of its options that
   belongs to one value of that select carries data-parent="VALUE", an option without it
   (全部责任区) is offered always. When the followed select changes, the options are
   rebuilt, not hidden: WeChat's and iOS's pickers show a hidden <option> all the same.
   Offered for a value: every option the page came with when that value is the one the
   page came with (the server's own list), else the options marked for the value and
   the unmarked ones — a value whose options the page does not hold (a county of many
   communities lists zones only once one is chosen) offers the unmarked ones alone, and
   the list after 筛选 holds the rest. A choice no longer offered goes back to the first
   option. Without this script the server drops a zone of another community and says so.

   A field's label may follow a select too (the 补录 form's 受益 is called as the chosen
   item's category counts it: 受益户数, 受益人次 …): <input data-label-follows="ID"
   data-label-none="TEXT">; each option of that select may carry data-label-FIELD="TEXT"
   (FIELD: the input's id), the label when it is chosen, data-label-none otherwise. Set
   on load too: a device draft (drafts.js, run before) may have put back another choice.
   Without this script the label is the item chosen or posted, set by the server.
   Its help (the <p id="FIELD-help"> under it) may follow as well (the 补录 form's 完成数量:
   「…请填写。」 once the label names a unit): data-help-none when no option with a
   value is chosen, data-help-labelled for an option that names the field's label,
   data-help-plain for one that names none. */
(function () {
  "use strict";
  var selects = document.querySelectorAll("select[data-follows]");
  Array.prototype.forEach.call(selects, function (select) {
    var parent = document.getElementById(select.getAttribute("data-follows"));
    if (!parent) return;
    var all = Array.prototype.slice.call(select.options);
    var initial = parent.value;
    parent.addEventListener("change", function () {
      var value = parent.value, chosen = select.value, kept = false;
      while (select.options.length) select.remove(0);
      all.forEach(function (option) {
        var owner = option.getAttribute("data-parent");
        if (value === initial || owner === null || owner === value) {
          select.appendChild(option);
          if (option.value === chosen) kept = true;
        }
      });
      select.value = kept ? chosen : select.options.length ? select.options[0].value : "";
    });
  });
  var fields = document.querySelectorAll("[data-label-follows]");
  Array.prototype.forEach.call(fields, function (field) {
    var select = document.getElementById(field.getAttribute("data-label-follows"));
    var label = document.querySelector('label[for="' + field.id + '"]');
    var help = document.getElementById(field.id + "-help");
    if (!select || !label) return;
    function follow() {
      var option = select.options[select.selectedIndex];
      var named = option && option.getAttribute("data-label-" + field.id);
      label.textContent = named || field.getAttribute("data-label-none");
      if (help && field.hasAttribute("data-help-none")) {
        help.textContent = field.getAttribute(!option || !option.value ? "data-help-none"
          : named ? "data-help-labelled" : "data-help-plain");
      }
    }
    follow();
    select.addEventListener("change", follow);
  });
})();
