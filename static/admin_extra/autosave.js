// Keeps what the user typed in the article form on the server every so often (only when it
// changed), so that a crash or a closed tab loses nothing; offers it back on the next visit.
// The body editor (django-prose-editor) writes into its textarea, which is what is kept.
(function () {
  "use strict";

  // Never kept or restored: the CSRF token and the inline formsets' bookkeeping.
  var SKIPPED = /^csrfmiddlewaretoken$|-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/;
  var INLINE_FIELD = /^(.+)-(\d+)-[^-]+$/;
  var editors = new Map();

  // Listen before the editor's module scripts run, so every editor is known.
  document.addEventListener("prose-editor:ready", function (event) {
    editors.set(event.detail.textarea, event.detail.editor);
  });

  function kept(element) {
    if (!element.name || element.disabled || SKIPPED.test(element.name)) { return false; }
    if (element.name.indexOf("__prefix__") !== -1) { return false; }
    if (["file", "submit", "button", "reset", "image"].indexOf(element.type) !== -1) { return false; }
    // Hidden inputs are the form's own bookkeeping, except the version the draft was typed on:
    // restored, it lets the save's conflict check see what others saved since.
    return element.type !== "hidden" || element.name === "opened_version";
  }

  function snapshot(form) {
    var fields = {};
    var labels = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) { return; }
      var values = fields[element.name] || (fields[element.name] = []);
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) { values.push(element.value); }
      } else if (element.tagName === "SELECT") {
        Array.prototype.forEach.call(element.selectedOptions, function (option) {
          values.push(option.value);
          (labels[element.name] || (labels[element.name] = {}))[option.value] = option.text;
        });
      } else {
        values.push(element.value);
      }
    });
    return { fields: fields, labels: labels };
  }

  function setBody(textarea, html) {
    textarea.value = html;
    var editor = editors.get(textarea);
    if (!editor) {
      var view = textarea.closest(".prose-editor");
      view = view && view.querySelector(".ProseMirror[contenteditable]");
      editor = view && view.editor;
    }
    if (editor) { editor.commands.setContent(html); }
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function addInlineRows(form, fields) {
    // Rows added before the crash (another byline) are added again with the inline's button.
    Object.keys(fields).forEach(function (name) {
      var match = INLINE_FIELD.exec(name);
      if (!match) { return; }
      var button = document.querySelector("#" + match[1] + "-group .add-row a");
      for (var tries = 0; button && !form.elements.namedItem(name) && tries < 50; tries += 1) {
        button.click();
      }
    });
  }

  function restore(form, data) {
    var fields = data.fields || {};
    var labels = data.labels || {};
    addInlineRows(form, fields);
    var positions = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element) || !Object.prototype.hasOwnProperty.call(fields, element.name)) { return; }
      var values = fields[element.name];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.indexOf(element.value) !== -1;
      } else if (element.tagName === "SELECT") {
        // Autocomplete boxes hold only their chosen options: put the saved ones back first.
        values.forEach(function (value) {
          var known = Array.prototype.some.call(element.options, function (option) {
            return option.value === value;
          });
          if (!known) {
            var text = (labels[element.name] || {})[value] || value;
            element.add(new Option(text, value, false, false));
          }
        });
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
        if (window.django && window.django.jQuery) { window.django.jQuery(element).trigger("change"); }
      } else {
        var at = positions[element.name] || 0;
        positions[element.name] = at + 1;
        if (at >= values.length) { return; }
        if (element.tagName === "TEXTAREA" && element.closest(".prose-editor")) {
          setBody(element, values[at]);
        } else {
          element.value = values[at];
          element.dispatchEvent(new Event("input", { bubbles: true }));
        }
      }
    });
  }

  function start() {
    var box = document.getElementById("desk-autosave");
    var form = box && box.closest("form");
    var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!box || !form || !token || !window.fetch) { return; }
    var status = box.querySelector(".desk-autosave__status");
    var offer = box.querySelector(".desk-autosave__offer");
    var seconds = parseInt(box.dataset.seconds, 10) || 30;
    var submitting = false;
    var last = JSON.stringify(snapshot(form));

    function send(payload, keepalive) {
      return fetch(box.dataset.url, {
        method: "POST",
        body: JSON.stringify(payload),
        credentials: "same-origin",
        keepalive: Boolean(keepalive),
        headers: { "Content-Type": "application/json", "X-CSRFToken": token.value }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) { throw new Error(data.error || "自动保存失败（" + response.status + "）"); }
          return data;
        });
      });
    }

    function save(keepalive) {
      if (submitting) { return; }
      var current = JSON.stringify(snapshot(form));
      if (current === last) { return; }
      send(JSON.parse(current), keepalive).then(function (data) {
        last = current;
        status.textContent = data.text;
      }).catch(function (error) {
        status.textContent = error.message;
      });
    }

    // A real save takes over: nothing is autosaved after the form is submitted.
    form.addEventListener("submit", function () { submitting = true; });
    window.setInterval(function () { save(false); }, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(true); }
    });

    if (offer) {
      var data = JSON.parse(document.getElementById("desk-autosave-data").textContent);
      offer.querySelector(".desk-autosave__restore").addEventListener("click", function () {
        restore(form, data);
        offer.remove();
        status.textContent = "已恢复自动保存的内容，请检查后保存。";
      });
      offer.querySelector(".desk-autosave__discard").addEventListener("click", function () {
        send({ discard: true }).then(function () {
          offer.remove();
          status.textContent = "已丢弃自动保存的内容。";
        }).catch(function (error) {
          status.textContent = error.message;
        });
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
