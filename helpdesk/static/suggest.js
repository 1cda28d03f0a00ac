// Search as you type in the header box: the WAI-ARIA 1.2 combobox pattern
// (list autocomplete, no automatic selection). Without this script the box is
// a plain search form; with it, the form still submits as before on Enter.
(function () {
  "use strict";
  var DELAY = 120; // ms of quiet typing before asking: a request per pause, not per key
  var LIMIT = 8;

  function setUp(form) {
    var input = form.querySelector("input[type=search]");
    var wrap = form.querySelector(".suggest");
    if (!input || !wrap || !window.fetch) return;
    var listId = input.id + "-listbox";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", form.getAttribute("aria-label") || "");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(list);
    wrap.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var items = []; // the suggestions shown, as the API gave them
    var active = -1;
    var timer = null;
    var pending = null; // the AbortController of the request in flight
    var shownFor = null;

    function countText(n) {
      if (n === 0) return form.getAttribute("data-count-none") || "";
      var rule = window.Intl && Intl.PluralRules
        ? new Intl.PluralRules(document.documentElement.lang).select(n)
        : (n === 1 ? "one" : "other");
      var text = form.getAttribute("data-count-" + rule) ||
        form.getAttribute("data-count-other") || "";
      return text.replace("{n}", String(n));
    }

    function setActive(index) {
      var options = list.children;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function open() {
      if (!items.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function secondary(item) {
      if (item.kind === "section") return item.article || "";
      return form.getAttribute("data-kind-" + item.kind) || "";
    }

    function render(found, query) {
      items = found;
      shownFor = query;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.textContent = "";
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.className = "suggest-option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-kind", item.kind);
        var title = document.createElement("span");
        title.className = "suggest-title";
        title.textContent = item.title;
        option.appendChild(title);
        var more = secondary(item);
        if (more) {
          var note = document.createElement("span");
          note.className = "suggest-note";
          note.textContent = more;
          option.appendChild(note);
        }
        option.lang = item.lang;
        list.appendChild(option);
      });
      status.textContent = countText(found.length);
      if (found.length) open(); else close();
    }

    function ask() {
      var query = input.value;
      if (pending) pending.abort();
      if (!query.trim()) {
        pending = null;
        items = [];
        list.textContent = "";
        status.textContent = "";
        close();
        return;
      }
      var controller = window.AbortController ? new AbortController() : null;
      pending = controller;
      var url = form.getAttribute("data-suggest") + "&limit=" + LIMIT +
        "&q=" + encodeURIComponent(query.slice(0, 200));
      fetch(url, {
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
        credentials: "same-origin",
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          // A stale answer (the box changed since) is dropped.
          if (!body || input.value !== query) return;
          if (pending === controller) pending = null;
          render(body.suggestions || [], query);
        })
        .catch(function () { /* aborted or offline: the form still searches */ });
    }

    function go(index) {
      var item = items[index];
      if (!item) return;
      close();
      var target = new URL(item.url, window.location.href);
      var here = window.location;
      if (target.hash && target.pathname === here.pathname && target.search === here.search) {
        // A section of this very page: no load, so take the focus there
        // ourselves, as a keyboard user would expect after choosing it.
        here.hash = target.hash;
        var section = document.getElementById(decodeURIComponent(target.hash.slice(1)));
        if (section) {
          if (!section.hasAttribute("tabindex")) section.setAttribute("tabindex", "-1");
          section.focus();
        }
        return;
      }
      window.location.assign(item.url);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var count = items.length;
      var expanded = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "Down") {
        if (!count) return;
        event.preventDefault();
        if (!expanded) { open(); setActive(event.altKey ? -1 : 0); return; }
        setActive(active + 1 >= count ? 0 : active + 1);
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        if (!count) return;
        event.preventDefault();
        if (!expanded) { open(); setActive(count - 1); return; }
        setActive(active <= 0 ? count - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (expanded && active >= 0) {
          event.preventDefault();
          go(active);
        }
        // Otherwise the form submits: a full search for what was typed.
      } else if (event.key === "Escape" || event.key === "Esc") {
        if (expanded) {
          // Close, keep the text; the search input must not clear it too.
          event.preventDefault();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("focus", function () {
      if (items.length && shownFor === input.value) open();
    });

    input.addEventListener("blur", function () {
      close();
    });

    // Mouse and touch: keep the focus in the box while choosing, then go.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest ? event.target.closest("[role=option]") : null;
      if (!option) return;
      go(Array.prototype.indexOf.call(list.children, option));
    });
    list.addEventListener("mousemove", function (event) {
      var option = event.target.closest ? event.target.closest("[role=option]") : null;
      if (option) {
        var index = Array.prototype.indexOf.call(list.children, option);
        if (index !== active) setActive(index);
      }
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-suggest]");
    for (var i = 0; i < forms.length; i++) setUp(forms[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
