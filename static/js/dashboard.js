// Draws the dashboard's charts from the JSON the page carries (id "dashboard-data").
// The same numbers are in tables on the page, so without Chart.js nothing is lost: the chart boxes stay
// hidden and the tables stay open.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var RED = "#8b1a1a", GREY = "#adb5bd", BLUE = "#0d6efd", GREEN = "#198754";
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.animation = false;

  var builders = {
    systems: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [
          { label: "得分", data: d.score, backgroundColor: RED },
          { label: "满分", data: d.max, backgroundColor: GREY }
        ] },
        options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { beginAtZero: true } } }
      };
    },
    months: function (d) {
      return {
        type: "line",
        data: { labels: d.labels, datasets: [
          { label: "出动批次", data: d.dispatches, borderColor: RED, backgroundColor: RED },
          { label: "检查户次", data: d.checks, borderColor: BLUE, backgroundColor: BLUE }
        ] },
        options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
      };
    },
    fines: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: "罚款（万元）", data: d.fines, backgroundColor: GREEN }] },
        options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
      };
    },
    trend: function (d) {
      return {
        type: "line",
        data: { labels: d.labels, datasets: [{ label: "全市平均分", data: d.total, borderColor: BLUE, backgroundColor: BLUE }] },
        options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
      };
    },
    orgtrend: function (d) {
      return {
        type: "line",
        data: { labels: d.labels, datasets: [{ label: "总分", data: d.total, borderColor: RED, backgroundColor: RED }] },
        options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
      };
    },
    districts: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: "总分", data: d.total, backgroundColor: RED }] },
        options: {
          indexAxis: "y", maintainAspectRatio: false,
          scales: { x: { beginAtZero: true, suggestedMax: Math.max.apply(null, d.max) } }
        }
      };
    }
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.dataset.chart;
    var series = name === "fines" ? data.months : data[name];
    if (!series || !builders[name]) return;
    canvas.parentElement.classList.remove("d-none");
    var box = canvas.closest("[data-chart-box]");
    if (box) box.classList.remove("d-none");
    new window.Chart(canvas, builders[name](series));
  });
  // The charts now show what the table says: fold the table away (it stays one click off).
  document.querySelectorAll("details[data-chart-table]").forEach(function (details) { details.open = false; });
})();
