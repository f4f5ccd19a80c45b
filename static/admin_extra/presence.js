// Who else has this story open: the page tells the server it is still open every so often
// and shows the colleagues the server answers with. Only a notice; nothing is locked.
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("desk-presence");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!box || !token || !window.fetch) { return; }
    var list = box.querySelector("ul");
    var seconds = parseInt(box.dataset.seconds, 10) || 30;

    function show(others) {
      list.replaceChildren.apply(list, others.map(function (colleague) {
        var item = document.createElement("li");
        item.textContent = colleague.text;
        return item;
      }));
      box.hidden = others.length === 0;
    }

    function beat() {
      var body = new FormData();
      body.append("tab", box.dataset.tab);
      body.append("csrfmiddlewaretoken", token.value);
      fetch(box.dataset.url, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { show(data.others); } })
        .catch(function () { /* offline for a moment: the next beat tries again */ });
    }

    window.setInterval(beat, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { beat(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
