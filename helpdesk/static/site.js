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
})();
