/* A button with data-print prints the page (no inline handler: the Content-Security-Policy
   allows scripts from our static files only). */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i += 1) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
}());
