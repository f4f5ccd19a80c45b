// One click adds a suggested region or theme to the autocomplete box above; nothing is saved
// until the editor saves the form, so nothing typed is lost.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".desk-suggest");
    if (!button) { return; }
    var select = document.getElementById(button.dataset.field);
    if (!select) { return; }
    var exists = Array.prototype.some.call(select.options, function (option) {
      return option.value === button.dataset.id;
    });
    if (!exists) {
      select.add(new Option(button.dataset.text, button.dataset.id, true, true));
    } else {
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.value === button.dataset.id) { option.selected = true; }
      });
    }
    if (window.django && window.django.jQuery) { window.django.jQuery(select).trigger("change"); }
    button.disabled = true;
    button.textContent = "✓ " + button.dataset.text;
  });
})();
