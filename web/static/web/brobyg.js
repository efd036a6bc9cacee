/* Brobyg's own script, loaded on every page (web/base.html). No inline script anywhere: the
   Content Security Policy allows scripts from Brobyg's static files only. */
(function () {
  "use strict";

  /* A calendar subscription address selects itself when clicked, ready to copy. */
  function selectOnClick() {
    document.querySelectorAll("input[data-select-on-click]").forEach(function (field) {
      field.addEventListener("click", function () { field.select(); });
    });
  }

  /* A matching run's progress while it runs: polls its progress address, reloads when done. */
  function followRunProgress() {
    var box = document.getElementById("run-progress");
    if (!box || !box.dataset.url) { return; }
    function poll() {
      fetch(box.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (answer) { return answer.json(); })
        .then(function (run) {
          document.getElementById("run-progress-bar").value = run.progress;
          document.getElementById("run-progress-value").textContent = run.progress;
          document.getElementById("run-progress-stage").textContent = run.stage_label;
          if (run.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 1000);
  }

  function start() {
    selectOnClick();
    followRunProgress();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
