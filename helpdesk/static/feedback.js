// "Was this helpful?" without leaving the page. Without this script the forms
// post and the page comes back at the same section with a thank-you.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.URLSearchParams) {
    return;
  }

  function setBusy(form, busy) {
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].disabled = busy;
    }
  }

  function announce(box, text) {
    var status = box.querySelector(".feedback-status");
    status.textContent = text;
    return status;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("feedback-form")) {
      return;
    }
    var box = form.closest("[data-feedback]");
    if (!box) {
      return;
    }
    event.preventDefault();
    var failed = box.getAttribute("data-error");
    setBusy(form, true);
    window.fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) {
        return { ok: response.ok, body: body };
      }, function () {
        return { ok: false, body: null };
      });
    }).then(function (answer) {
      if (answer.ok && answer.body && answer.body.ok) {
        var parts = box.querySelectorAll("form, details");
        for (var i = 0; i < parts.length; i += 1) {
          parts[i].parentNode.removeChild(parts[i]);
        }
        // The focused button is gone: move focus to the thank-you.
        announce(box, answer.body.message).focus();
        return;
      }
      var error = answer.body && answer.body.error;
      announce(box, (error && error.message) || failed);
      setBusy(form, false);
    }, function () {
      announce(box, failed);
      setBusy(form, false);
    });
  });
})();
