// Printed links show their address: give each article link its absolute URL,
// which print.css writes after the link text (CSS alone only has the raw href).
(function () {
  "use strict";
  function resolve() {
    document.querySelectorAll(".article a[href]").forEach(function (link) {
      var href = link.getAttribute("href");
      if (href && href.charAt(0) !== "#") {
        link.setAttribute("data-print-url", link.href);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", resolve);
  } else {
    resolve();
  }
})();
