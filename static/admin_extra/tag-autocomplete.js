// Suggest existing tags while an editor types in the comma-separated tags box.
// Uses the admin's own autocomplete endpoint; the box stays a plain text field without JavaScript.
(function () {
  "use strict";
  function setup(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.after(list);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var parts = input.value.split(/[,，]/);
        var term = parts.pop().trim();
        if (!term) { list.replaceChildren(); return; }
        var head = parts.map(function (p) { return p.trim(); }).filter(Boolean);
        var url = input.dataset.autocompleteUrl + "?" + new URLSearchParams({
          term: term, app_label: "articles", model_name: "article", field_name: "tags"
        });
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren.apply(list, data.results.map(function (item) {
              var option = document.createElement("option");
              option.value = head.concat([item.text]).join(", ");
              return option;
            }));
          });
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-autocomplete-url]").forEach(setup);
  });
})();
