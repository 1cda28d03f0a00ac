// Small enhancements; every page works without them.
(function () {
  "use strict";
  // Switching language keeps the reader at the same section: ids are the same in
  // every translation, but the fragment never reaches the server.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.lang-link") : null;
    if (link && window.location.hash) {
      link.href = link.href.split("#")[0] + window.location.hash;
    }
  });
  // Confirmation and result pages move focus to their heading (or to the notice
  // that says what happened), so a screen reader starts there. Not when the address
  // names a place in the page, nor when the reader has already moved focus.
  function focusOnLoad() {
    var target = document.querySelector("[data-focus-on-load]");
    var untouched = !document.activeElement || document.activeElement === document.body;
    if (target && untouched && !window.location.hash) {
      target.focus({ preventScroll: true });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusOnLoad);
  } else {
    focusOnLoad();
  }
})();
