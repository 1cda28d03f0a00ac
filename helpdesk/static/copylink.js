// "Copy link" buttons; without JavaScript the link stays shown, selectable.
(function () {
  "use strict";
  function fallbackCopy(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("[data-copy-link]").forEach(function (box) {
    var input = box.querySelector("[data-copy-source]");
    var button = box.querySelector("[data-copy-button]");
    var status = box.querySelector("[data-copy-status]");
    if (!input || !button) {
      return;
    }
    button.hidden = false;
    function report(ok) {
      if (status) {
        status.textContent = status.getAttribute(ok ? "data-copied" : "data-failed");
      }
      if (!ok) {
        input.focus();
        input.select();
      }
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(
          function () { report(true); },
          function () { report(fallbackCopy(input)); }
        );
      } else {
        report(fallbackCopy(input));
      }
    });
    input.addEventListener("focus", function () { input.select(); });
  });
})();
