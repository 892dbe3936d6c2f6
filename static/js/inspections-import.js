// The ledger import page: polls the import's JSON status and updates the progress bar, then shows the
// result or the errors, without reloading. Loaded as a file: a Content Security Policy forbids inline scripts.
(function () {
  "use strict";
  var root = document.getElementById("ledger-import");
  if (!root) return;
  var bar = root.querySelector(".progress-bar");
  var progress = document.getElementById("import-progress");
  var live = document.getElementById("import-live");
  var POLL_MS = 1000;
  var lastSaid = "";

  // Screen readers hear the stage when it changes and the outcome, not every percent of the bar.
  function say(text) {
    if (text === lastSaid) return;
    lastSaid = text;
    live.textContent = text;
  }

  function setPercent(percent, text) {
    bar.style.width = percent + "%";  // CSSOM, which a CSP allows, unlike a style attribute in the markup
    bar.textContent = percent + "%";
    progress.setAttribute("aria-valuenow", String(percent));
    if (text) progress.setAttribute("aria-valuetext", percent + "%，" + text);
  }

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
    setPercent(state.percent, stage);
    document.getElementById("import-stage").textContent = stage;
    document.getElementById("import-rows").textContent =
      state.rows_total ? "已读取 " + state.rows_done + " / " + state.rows_total + " 行" : "";
    if (!state.finished) {
      say(stage);
      return;
    }
    bar.classList.remove("progress-bar-striped", "progress-bar-animated");
    if (state.status === "succeeded") {
      bar.classList.add("bg-success");
      fillList(document.getElementById("import-summary-list"), state.summary);
      document.getElementById("import-summary").classList.remove("d-none");
      say("导入成功。" + (state.summary || []).join("；"));
    } else {
      bar.classList.add("bg-danger");
      document.getElementById("import-error-count").textContent = state.error_count;
      document.getElementById("import-errors-link").href = state.errors_url;
      fillList(document.getElementById("import-error-list"), state.errors);
      document.getElementById("import-errors-more").classList.toggle("d-none", state.error_count <= state.errors.length);
      document.getElementById("import-errors").classList.remove("d-none");
      say("导入失败：台账有" + state.error_count + "处错误，未导入任何内容。错误列在进度条下方。");
    }
  }

  function poll() {
    fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.finished) window.setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        document.getElementById("import-stage").textContent = "暂时无法获取导入进度，正在重试…";
        window.setTimeout(poll, POLL_MS * 5);
      });
  }

  setPercent(Number(bar.dataset.percent || 0));
  if (root.dataset.finished !== "1") poll();
})();
