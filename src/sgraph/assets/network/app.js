/* sgraph network page. Every string from the data reaches the page only as text:
 * textContent, DOM properties, vis canvas labels; never innerHTML. Links only for http(s) URLs.
 * Globals for scripts and tests (as in pyvis pages): network, nodes, edges, allNodes, allEdges.
 */
(function () {
  "use strict";
  var T0 = performance.now();
  var DATA = JSON.parse(document.getElementById("sgraph-data").textContent);
  var BIG = DATA.nodes.length > 600;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function safeUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null; }
  function link(u, text) {
    var s = safeUrl(u);
    if (!s) return document.createTextNode(String(text || u || ""));
    var a = document.createElement("a");
    a.href = s; a.textContent = String(text || s); a.target = "_blank"; a.rel = "noopener noreferrer";
    return a;
  }
  function short(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }
  function dates(n) {
    if (n.date && n.endDate) return n.date + " to " + n.endDate;
    return n.date || (n.endDate ? "until " + n.endDate : "");
  }

  var byId = {};
  DATA.nodes.forEach(function (n) { byId[n.id] = n; });
  var groups = {};
  DATA.groups.forEach(function (g) { groups[g.name] = g; });
  var relLabel = {};
  DATA.relations.forEach(function (r) { relLabel[r.name] = r.label; });

  document.getElementById("heading").textContent = DATA.meta.title;
  document.getElementById("stats").textContent =
    DATA.nodes.length + " entities \u00b7 " + DATA.edges.length + " relations";
  document.getElementById("note").textContent = DATA.meta.note || "";

  // -- hover text: a DOM element built with textContent -------------------------------------
  function nodeTip(n) {
    var d = el("div", "sg-tip");
    d.appendChild(el("strong", null, n.label));
    d.appendChild(el("div", "muted", n.typeLabel));
    var lines = [];
    if (dates(n)) lines.push("Date: " + dates(n));
    if (n.publishers && n.publishers.length) lines.push("Published by: " + n.publishers.join("; "));
    if (n.authors && n.authors.length) lines.push("By: " + n.authors.join("; "));
    if (n.jobTitle) lines.push(n.jobTitle);
    if (n.url) lines.push("Link: " + n.url);
    if (n.sources && n.sources.length) lines.push("Sources: " + n.sources.length + " (click for links)");
    lines.push(n.degree + " relation" + (n.degree === 1 ? "" : "s") + ". Click for details.");
    lines.forEach(function (l) { d.appendChild(el("div", null, l)); });
    return d;
  }
  function edgeTip(e) {
    var d = el("div", "sg-tip");
    var a = byId[e.from], b = byId[e.to];
    d.appendChild(el("div", null, (a ? a.label : e.from)));
    d.appendChild(el("strong", null, e.label));
    d.appendChild(el("div", null, (b ? b.label : e.to)));
    return d;
  }
  function size(n) { return 11 + Math.min(30, 3.6 * Math.sqrt(n.degree)); }
  function style(n) {
    var g = groups[n.group] || { color: "#718096", border: "#4a5568", shape: "dot" };
    return { color: { background: g.color, border: g.border,
                      highlight: { background: g.color, border: "#1a202c" },
                      hover: { background: g.color, border: "#1a202c" } },
             font: { color: "#1a202c" }, shape: g.shape };
  }

  var visNodes = DATA.nodes.map(function (n) {
    var s = style(n);
    return { id: n.id, label: short(n.label, 38), x: n.x, y: n.y, size: size(n), shape: s.shape,
             color: s.color, font: s.font, title: nodeTip(n) };
  });
  var visEdges = DATA.edges.map(function (e) {
    return { id: e.id, from: e.from, to: e.to, title: edgeTip(e) };
  });
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var container = document.getElementById("network");
  var options = {
    physics: false,
    layout: { randomSeed: 1, improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: false,
                   hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG, multiselect: false },
    nodes: { borderWidth: 1, font: { size: 17, face: "system-ui, Arial, sans-serif",
             strokeWidth: 3, strokeColor: "#ffffff" } },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, smooth: false, width: 1,
             color: { color: "#a0aec0", highlight: "#2d3748", hover: "#2d3748", inherit: false },
             font: { size: 11, color: "#2d3748", strokeWidth: 3, strokeColor: "#ffffff", align: "horizontal" } }
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.network = network; window.nodes = nodes; window.edges = edges;
  window.allNodes = nodes.get({ returnType: "Object" }); window.allEdges = edges.get({ returnType: "Object" });
  window.options = options;
  window.sgraphTiming = { script: T0 };
  network.once("afterDrawing", function () {
    window.sgraphTiming.drawn = performance.now();
    window.sgraphReady = true;
  });

  // -- filters --------------------------------------------------------------------------------
  var state = { groups: {}, relations: {}, from: null, to: null, undated: true };
  DATA.groups.forEach(function (g) { state.groups[g.name] = true; });
  DATA.relations.forEach(function (r) { state.relations[r.name] = true; });
  var hiddenNode = {}, hiddenEdge = {};

  function nodeVisible(n) {
    if (!state.groups[n.group]) return false;
    if (n.year === null || n.year === undefined) return state.undated;
    var last = (n.endYear === null || n.endYear === undefined) ? n.year : n.endYear;
    if (state.from !== null && last < state.from) return false;
    if (state.to !== null && n.year > state.to) return false;
    return true;
  }
  function applyFilters() {
    var nu = [], eu = [];
    DATA.nodes.forEach(function (n) {
      var hide = !nodeVisible(n);
      if (!!hiddenNode[n.id] !== hide) { hiddenNode[n.id] = hide; nu.push({ id: n.id, hidden: hide }); }
    });
    DATA.edges.forEach(function (e) {
      var hide = !state.relations[e.relation] || hiddenNode[e.from] || hiddenNode[e.to];
      hide = !!hide;
      if (!!hiddenEdge[e.id] !== hide) { hiddenEdge[e.id] = hide; eu.push({ id: e.id, hidden: hide }); }
    });
    if (nu.length) nodes.update(nu);
    if (eu.length) edges.update(eu);
    drawTimeline();
  }

  function checkRow(parent, name, label, count, onChange, swatch) {
    var row = el("label", "row");
    var box = document.createElement("input");
    box.type = "checkbox"; box.checked = true; box.value = name;
    box.addEventListener("change", function () { onChange(box.checked); });
    row.appendChild(box);
    if (swatch) row.appendChild(swatch);
    row.appendChild(el("span", null, label));
    row.appendChild(el("span", "count", count));
    parent.appendChild(row);
    return box;
  }
  var legend = document.getElementById("legend");
  DATA.groups.forEach(function (g) {
    var sw = el("span", "swatch shape-" + g.shape);
    sw.style.background = g.color;
    checkRow(legend, g.name, g.label, g.count, function (on) { state.groups[g.name] = on; applyFilters(); }, sw);
  });
  var relBox = document.getElementById("relations");
  DATA.relations.forEach(function (r) {
    checkRow(relBox, r.name, r.label, r.count, function (on) { state.relations[r.name] = on; applyFilters(); });
  });
  var fromIn = document.getElementById("year-from"), toIn = document.getElementById("year-to");
  var undatedIn = document.getElementById("undated");
  if (DATA.meta.minYear !== null) {
    fromIn.min = toIn.min = DATA.meta.minYear; fromIn.max = toIn.max = DATA.meta.maxYear;
    fromIn.placeholder = DATA.meta.minYear; toIn.placeholder = DATA.meta.maxYear;
  }
  function readYears() {
    state.from = fromIn.value === "" ? null : parseInt(fromIn.value, 10);
    state.to = toIn.value === "" ? null : parseInt(toIn.value, 10);
    state.undated = undatedIn.checked;
    applyFilters();
  }
  [fromIn, toIn, undatedIn].forEach(function (i) { i.addEventListener("change", readYears); i.addEventListener("input", readYears); });

  // -- neighbourhood highlight and side panel ------------------------------------------------
  var highlighted = false;
  function highlight(id) {
    var near = {}; near[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { near[n] = true; });
    var mine = {};
    network.getConnectedEdges(id).forEach(function (e) { mine[e] = true; });
    nodes.update(DATA.nodes.map(function (n) {
      if (near[n.id]) { var s = style(n); return { id: n.id, color: s.color, font: s.font, label: short(n.label, 38) }; }
      return { id: n.id, color: { background: "#edf2f7", border: "#cbd5e0" }, font: { color: "#a0aec0" },
               label: BIG ? " " : short(n.label, 38) };
    }));
    edges.update(DATA.edges.map(function (e) {
      return mine[e.id] ? { id: e.id, label: e.label, color: { color: "#2d3748" }, width: 2 }
                        : { id: e.id, label: " ", color: { color: "#e2e8f0" }, width: 1 };
    }));
    highlighted = true;
  }
  function unhighlight() {
    if (!highlighted) return;
    nodes.update(DATA.nodes.map(function (n) {
      var s = style(n); return { id: n.id, color: s.color, font: s.font, label: short(n.label, 38) };
    }));
    edges.update(DATA.edges.map(function (e) {
      return { id: e.id, label: " ", color: { color: "#a0aec0" }, width: 1 };
    }));
    highlighted = false;
  }

  var panel = document.getElementById("panel"), body = document.getElementById("panel-body");
  function row(dl, term, value) {
    if (value === undefined || value === null || value === "" || (value.length === 0)) return;
    dl.appendChild(el("dt", null, term));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
    dl.appendChild(dd);
  }
  function jump(id, text) {
    var b = el("button", "linkish", text);
    b.type = "button";
    b.addEventListener("click", function () { choose(id); });
    return b;
  }
  function showPanel(id) {
    var n = byId[id];
    if (!n) return;
    body.textContent = "";
    body.appendChild(el("h3", null, n.label));
    body.appendChild(el("div", "type", n.typeLabel + (n.types.length > 1 ? " (" + n.types.join(", ") + ")" : "")));
    var dl = el("dl");
    row(dl, "Date", dates(n));
    row(dl, "Also called", n.alt.join("; "));
    row(dl, "Published by", (n.publishers || []).join("; "));
    row(dl, "By", (n.authors || []).join("; "));
    row(dl, "Job title", n.jobTitle);
    row(dl, "Identifier", n.identifier);
    if (n.url) row(dl, "Web page", link(n.url));
    row(dl, "Relations", String(n.degree));
    row(dl, "Betweenness", n.betweenness.toFixed(3));
    row(dl, "Community", String(n.community + 1));
    row(dl, "IRI", link(n.id));
    body.appendChild(dl);
    if (n.comment) { body.appendChild(el("h2", null, "Note")); body.appendChild(el("div", "comment", n.comment)); }
    if (n.sources.length) {
      body.appendChild(el("h2", null, "Sources"));
      var ul = el("ul");
      n.sources.forEach(function (s) { var li = el("li"); li.appendChild(link(s)); ul.appendChild(li); });
      body.appendChild(ul);
    }
    var rel = el("ul");
    DATA.edges.forEach(function (e) {
      if (e.from !== id && e.to !== id) return;
      var other = e.from === id ? e.to : e.from;
      var li = el("li");
      li.appendChild(el("span", null, (e.from === id ? e.label + " \u2192 " : "\u2190 " + e.label + ": ")));
      li.appendChild(jump(other, byId[other] ? byId[other].label : other));
      rel.appendChild(li);
    });
    if (rel.childNodes.length) { body.appendChild(el("h2", null, "Connections")); body.appendChild(rel); }
    panel.classList.add("open");
    network.redraw();
    drawTimeline();
  }
  function closePanel() { panel.classList.remove("open"); network.unselectAll(); unhighlight(); }
  document.getElementById("panel-close").addEventListener("click", closePanel);

  function choose(id) {
    if (!byId[id]) return;
    if (hiddenNode[id]) { nodes.update({ id: id, hidden: false }); hiddenNode[id] = false; }
    network.selectNodes([id]);
    highlight(id);
    showPanel(id);
    var near = network.getConnectedNodes(id).concat([id]);
    network.fit({ nodes: near, animation: false });
    if (network.getScale() > 1.1) network.moveTo({ scale: 1.1, animation: false });
  }
  window.sgraphChoose = choose;
  network.on("click", function (params) {
    if (params.nodes.length) { highlight(params.nodes[0]); showPanel(params.nodes[0]); }
    else if (!params.edges.length) closePanel();
  });

  // -- search ---------------------------------------------------------------------------------
  var search = document.getElementById("search"), results = document.getElementById("search-results");
  function matches(q) {
    q = q.trim().toLowerCase();
    if (!q) return [];
    var out = [];
    for (var i = 0; i < DATA.nodes.length && out.length < 15; i++) {
      var n = DATA.nodes[i];
      var hay = [n.label].concat(n.alt).join("\n").toLowerCase();
      if (hay.indexOf(q) >= 0 || n.id.toLowerCase() === q) out.push(n);
    }
    return out;
  }
  search.addEventListener("input", function () {
    results.textContent = "";
    matches(search.value).forEach(function (n) {
      var b = el("button");
      b.type = "button";
      b.appendChild(el("span", null, n.label));
      b.appendChild(el("span", "kind", n.typeLabel));
      b.addEventListener("click", function () { results.textContent = ""; choose(n.id); });
      results.appendChild(b);
    });
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var m = matches(search.value); if (m.length) { results.textContent = ""; choose(m[0].id); } }
    if (ev.key === "Escape") { results.textContent = ""; }
  });

  // -- most connected ---------------------------------------------------------------------------
  var top = document.getElementById("top");
  DATA.top.forEach(function (id) {
    var n = byId[id], li = el("li");
    li.appendChild(jump(id, short(n.label, 44)));
    li.appendChild(el("span", "count", "(" + n.degree + ")"));
    top.appendChild(li);
  });

  // -- timeline strip ---------------------------------------------------------------------------
  var strip = document.getElementById("timeline");
  var dated = DATA.nodes.filter(function (n) { return typeof n.year === "number"; });
  dated.sort(function (a, b) { return b.degree - a.degree || (a.id < b.id ? -1 : 1); });
  var MAXDOTS = 600;
  var shown = dated.slice(0, MAXDOTS);
  function drawTimeline() {
    strip.textContent = "";
    strip.appendChild(el("div", "label", "Timeline: " + dated.length + " dated entities" +
      (dated.length > MAXDOTS ? " (the " + MAXDOTS + " most connected shown)" : "") + ". Click a dot."));
    if (!shown.length) return;
    strip.appendChild(el("div", "axis"));
    var lo = DATA.meta.minYear, hi = DATA.meta.maxYear;
    if (hi === lo) { lo -= 1; hi += 1; }
    var w = strip.clientWidth - 48, stack = {};
    function xOf(y) { return 24 + (y - lo) / (hi - lo) * w; }
    var step = Math.max(1, Math.ceil((hi - lo) / 12));
    for (var y = lo; y <= hi; y += step) {
      var t = el("div", "tick", y); t.style.left = xOf(y) + "px"; strip.appendChild(t);
    }
    shown.slice().sort(function (a, b) { return (a.date < b.date ? -1 : a.date > b.date ? 1 : 0); }).forEach(function (n) {
      var level = stack[n.year] = (stack[n.year] || 0) + 1;
      if (level > 6) return;
      var d = el("button", "dot" + (hiddenNode[n.id] ? " dim" : ""));
      d.type = "button";
      d.title = n.label + " (" + dates(n) + ")";
      d.setAttribute("aria-label", n.label);
      d.style.left = (xOf(n.year) + ((level - 1) % 2 ? 5 : -5)) + "px";
      d.style.bottom = (18 + 9 * level) + "px";
      d.style.background = (groups[n.group] || { color: "#718096" }).color;
      d.addEventListener("click", function () { choose(n.id); });
      strip.appendChild(d);
    });
  }
  drawTimeline();
  window.addEventListener("resize", drawTimeline);
})();
