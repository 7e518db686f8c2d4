// Upload page: drag and drop (files and folders), file and folder pickers, zip archives.
// One request per file so that each file has its own progress bar; three at a time.
(function () {
  "use strict";
  var CONCURRENCY = 3;
  var STATUS = { stored: "已入库", unchanged: "已存在", failed: "失败", rejected: "拒绝" };
  var queue = [], running = 0, done = 0, total = 0, tally = { stored: 0, unchanged: 0, failed: 0, rejected: 0 };

  function csrf() { return document.querySelector('meta[name="csrf-token"]').content; }

  function text(tag, content, cls) {
    var el = document.createElement(tag);
    if (content !== undefined) el.textContent = content;
    if (cls) el.className = cls;
    return el;
  }

  function addRow(file, name) {
    var row = document.createElement("tr");
    row.appendChild(text("td", name, "path"));
    var cell = document.createElement("td");
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", name + " 上传进度");
    cell.appendChild(bar);
    row.appendChild(cell);
    var result = text("td", "等待中", "muted");
    row.appendChild(result);
    document.getElementById("queue").appendChild(row);
    document.getElementById("queue-card").hidden = false;
    return { file: file, name: name, bar: bar, result: result, row: row };
  }

  function summary() {
    var el = document.getElementById("queue-summary");
    el.textContent = "（" + done + " / " + total + "：新入库 " + tally.stored + "，已存在 " + tally.unchanged +
      "，失败 " + (tally.failed + tally.rejected) + "）";
  }

  function showOutcome(item, outcomes) {
    item.result.textContent = "";
    item.result.className = "";
    outcomes.forEach(function (o) {
      tally[o.status] = (tally[o.status] || 0) + 1;
      var line = document.createElement("div");
      var badge = text("span", STATUS[o.status] || o.status, "badge " + (o.url ? "sev-ok" : "sev-error"));
      line.appendChild(badge);
      line.appendChild(document.createTextNode(" "));
      if (o.url) {
        var link = text("a", (o.agency || "报告") + " " + (o.year || ""));
        link.href = o.url;
        line.appendChild(link);
        line.appendChild(document.createTextNode("（" + o.errors + " 错误，" + o.warnings + " 警告）"));
        if (outcomes.length > 1) line.appendChild(text("span", " " + o.name, "muted"));
      } else {
        line.appendChild(text("span", o.reason));
      }
      item.result.appendChild(line);
    });
    item.row.dataset.status = outcomes.map(function (o) { return o.status; }).join(" ");
  }

  function send(item) {
    var max = Number(document.getElementById("upload-form").dataset.maxBytes);
    if (item.file.size > max) {
      done += 1;
      showOutcome(item, [{ status: "rejected", reason: "文件超过大小上限，未上传。" }]);
      summary(); return next();
    }
    running += 1;
    var form = new FormData();
    form.append("files", item.file, item.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/upload");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrf());
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) item.bar.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.upload.onload = function () { item.bar.value = 100; item.result.textContent = "解析中…"; };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (body && body.files) showOutcome(item, body.files);
      else if (body && body.error) showOutcome(item, body.error.details && body.error.details.length ? body.error.details : [{ status: "failed", reason: body.error.message }]);
      else showOutcome(item, [{ status: "failed", reason: "服务器返回了无法识别的响应（" + xhr.status + "）。" }]);
      finish();
    };
    xhr.onerror = function () { showOutcome(item, [{ status: "failed", reason: "网络错误，上传中断。" }]); finish(); };
    xhr.send(form);
  }

  function finish() { running -= 1; done += 1; summary(); next(); }

  function next() {
    while (running < CONCURRENCY && queue.length) send(queue.shift());
  }

  function enqueue(files) {
    files.forEach(function (entry) {
      queue.push(addRow(entry.file, entry.name));
      total += 1;
    });
    summary();
    next();
  }

  // Folders dropped: walk them with the File System entries API (keeps relative paths).
  function walk(entry, prefix, out) {
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (f) { out.push({ file: f, name: prefix + f.name }); resolve(); }, function () { resolve(); });
      } else if (entry.isDirectory) {
        var reader = entry.createReader(), all = [];
        var read = function () {
          reader.readEntries(function (batch) {
            if (!batch.length) {
              Promise.all(all.map(function (e) { return walk(e, prefix + entry.name + "/", out); })).then(resolve);
            } else { all = all.concat(Array.prototype.slice.call(batch)); read(); }
          }, function () { resolve(); });
        };
        read();
      } else { resolve(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var zone = document.getElementById("dropzone");
    var fileInput = document.getElementById("file-input");
    var folderInput = document.getElementById("folder-input");
    var picked = function (input) {
      enqueue(Array.prototype.map.call(input.files, function (f) { return { file: f, name: f.webkitRelativePath || f.name }; }));
      input.value = "";
    };
    fileInput.addEventListener("change", function () { picked(fileInput); });
    folderInput.addEventListener("change", function () { picked(folderInput); });
    zone.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); fileInput.click(); } });
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      var items = e.dataTransfer.items, out = [], walks = [];
      if (items && items.length && items[0].webkitGetAsEntry) {
        Array.prototype.forEach.call(items, function (item) {
          var entry = item.webkitGetAsEntry();
          if (entry) walks.push(walk(entry, "", out));
        });
        Promise.all(walks).then(function () { enqueue(out); });
      } else {
        enqueue(Array.prototype.map.call(e.dataTransfer.files, function (f) { return { file: f, name: f.name }; }));
      }
    });
  });
})();
