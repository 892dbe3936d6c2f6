// Behaviour shared by every page. No inline scripts anywhere: a Content Security Policy forbids them.
(function () {
  "use strict";
  // Destructive actions ask first: <form data-confirm="确定…？">, or the one button of a form that does more
  // than the others (<button data-confirm="…">)
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var source = button && button.dataset && button.dataset.confirm ? button : event.target;
    var message = source.dataset ? source.dataset.confirm : null;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  window.App = {
    // A Bootstrap progress bar of long work (ledger import, report rendering) that a screen reader follows:
    // `live` (an aria-live element) hears each new stage and the outcome, not every percent of the bar.
    progress: function (progress, bar, live) {
      var lastSaid = "";
      return {
        set: function (percent, text) {
          bar.style.width = percent + "%";  // CSSOM, which the CSP allows, unlike a style attribute in the markup
          bar.textContent = percent + "%";
          progress.setAttribute("aria-valuenow", String(percent));
          if (text) progress.setAttribute("aria-valuetext", percent + "%，" + text);
        },
        say: function (text) {
          if (text === lastSaid) return;
          lastSaid = text;
          live.textContent = text;
        },
        finish: function (succeeded) {
          bar.classList.remove("progress-bar-striped", "progress-bar-animated");
          bar.classList.add(succeeded ? "bg-success" : "bg-danger");
        }
      };
    },
    // Poll a JSON status URL: `show(state)` returns true when the work is done; a failed request is retried
    // (after `onError()`), more slowly, until the status answers again.
    poll: function (url, intervalMs, show, onError) {
      function once() {
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.json();
          })
          .then(function (state) { if (!show(state)) window.setTimeout(once, intervalMs); })
          .catch(function () {
            onError();
            window.setTimeout(once, intervalMs * 3);
          });
      }
      once();
    }
  };
})();
