// Progress of a report render or sign-off that runs in the task worker: poll its status until done.
(function () {
  "use strict";
  var box = document.querySelector(".js-job");
  if (!box) return;
  var bar = box.querySelector(".js-job-bar");
  var status = box.querySelector(".js-job-status");
  var step = box.querySelector(".js-job-step");
  var result = box.querySelector(".js-job-result");
  function show(data) {
    bar.style.width = data.progress + "%";
    bar.textContent = data.progress + "%";
    bar.parentElement.setAttribute("aria-valuenow", data.progress);
    status.textContent = data.status_label;
    step.textContent = data.step || "";
    if (!data.done) return false;
    bar.classList.add(data.failed ? "bg-danger" : "bg-success");
    result.replaceChildren();
    var alert = document.createElement("div");
    alert.className = "alert mt-2 mb-0 " + (data.failed ? "alert-danger" : "alert-success");
    alert.textContent = data.message;
    if (data.download) {
      var link = document.createElement("a");
      link.href = data.download;
      link.className = "btn btn-sm btn-primary ms-2 js-job-download";
      link.textContent = "下载PDF";
      alert.appendChild(link);
    }
    result.appendChild(alert);
    return true;
  }
  bar.style.width = (bar.dataset.progress || 0) + "%";  // set from script: the CSP allows no inline style
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (!show(data)) window.setTimeout(poll, 800); })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
