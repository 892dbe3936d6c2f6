// Behaviour shared by every page. No inline scripts anywhere: a Content Security Policy forbids them.
(function () {
  "use strict";
  // Destructive actions ask first: <form data-confirm="确定…？">
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset ? event.target.dataset.confirm : null;
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
