// Live "What will happen": the unlink, delete and bulk dialogs follow their form.
// Without this script the dialog says it may be out of date and offers Preview.
(function () {
  "use strict";
  var DELAY_MS = 250;
  // Front-end servers refuse longer request lines; a huge selection is then
  // previewed with the Preview button (a form post) instead.
  var MAX_URL = 4000;

  function query(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      // The token and the submit mode mean nothing to a read-only preview.
      if (name !== "csrf_token" && name !== "mode" && typeof value === "string") {
        params.append(name, value);
      }
    });
    return params.toString();
  }

  function follow(form) {
    var url = form.getAttribute("data-preview-url");
    var region = document.getElementById(form.getAttribute("data-preview-target"));
    if (!url || !region) {
      return;
    }
    var notes = form.querySelectorAll("[data-stale-note]");
    function stale(shown) {
      notes.forEach(function (note) {
        note.hidden = !shown;
      });
    }
    stale(false);
    var timer = null;
    var latest = 0;
    var last = query(form);

    function refresh() {
      var current = query(form);
      if (current === last) {
        return;
      }
      last = current;
      var mine = ++latest;
      if (url.length + current.length + 1 > MAX_URL) {
        stale(true);
        return;
      }
      region.setAttribute("aria-busy", "true");
      fetch(url + "?" + current, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("preview " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          if (mine === latest) {
            // Our own page's fragment, escaped by the server's templates.
            region.innerHTML = html;
            stale(false);
          }
        })
        .catch(function () {
          if (mine === latest) {
            last = null;
            stale(true);
          }
        })
        .then(function () {
          if (mine === latest) {
            region.removeAttribute("aria-busy");
          }
        });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  }

  document.querySelectorAll("form[data-preview-url]").forEach(follow);
})();
