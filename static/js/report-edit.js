// The report edit page: "再加一节" adds an empty section form (Django's formset empty_form, kept in a
// <template>) without a round trip. Without JavaScript, each save offers one new empty section instead.
(function () {
  "use strict";
  var button = document.getElementById("add-section");
  var template = document.getElementById("section-template");
  var total = document.getElementById("id_sections-TOTAL_FORMS");
  var list = document.getElementById("sections");
  if (!button || !template || !total || !list) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = list.lastElementChild;
    var heading = added && added.querySelector("input[name$='-heading']");
    if (heading) heading.focus();
  });
})();
