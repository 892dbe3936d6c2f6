// Draws the comparison's charts from the JSON the page carries (id "review-data"). Every number is also in a
// table on the page, so without Chart.js nothing is lost: the chart boxes stay hidden.
(function () {
  "use strict";
  var source = document.getElementById("review-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var RED = "#8b1a1a", GREY = "#adb5bd", BLUE = "#0d6efd";
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.animation = false;
  var builders = {
    districts: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [
          { label: "计分", data: d.figure, backgroundColor: RED },
          { label: "自评总分", data: d.self, backgroundColor: GREY }
        ] },
        options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { beginAtZero: true } } }
      };
    },
    trend: function (d) {
      return {
        type: "line",
        data: { labels: d.labels, datasets: [{ label: "全市平均", data: d.average, borderColor: BLUE, backgroundColor: BLUE }] },
        options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
      };
    }
  };
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.dataset.chart;
    // a trend needs two years at least; one bar per district needs one district
    var least = name === "trend" ? 2 : 1;
    if (!data[name] || !builders[name] || data[name].labels.length < least) return;
    canvas.parentElement.classList.remove("d-none");
    new window.Chart(canvas, builders[name](data[name]));
  });
})();
