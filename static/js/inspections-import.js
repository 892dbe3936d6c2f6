// The ledger import page: polls the import's JSON status and updates the progress bar, then shows the
// result or the errors, without reloading. Loaded as a file: a Content Security Policy forbids inline scripts.
(function () {
  "use strict";
  var root = document.getElementById("ledger-import");
  if (!root) return;
  var bar = root.querySelector(".progress-bar");
  var progress = window.App.progress(
    document.getElementById("import-progress"), bar, document.getElementById("import-live")
  );

  function fillList(list, items) {
    list.replaceChildren();
    (items || []).forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;  // never innerHTML: messages quote the uploaded file's contents
      list.appendChild(item);
    });
  }

  function show(state) {
    var stage = state.status_label + (state.stage ? "：" + state.stage : "");
    progress.set(state.percent, stage);
    document.getElementById("import-stage").textContent = stage;
    document.getElementById("import-rows").textContent =
      state.rows_total ? "已读取 " + state.rows_done + " / " + state.rows_total + " 行" : "";
    if (!state.finished) {
      progress.say(stage);
      return false;
    }
    progress.finish(state.status === "succeeded");
    if (state.status === "succeeded") {
      fillList(document.getElementById("import-summary-list"), state.summary);
      document.getElementById("import-summary").classList.remove("d-none");
      progress.say("导入成功。" + (state.summary || []).join("；"));
    } else {
      document.getElementById("import-error-count").textContent = state.error_count;
      document.getElementById("import-errors-link").href = state.errors_url;
      fillList(document.getElementById("import-error-list"), state.errors);
      document.getElementById("import-errors-more").classList.toggle("d-none", state.error_count <= state.errors.length);
      document.getElementById("import-errors").classList.remove("d-none");
      progress.say("导入失败：台账有" + state.error_count + "处错误，未导入任何内容。错误列在进度条下方。");
    }
    return true;
  }

  progress.set(Number(bar.dataset.percent || 0));
  if (root.dataset.finished !== "1") {
    window.App.poll(root.dataset.statusUrl, 1000, show, function () {
      document.getElementById("import-stage").textContent = "暂时无法获取导入进度，正在重试…";
    });
  }
})();
