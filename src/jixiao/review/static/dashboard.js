/* jixiao review dashboard: renders the inline JSON; every report text goes in as textContent, never HTML. */
(function () {
  "use strict";

  var SEVERITY = { error: "错误", warning: "警告", info: "提示" };
  var PAGE_SIZE = 500;
  var summary = JSON.parse(document.getElementById("jx-summary").textContent);
  var reports = summary.reports;
  var bySha = new Map(reports.map(function (r) { return [r.sha, r]; }));
  var charts = [];

  // --- small helpers ---------------------------------------------------------------------------
  function el(tag, props) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (name) {
      if (name === "text") node.textContent = props.text;
      else if (name === "className") node.className = props.className;
      else node.setAttribute(name, props[name]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  function num(value, suffix) {
    return value === null || value === undefined ? "—" : String(value) + (suffix || "");
  }
  // ECharts tooltips are HTML: whatever a report says is escaped before it gets there.
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }
  function label(row) {
    return (row.unit || row.file) + (row.project ? " · " + row.project : "");
  }
  function openReport(sha) { location.hash = "#r/" + sha; }

  // --- totals ----------------------------------------------------------------------------------
  function renderTotals() {
    var sum = function (key) { return reports.reduce(function (n, r) { return n + r[key]; }, 0); };
    var computed = reports.filter(function (r) { return r.computed !== null; });
    var mean = computed.length
      ? (computed.reduce(function (n, r) { return n + r.computed; }, 0) / computed.length).toFixed(2) : "—";
    var items = [
      [reports.length, "份报告"],
      [reports.filter(function (r) { return r.errors > 0; }).length, "份有错误"],
      [sum("errors"), "个错误"], [sum("warnings"), "个警告"], [sum("infos"), "个提示"],
      [mean, "平均重算得分"], [summary.failures.length, "个文件读取失败"]
    ];
    var box = document.getElementById("totals");
    items.forEach(function (item) { box.appendChild(el("div", { className: "total" }, el("b", { text: String(item[0]) }), el("span", { text: item[1] }))); });
  }

  // --- charts ----------------------------------------------------------------------------------
  var BINS = [[-Infinity, 60, "<60"], [60, 70, "60–70"], [70, 80, "70–80"], [80, 85, "80–85"], [85, 90, "85–90"],
    [90, 95, "90–95"], [95, 100.0001, "95–100"], [100.0001, Infinity, ">100"]];
  function binCounts(key) {
    return BINS.map(function (bin) {
      return reports.filter(function (r) { return r[key] !== null && r[key] >= bin[0] && r[key] < bin[1]; }).length;
    });
  }
  function scatterPoints(xKey, yKey) {
    return reports.filter(function (r) { return r[xKey] !== null && r[yKey] !== null; })
      .map(function (r) { return { value: [r[xKey], r[yKey]], sha: r.sha }; });
  }
  function pointTooltip(xName, yName) {
    return function (p) {
      var row = bySha.get(p.data.sha);
      return escapeHtml(label(row)) + "<br>" + escapeHtml(xName) + "：" + escapeHtml(p.value[0]) +
        "<br>" + escapeHtml(yName) + "：" + escapeHtml(p.value[1]);
    };
  }
  function makeChart(id, option, empty) {
    if (empty) option.graphic = { type: "text", left: "center", top: "middle", style: { text: "暂无数据", fill: "#9aa5b1", fontSize: 14 } };
    var chart = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }
  function renderCharts() {
    makeChart("chart-scores", {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: BINS.map(function (b) { return b[2]; }), name: "分" },
      yAxis: { type: "value", minInterval: 1, name: "份" },
      series: [{ name: "自评得分", type: "bar", data: binCounts("stated") },
        { name: "重算得分", type: "bar", data: binCounts("computed") }]
    }, !reports.some(function (r) { return r.stated !== null || r.computed !== null; }));
    var compare = scatterPoints("stated", "computed");
    var lo = Math.min.apply(null, compare.map(function (p) { return Math.min(p.value[0], p.value[1]); }).concat([60]));
    var compareChart = makeChart("chart-compare", {
      tooltip: { trigger: "item", formatter: pointTooltip("自评得分", "重算得分") },
      grid: { left: 52, right: 24, top: 40, bottom: 40 },
      xAxis: { type: "value", name: "自评", min: Math.floor(lo), max: 100, nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "value", name: "重算", min: Math.floor(lo), max: function (v) { return Math.max(100, Math.ceil(v.max)); } },
      series: [{ type: "scatter", symbolSize: 9, data: compare },
        { type: "line", data: [[Math.floor(lo), Math.floor(lo)], [100, 100]], symbol: "none", silent: true,
          lineStyle: { type: "dashed", color: "#9aa5b1" }, tooltip: { show: false } }]
    }, !compare.length);
    compareChart.on("click", function (p) { if (p.data && p.data.sha) openReport(p.data.sha); });
    var rules = summary.rules;
    var rulesChart = makeChart("chart-rules", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 48 },
      xAxis: { type: "category", data: rules.map(function (r) { return r.code; }), axisLabel: { rotate: 60, interval: 0, fontSize: 10 } },
      yAxis: { type: "value", minInterval: 1, name: "个" },
      color: ["#c81e1e", "#d69e2e", "#4c8bd6"],
      series: ["error", "warning", "info"].map(function (s) {
        return { name: SEVERITY[s], type: "bar", stack: "n", data: rules.map(function (r) { return r[s]; }) };
      })
    }, !rules.length);
    rulesChart.on("click", function (p) { setFilter("f-rule", p.name); });
    var executionPoints = scatterPoints("execution", "indicators");
    var execution = makeChart("chart-execution", {
      tooltip: { trigger: "item", formatter: pointTooltip("预算执行率 %", "指标得分率 %") },
      grid: { left: 52, right: 24, top: 40, bottom: 40 },
      xAxis: { type: "value", name: "执行率 %", scale: true, nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "value", name: "指标得分率 %", scale: true },
      series: [{ type: "scatter", symbolSize: 9, data: executionPoints }]
    }, !executionPoints.length);
    execution.on("click", function (p) { if (p.data && p.data.sha) openReport(p.data.sha); });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  // --- the list --------------------------------------------------------------------------------
  var COLUMNS = [
    ["unit", "单位", "text"], ["project", "项目", "text"], ["year", "年度", "num"], ["kind", "类型", "text"],
    ["profile", "评分规则", "text"], ["stated", "自评得分", "num"], ["computed", "重算得分", "num"],
    ["diff", "差值", "num"], ["grade_stated", "自评等次", "text"], ["grade_computed", "重算等次", "text"],
    ["execution", "执行率%", "num"], ["errors", "错误", "num"], ["warnings", "警告", "num"],
    ["infos", "提示", "num"], ["file", "文件", "text"]
  ];
  var NOWRAP = new Set(["kind", "grade_stated", "grade_computed"]);
  var sort = { key: "errors", descending: true };
  var limit = PAGE_SIZE;
  var collator = new Intl.Collator("zh-CN");

  function compareRows(a, b) {
    var x = a[sort.key], y = b[sort.key];
    var missingX = x === null || x === "" || x === undefined, missingY = y === null || y === "" || y === undefined;
    if (missingX || missingY) return missingX === missingY ? 0 : (missingX ? 1 : -1); // blanks last either way
    var order = typeof x === "number" ? x - y : collator.compare(String(x), String(y));
    return sort.descending ? -order : order;
  }
  function matches(row) {
    var text = document.getElementById("f-text").value.trim().toLowerCase();
    var year = document.getElementById("f-year").value, kind = document.getElementById("f-kind").value;
    var severity = document.getElementById("f-severity").value, rule = document.getElementById("f-rule").value;
    if (text && (row.unit + " " + row.project + " " + row.path).toLowerCase().indexOf(text) < 0) return false;
    if (year && String(row.year) !== year) return false;
    if (kind && row.kind !== kind) return false;
    if (severity === "error" && !row.errors) return false;
    if (severity === "warning" && !row.warnings) return false;
    if (severity === "none" && (row.errors || row.warnings || row.infos)) return false;
    if (rule && row.codes.indexOf(rule) < 0) return false;
    return true;
  }
  function cellFor(row, column) {
    var key = column[0], value = row[key];
    var td = el("td", { className: column[2] === "num" ? "num" : (NOWRAP.has(key) ? "nowrap" : "") });
    if (key === "unit") {
      td.appendChild(el("a", { href: "#r/" + row.sha, text: row.unit || "（未识别单位）" }));
    } else {
      td.textContent = column[2] === "num" ? num(value) : (value || "");
    }
    if (key === "errors" && value) td.className += " n-error";
    if (key === "warnings" && value) td.className += " n-warning";
    if (key === "infos" && value) td.className += " n-info";
    if (key === "diff" && value !== null && Math.abs(value) >= 1) td.className += " diff-bad";
    return td;
  }
  function renderList() {
    var shown = reports.filter(matches).sort(compareRows);
    var body = document.getElementById("reports-body");
    var fragment = document.createDocumentFragment();
    shown.slice(0, limit).forEach(function (row) {
      var tr = el("tr", { "data-sha": row.sha });
      COLUMNS.forEach(function (column) { tr.appendChild(cellFor(row, column)); });
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    document.getElementById("list-count").textContent =
      "共 " + reports.length + " 份，符合条件 " + shown.length + " 份" + (shown.length > limit ? "，显示前 " + limit + " 份" : "");
    var more = document.getElementById("more");
    more.hidden = shown.length <= limit;
    document.querySelectorAll("#reports-head th").forEach(function (th) {
      if (th.dataset.key === sort.key) th.setAttribute("aria-sort", sort.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
  }
  function fillSelect(id, values) {
    var select = document.getElementById(id);
    values.forEach(function (v) { select.appendChild(el("option", { value: String(v), text: String(v) })); });
  }
  function distinct(key) {
    var seen = new Set();
    reports.forEach(function (r) { if (r[key] !== null && r[key] !== "") seen.add(r[key]); });
    return Array.from(seen).sort();
  }
  function setFilter(id, value) {
    document.getElementById(id).value = value;
    limit = PAGE_SIZE;
    renderList();
    document.getElementById("list").scrollIntoView();
  }
  function setupList() {
    var head = document.getElementById("reports-head");
    COLUMNS.forEach(function (column) {
      var th = el("th", { "data-key": column[0], scope: "col", text: column[1] });
      th.addEventListener("click", function () {
        sort = { key: column[0], descending: sort.key === column[0] ? !sort.descending : column[2] === "num" };
        renderList();
      });
      head.appendChild(th);
    });
    fillSelect("f-year", distinct("year"));
    fillSelect("f-kind", distinct("kind"));
    fillSelect("f-rule", summary.rules.map(function (r) { return r.code; }).sort());
    ["f-text", "f-year", "f-kind", "f-severity", "f-rule"].forEach(function (id) {
      document.getElementById(id).addEventListener(id === "f-text" ? "input" : "change", function () { limit = PAGE_SIZE; renderList(); });
    });
    document.getElementById("f-reset").addEventListener("click", function () {
      ["f-text", "f-year", "f-kind", "f-severity", "f-rule"].forEach(function (id) { document.getElementById(id).value = ""; });
      limit = PAGE_SIZE;
      renderList();
    });
    document.getElementById("more").addEventListener("click", function () { limit += PAGE_SIZE; renderList(); });
    renderList();
  }
  function renderFailures() {
    var body = document.getElementById("failures-body");
    document.getElementById("failure-count").textContent = "共 " + summary.failures.length + " 个";
    if (!summary.failures.length) body.appendChild(el("tr", {}, el("td", { colspan: "3", className: "empty", text: "无" })));
    summary.failures.forEach(function (f) {
      body.appendChild(el("tr", {}, el("td", { text: f.path }), el("td", { text: f.kind }), el("td", { text: f.error })));
    });
  }

  // --- one report's page -----------------------------------------------------------------------
  var pageCache = new Map();
  function pageData(sha) {
    if (!pageCache.has(sha)) {
      var node = Array.prototype.find.call(document.querySelectorAll("script.jx-report"), function (s) { return s.dataset.sha === sha; });
      pageCache.set(sha, node ? JSON.parse(node.textContent) : null);
    }
    return pageCache.get(sha);
  }
  function renderParagraph(excerpt, places) {
    var p = el("p", {});
    var at = 0;
    excerpt.marks.forEach(function (mark) {
      if (mark[0] > at) p.appendChild(document.createTextNode(excerpt.t.slice(at, mark[0])));
      var m = el("mark", { className: "pointed", "data-key": mark[2], text: excerpt.t.slice(mark[0], mark[1]) });
      places.add(mark[2], m);
      p.appendChild(m);
      at = mark[1];
    });
    p.appendChild(document.createTextNode(excerpt.t.slice(at) + (excerpt.cut_after ? "…" : "")));
    if (excerpt.cut_before) p.insertBefore(document.createTextNode("…"), p.firstChild);
    if (excerpt.k) { p.classList.add("pointed"); places.add(excerpt.k, p); }
    return p;
  }
  function renderTable(excerpt, places) {
    var body = el("tbody", {});
    excerpt.pieces.forEach(function (piece) {
      if (piece.gap) {
        body.appendChild(el("tr", { className: "gap" }, el("td", { colspan: String(excerpt.n_cols + 1), text: "… 省略 " + piece.gap + " 行 …" })));
        return;
      }
      piece.rows.forEach(function (row) {
        var tr = el("tr", {}, el("th", { className: "rowno", text: String(row.r + 1) }));
        row.cells.forEach(function (cell) {
          var td = el("td", { text: cell.t });
          if (cell.rs) td.rowSpan = cell.rs;
          if (cell.cs) td.colSpan = cell.cs;
          if (cell.h) td.className = "hidden-cell";
          if (cell.k) { td.classList.add("pointed"); td.dataset.key = cell.k; places.add(cell.k, td); }
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    });
    return el("table", {}, body);
  }
  function Places() { this.map = new Map(); }
  Places.prototype.add = function (key, node) {
    if (!this.map.has(key)) this.map.set(key, []);
    this.map.get(key).push(node);
  };
  Places.prototype.get = function (key) { return this.map.get(key) || []; };

  function renderFinding(finding, index) {
    var box = el("div", { className: "finding " + finding.severity, "data-index": String(index), tabindex: "0" },
      el("span", { className: "code", text: finding.code }),
      el("span", { className: "sev " + finding.severity, text: SEVERITY[finding.severity] || finding.severity }),
      el("div", { className: "message", text: finding.message }));
    if (finding.numbers.length) box.appendChild(el("div", { className: "numbers", text: "数字：" + finding.numbers.join("，") }));
    finding.evidence.forEach(function (ev) {
      var text = (ev.where ? ev.where + "：" : "") + ev.text;
      box.appendChild(el("div", { className: "ev" + (ev.key ? "" : " missing"), text: text }));
    });
    return box;
  }
  function renderReport(sha) {
    var row = bySha.get(sha), data = pageData(sha);
    var main = document.getElementById("report");
    main.replaceChildren();
    if (!row || !data) {
      main.appendChild(el("p", { className: "empty", text: "没有这份报告。" }));
      main.appendChild(el("a", { href: "#/", text: "← 返回总览" }));
      return;
    }
    var head = el("section", { className: "report-head" },
      el("a", { href: "#/", text: "← 返回总览" }),
      el("h2", { text: label(row) }),
      el("div", { className: "meta", text: [row.year ? row.year + "年度" : "", row.kind, row.doc_kind, "评分规则 " + row.profile].filter(Boolean).join(" · ") }),
      el("div", { className: "meta", text: row.path + " · SHA-256 " + row.sha }));
    var scores = el("div", { className: "scores" });
    [["自评得分", num(row.stated)], ["重算得分", num(row.computed)], ["差值", num(row.diff)],
      ["自评等次", row.grade_stated || "—"], ["重算等次", row.grade_computed || "—"],
      ["预算执行率", num(row.execution, "%")], ["指标得分率", num(row.indicators, "%")],
      ["错误 / 警告 / 提示", row.errors + " / " + row.warnings + " / " + row.infos]].forEach(function (s) {
      scores.appendChild(el("div", {}, el("span", { className: "meta", text: s[0] + " " }), el("b", { text: s[1] })));
    });
    head.appendChild(scores);
    main.appendChild(head);

    var places = new Places();
    var source = el("div", { className: "pane source", id: "source" });
    if (!data.excerpts.length) source.appendChild(el("p", { className: "empty", text: "问题未指向原文位置。" }));
    data.excerpts.forEach(function (excerpt) {
      var box = el("div", { className: "excerpt" }, el("div", { className: "where", text: excerpt.where || "原文" }));
      var body = excerpt.kind === "table" ? renderTable(excerpt, places) : renderParagraph(excerpt, places);
      places.add("block:" + excerpt.block, body);
      box.appendChild(body);
      source.appendChild(box);
    });
    var list = el("div", { className: "pane findings", id: "findings" });
    if (!data.findings.length) list.appendChild(el("p", { className: "empty", text: "未发现问题。" }));
    var boxes = data.findings.map(function (finding, i) {
      var box = renderFinding(finding, i);
      var activate = function () { activateFinding(finding, box, places); };
      box.addEventListener("click", activate);
      box.addEventListener("keydown", function (e) { if (e.key === "Enter") activate(); });
      list.appendChild(box);
      return box;
    });
    main.appendChild(el("div", { className: "split" }, list, source));
    var first = data.findings.findIndex(function (f) { return f.evidence.some(function (ev) { return ev.key; }); });
    if (first >= 0) activateFinding(data.findings[first], boxes[first], places);
  }
  function targetsOf(finding, places) {
    var nodes = [];
    finding.evidence.forEach(function (ev) {
      if (!ev.key) return;
      var found = places.get(ev.key);
      nodes = nodes.concat(found.length ? found : places.get("block:" + ev.block));
    });
    return nodes;
  }
  function activateFinding(finding, box, places) {
    document.querySelectorAll("#report .active").forEach(function (n) { n.classList.remove("active"); });
    document.querySelectorAll("#report .finding.current").forEach(function (n) { n.classList.remove("current"); });
    box.classList.add("current");
    var nodes = targetsOf(finding, places);
    nodes.forEach(function (n) { n.classList.add("active"); });
    if (nodes.length) nodes[0].scrollIntoView({ block: "center", inline: "nearest" });
  }

  // --- routing: #/ the overview, #r/<sha> one report -------------------------------------------
  var overviewReady = false;
  function route() {
    var match = /^#r\/([0-9a-zA-Z]+)$/.exec(location.hash);
    var overview = document.getElementById("overview"), report = document.getElementById("report");
    overview.hidden = !!match;
    report.hidden = !match;
    if (match) {
      window.scrollTo(0, 0);
      renderReport(match[1]);
    } else if (!overviewReady) {
      overviewReady = true;
      renderCharts();
    } else {
      charts.forEach(function (c) { c.resize(); });
    }
    document.body.dataset.ready = match ? "report" : "overview";
  }
  renderTotals();
  setupList();
  renderFailures();
  window.addEventListener("hashchange", route);
  route();
})();
