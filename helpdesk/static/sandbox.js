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

  // Choosing from these drop-downs needs no extra click.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form && select.value) {
        select.form.submit();
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
