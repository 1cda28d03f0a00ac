// Sandbox enhancements; every sandbox page works without them.
(function () {
  "use strict";
  var root = document.querySelector(".sb");
  if (!root) {
    return;
  }
  var signalUrl = root.getAttribute("data-signal-url");
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";

  // The users table is one Tab stop (roving tabindex): the arrow keys move between
  // the rows and the controls of a row, so a row's actions are a few keys away.
  document.querySelectorAll("table[data-roving]").forEach(function (table) {
    var rows = Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : []);
    var grid = rows.map(function (row) {
      // The controls of the row itself, not those inside an open row menu.
      return Array.prototype.slice.call(
        row.querySelectorAll("input, a[href], button, summary")
      ).filter(function (control) {
        return !control.closest("details ul") && !control.closest("form[hidden]");
      });
    }).filter(function (controls) { return controls.length; });
    if (!grid.length) {
      return;
    }
    var hint = document.querySelector("[data-roving-hint]");
    if (hint) {
      // Said only where the keys work: without this script every control is a Tab stop.
      hint.hidden = false;
      table.setAttribute("aria-describedby", hint.id);
    }
    var current = grid[0][0];

    function place(control) {
      grid.forEach(function (controls) {
        controls.forEach(function (c) { c.tabIndex = c === control ? 0 : -1; });
      });
      current = control;
    }

    function position(control) {
      for (var r = 0; r < grid.length; r += 1) {
        var c = grid[r].indexOf(control);
        if (c >= 0) {
          return { row: r, col: c };
        }
      }
      return null;
    }

    // The same kind of control in another row: same cell, same place from its end.
    function counterpart(control, row) {
      var cell = control.closest("td");
      var inCell = Array.prototype.slice.call(cell.querySelectorAll("*")).filter(function (c) {
        return grid.some(function (controls) { return controls.indexOf(c) >= 0; });
      });
      var fromEnd = inCell.length - 1 - inCell.indexOf(control);
      var target = row.filter(function (c) {
        return c.closest("td").cellIndex === cell.cellIndex;
      });
      if (!target.length) {
        return row[Math.min(row.length - 1, grid[0].indexOf(control))] || row[0];
      }
      return target[Math.max(0, target.length - 1 - fromEnd)];
    }

    place(current);
    table.addEventListener("focusin", function (event) {
      var at = position(event.target);
      if (at) {
        place(event.target);
      }
    });
    table.addEventListener("focus", function () { current.focus(); });
    table.addEventListener("keydown", function (event) {
      var at = position(event.target);
      if (!at || event.altKey || event.ctrlKey && !/^(Home|End)$/.test(event.key)) {
        return;
      }
      var row = grid[at.row];
      var next = null;
      if (event.key === "ArrowRight") {
        next = row[Math.min(at.col + 1, row.length - 1)];
      } else if (event.key === "ArrowLeft") {
        next = row[Math.max(at.col - 1, 0)];
      } else if (event.key === "ArrowDown" && at.row + 1 < grid.length) {
        next = counterpart(event.target, grid[at.row + 1]);
      } else if (event.key === "ArrowUp" && at.row > 0) {
        next = counterpart(event.target, grid[at.row - 1]);
      } else if (event.key === "Home") {
        next = event.ctrlKey ? grid[0][0] : row[0];
      } else if (event.key === "End") {
        var last = grid[grid.length - 1];
        next = event.ctrlKey ? last[last.length - 1] : row[row.length - 1];
      }
      if (next) {
        event.preventDefault();
        place(next);
        next.focus();
      }
    });
  });

  // On a narrow screen the guide panel starts folded into its bar above the page
  // (without JS it stays open, and its <summary> still folds it).
  var fold = document.querySelector(".sb-guide-fold");
  if (fold && window.matchMedia && window.matchMedia("(max-width: 900px)").matches) {
    fold.open = false;
  }

  // Tick the guide's steps as they are done, without reloading the page. Only an
  // article's procedure is ticked this way: a fix plan is ticked from the account.
  var procedure = document.querySelector('.sb-guide[data-guide-mode="procedure"]');

  function showTicked(ticked) {
    var steps = document.querySelectorAll(".sb-guide-procedure .sb-guide-steps > li");
    steps.forEach(function (step, index) {
      step.classList.remove("done", "current", "todo");
      step.removeAttribute("aria-current");
      if (index < ticked) {
        step.classList.add("done");
      } else if (index === ticked) {
        step.classList.add("current");
        step.setAttribute("aria-current", "step");
      } else {
        step.classList.add("todo");
      }
    });
  }

  function send(name) {
    if (!signalUrl || !procedure) {
      return;
    }
    var body = new URLSearchParams();
    body.set("signal", name);
    body.set("csrf_token", token);
    fetch(signalUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && typeof data.ticked === "number") {
          showTicked(data.ticked);
        }
      })
      .catch(function () { /* the next page load shows the state anyway */ });
  }

  document.querySelectorAll("details[data-signal]").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (details.open) {
        send(details.getAttribute("data-signal"));
      }
    });
  });
  document.querySelectorAll("input[data-signal]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.type !== "checkbox" || input.checked) {
        send(input.getAttribute("data-signal"));
      }
    });
  });
  // The sample file downloads without leaving the page: show its tick shortly after.
  document.querySelectorAll("a[download]").forEach(function (link) {
    link.addEventListener("click", function () {
      window.setTimeout(function () { send("refresh"); }, 800);
    });
  });
})();
