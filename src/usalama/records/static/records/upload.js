// Progressive enhancement of the import form: refuse an oversized file before sending it,
// and show upload progress. Without JavaScript the form posts normally and the server
// refuses an oversized file itself.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var limit = parseInt(form.getAttribute("data-max-bytes"), 10);
  var box = document.getElementById("upload-progress");
  var bar = box.querySelector("progress");
  var label = box.querySelector("span");
  var tooLarge = document.getElementById("upload-too-large");
  // The new-collection fields matter only when "a new collection" is chosen.
  var choice = document.getElementById("id_collection");
  var fresh = form.querySelector(".new-collection");
  function showNewCollection() { fresh.hidden = choice.value !== "new"; }
  if (choice && fresh) {
    choice.addEventListener("change", showNewCollection);
    showNewCollection();
  }
  form.addEventListener("submit", function (event) {
    var file = form.querySelector("input[type=file][name=file]").files[0];
    if (file && limit && file.size > limit) {
      event.preventDefault();
      tooLarge.hidden = false;
      return;
    }
    tooLarge.hidden = true;
    event.preventDefault();
    var target = form.action || window.location.href;
    var request = new XMLHttpRequest();
    request.open("POST", target);
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.round((100 * e.loaded) / e.total);
      bar.value = percent;
      label.textContent = percent + "%";
    });
    request.addEventListener("load", function () {
      // Accepted: the server redirected to the job page. Refused: it answered with the
      // form again, errors included; show that page as a normal post would have.
      if (request.responseURL && request.responseURL !== target) {
        window.location.assign(request.responseURL);
        return;
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () { form.submit(); });
    box.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(form));
  });
})();
