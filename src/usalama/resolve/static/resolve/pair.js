/* Keyboard shortcuts on the pair review page: a key names a judgement button (data-key). */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") { return; }
    var button = document.querySelector('#judge-form button[data-key="' + event.key + '"]');
    if (button) { event.preventDefault(); button.click(); }
  });
}());
