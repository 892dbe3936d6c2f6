// Progress of a report render or sign-off that runs in the task worker: poll its status until done, then
// show the result (and the PDF to download) without reloading. A file, not inline: the CSP forbids those.
(function () {
  "use strict";
  var box = document.querySelector(".js-job");
  if (!box) return;
  var progress = box.querySelector("[role=progressbar]");
  var bar = box.querySelector(".js-job-bar");
  var status = box.querySelector(".js-job-status");
  var step = box.querySelector(".js-job-step");
  var live = box.querySelector(".js-job-live");
  var result = box.querySelector(".js-job-result");
  var lastSaid = "";

  // Screen readers hear each new step and the outcome, not every percent of the bar.
  function say(text) {
    if (text === lastSaid) return;
    lastSaid = text;
    live.textContent = text;
  }

  function setProgress(percent, text) {
    bar.style.width = percent + "%";  // CSSOM, which the CSP allows, unlike a style attribute in the markup
    bar.textContent = percent + "%";
    progress.setAttribute("aria-valuenow", String(percent));
    progress.setAttribute("aria-valuetext", percent + "%，" + text);
  }

  function show(data) {
    var text = data.status_label + (data.step ? "：" + data.step : "");
    setProgress(data.progress, text);
    status.textContent = data.status_label;
    step.textContent = data.step || "";
    if (!data.done) {
      say(text);
      return false;
    }
    bar.classList.remove("progress-bar-striped", "progress-bar-animated");
    bar.classList.add(data.failed ? "bg-danger" : "bg-success");
    result.replaceChildren();
    var alert = document.createElement("div");
    alert.className = "alert mt-2 mb-0 " + (data.failed ? "alert-danger" : "alert-success");
    alert.textContent = data.message;  // never innerHTML
    if (data.download) {
      var link = document.createElement("a");
      link.href = data.download;
      link.className = "btn btn-sm btn-primary ms-2 js-job-download";
      link.textContent = "下载PDF";
      alert.appendChild(link);
    }
    if (!data.failed && box.dataset.kind === "issue") {
      // The page above this box still shows the report as a draft: offer the fresh page.
      var refresh = document.createElement("a");
      refresh.href = box.dataset.reportUrl;
      refresh.className = "alert-link ms-2";
      refresh.textContent = "刷新页面查看已签发版本";
      alert.appendChild(refresh);
    }
    result.appendChild(alert);
    say(data.status_label + "。" + (data.message || ""));
    return true;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) { if (!show(data)) window.setTimeout(poll, 800); })
      .catch(function () {
        step.textContent = "暂时无法获取进度，正在重试…";
        window.setTimeout(poll, 2000);
      });
  }

  bar.style.width = Number(bar.dataset.progress || 0) + "%";
  poll();
})();
