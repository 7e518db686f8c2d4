// xxgk web app: charts, finding ↔ cell highlighting, live draft marks. No inline script anywhere (CSP).
(function () {
  "use strict";

  var csrf = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  };

  // htmx requests carry the CSRF token as a header (forms also carry it as a field).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrf();
  });

  // ---- charts: options come from <script type="application/json"> blocks -------------------------
  function drawCharts() {
    if (!window.echarts) return;
    var testMode = document.body.dataset.testMode === "1";
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var option = JSON.parse(source.textContent);
      if (testMode) option.animation = false;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      el.dataset.ready = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // ---- report page: clicking a finding highlights its cells and shows its source excerpt ----------
  function selectFinding(button) {
    var list = document.getElementById("finding-list");
    if (!list) return;
    list.querySelectorAll(".finding").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    document.querySelectorAll(".grid .hl").forEach(function (c) { c.classList.remove("hl"); });
    button.setAttribute("aria-pressed", "true");
    var cells = (button.dataset.cells || "").split(" ").filter(Boolean);
    var first = null;
    cells.forEach(function (key) {
      document.querySelectorAll('.grid [data-key="' + CSS.escape(key) + '"]').forEach(function (td) {
        td.classList.add("hl");
        first = first || td;
      });
    });
    document.querySelectorAll(".excerpt").forEach(function (e) { e.hidden = true; });
    var excerpt = document.getElementById("excerpt-" + button.dataset.index);
    if (excerpt) excerpt.hidden = false;
    var hint = document.getElementById("excerpt-hint");
    if (hint) hint.hidden = true;
    if (first) first.scrollIntoView({ block: "center", inline: "nearest" });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("#finding-list .finding");
    if (button) { selectFinding(button); return; }
    var cell = event.target.closest(".grid td[data-findings]");
    if (cell && cell.dataset.findings) {
      var index = cell.dataset.findings.split(" ")[0];
      var target = document.querySelector('#finding-list .finding[data-index="' + index + '"]');
      if (target) { selectFinding(target); target.scrollIntoView({ block: "nearest" }); }
    }
  });

  // ---- drafting form: mark the inputs named by the live check; gate the download buttons ----------
  function applyDraftMarks() {
    var check = document.getElementById("draft-check");
    if (!check) return;
    var marks = JSON.parse(check.dataset.marks || "{}");
    document.querySelectorAll(".cell-input").forEach(function (input) {
      var severity = marks[input.dataset.key];
      var td = input.closest("td");
      td.classList.remove("sev-error", "sev-warning");
      input.removeAttribute("aria-invalid");
      if (severity) {
        td.classList.add("sev-" + severity);
        if (severity === "error") input.setAttribute("aria-invalid", "true");
      }
      td.classList.toggle("blank", input.value.trim() === "");
    });
    updateDownload();
  }

  function updateDownload() {
    var check = document.getElementById("draft-check");
    var override = document.getElementById("override");
    var reason = document.getElementById("override-reason");
    if (!check || !override) return;
    var ok = check.dataset.canDownload === "1" || (override.checked && reason.value.trim() !== "");
    document.querySelectorAll(".download-button").forEach(function (b) { b.disabled = !ok; });
  }

  document.addEventListener("htmx:afterSettle", applyDraftMarks);
  document.addEventListener("input", function (event) {
    if (event.target.id === "override" || event.target.id === "override-reason") updateDownload();
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "override") updateDownload();
    if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
  });

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    applyDraftMarks();
  });
})();
