// Progress of a report render or sign-off that runs in the task worker: poll its status until done, then
// show the result (and the PDF to download) without reloading. A file, not inline: the CSP forbids those.
(function () {
  "use strict";
  var box = document.querySelector(".js-job");
  if (!box) return;
  var bar = box.querySelector(".js-job-bar");
  var status = box.querySelector(".js-job-status");
  var step = box.querySelector(".js-job-step");
  var result = box.querySelector(".js-job-result");
  var progress = window.App.progress(box.querySelector("[role=progressbar]"), bar, box.querySelector(".js-job-live"));

  function show(data) {
    var text = data.status_label + (data.step ? "：" + data.step : "");
    progress.set(data.progress, text);
    status.textContent = data.status_label;
    step.textContent = data.step || "";
    if (!data.done) {
      progress.say(text);
      return false;
    }
    progress.finish(!data.failed);
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
    progress.say(data.status_label + "。" + (data.message || ""));
    return true;
  }

  bar.style.width = Number(bar.dataset.progress || 0) + "%";
  window.App.poll(box.dataset.statusUrl, 800, show, function () {
    step.textContent = "暂时无法获取进度，正在重试…";
  });
})();
