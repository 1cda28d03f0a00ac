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
  // Menus (<details data-menu>) on any page: one open at a time; Escape or a click elsewhere
  // closes them, and Escape gives focus back to the menu's button.
  var menus = Array.prototype.slice.call(document.querySelectorAll("details[data-menu]"));

  function closeMenu(menu, refocus) {
    if (!menu.open) {
      return;
    }
    menu.open = false;
    if (refocus) {
      menu.querySelector("summary").focus();
    }
  }

  function menuItems(menu) {
    return Array.prototype.slice.call(
      menu.querySelectorAll("ul a[href], ul button:not([disabled])")
    );
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) {
        menus.forEach(function (other) {
          if (other !== menu) {
            closeMenu(other, false);
          }
        });
      }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        event.preventDefault();
        event.stopPropagation();
        closeMenu(menu, true);
        return;
      }
      var items = menuItems(menu);
      if (!items.length || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) {
        return;
      }
      var index = items.indexOf(document.activeElement);
      var onSummary = document.activeElement === menu.querySelector("summary");
      if (index < 0 && !(onSummary && menu.open)) {
        return;
      }
      // Up and Down move through the open menu's items (and wrap round).
      event.preventDefault();
      event.stopPropagation();
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = index < 0 ? (step > 0 ? 0 : items.length - 1)
        : (index + step + items.length) % items.length;
      items[next].focus();
    });
  });
  // Tabbing out of an open menu closes it too (it would cover the next row).
  menus.forEach(function (menu) {
    menu.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !menu.contains(event.relatedTarget)) {
        closeMenu(menu, false);
      }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (!menu.contains(event.target)) {
        closeMenu(menu, false);
      }
    });
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
