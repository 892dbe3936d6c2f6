// Live subtotals and total on the scoring page. The server (assessment/scoring.py) stays the source
// of truth; this mirrors its arithmetic so the numbers move as the scorer types.
(function () {
  "use strict";
  function num(text) {
    if (text === null || text === undefined || String(text).trim() === "") return null;
    var value = Number(String(text).trim());
    return isFinite(value) ? value : NaN;
  }
  function fromRules(row, max) {
    var deducted = 0, bonus = 0, veto = false;
    row.querySelectorAll(".js-rule").forEach(function (input) {
      var times = num(input.value) || 0;
      var points = num(input.dataset.points) || 0;
      if (input.dataset.kind === "veto" && times > 0) veto = true;
      if (input.dataset.kind === "deduction") deducted += points * times;
      if (input.dataset.kind === "bonus") {
        var earned = points * times, cap = num(input.dataset.cap);
        bonus += cap === null ? earned : Math.min(earned, cap);
      }
    });
    if (veto) return 0;
    return Math.min(Math.max(max - deducted, 0) + bonus, max);
  }
  function rulesTouched(row) {
    return Array.prototype.some.call(row.querySelectorAll(".js-rule"), function (input) {
      return input.value !== input.defaultValue;
    });
  }
  function rowValue(row) {
    var max = num(row.dataset.max);
    if (row.querySelector(".js-rule")) {
      // Not scored yet and no occurrence entered: it counts for nothing, as on the server (not as full marks).
      if (row.dataset.saved === "" && !rulesTouched(row)) return null;
      return fromRules(row, max);
    }
    var input = row.querySelector(".js-score");
    if (!input) return num(row.dataset.saved);
    var value = num(input.value);
    var bad = value !== null && (isNaN(value) || value < 0 || value > max || (value * 2) % 1 !== 0);
    input.classList.toggle("is-invalid", bad);
    return bad ? null : value;
  }
  function show(value) {
    return String(Math.round(value * 10) / 10);
  }
  function recompute() {
    var totals = {}, total = 0;
    document.querySelectorAll(".indicator-row").forEach(function (row) {
      var value = rowValue(row);
      var system = row.dataset.system;
      totals[system] = (totals[system] || 0) + (value || 0);
      total += value || 0;
      var scoreInput = row.querySelector(".js-score");
      if (scoreInput && row.querySelector(".js-rule")) scoreInput.value = value === null ? "" : show(value);
    });
    Object.keys(totals).forEach(function (system) {
      document.querySelectorAll('[data-subtotal="' + system + '"]').forEach(function (el) {
        el.textContent = show(totals[system]);
      });
    });
    document.querySelectorAll("[data-total]").forEach(function (el) { el.textContent = show(total); });
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches(".js-score, .js-rule")) recompute();
  });
  recompute();
})();
// "采用N": one click takes the count the records show as the rule item's count (the page still has to be saved).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".js-take");
    if (!button) return;
    var input = document.getElementById(button.dataset.target);
    if (!input) return;
    input.value = button.dataset.value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  });
})();
