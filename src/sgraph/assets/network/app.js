/* sgraph network page: the controls round the map (drawn by draw.js).
 * Every string from the data reaches the page only as text: textContent, DOM properties, canvas
 * text; never innerHTML. Links only for http(s) URLs.
 * Globals for scripts and tests: `network` (what drawNetwork returns, see draw.js) and
 * `sgraph` ({data, choose(id), find(text), connect(a, b), state}).
 */
(function () {
  "use strict";
  var T0 = performance.now();
  var DATA = JSON.parse(document.getElementById("sgraph-data").textContent);
  var BIG = DATA.nodes.length > 3000;

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
  function plural(n, one, many) { return n.toLocaleString("en-GB") + " " + (n === 1 ? one : many); }
  function dates(n) {
    if (n.date && n.endDate) return n.date + " to " + n.endDate;
    return n.date || (n.endDate ? "until " + n.endDate : "");
  }
  // as sgraph.network.labels.fold: lower case, no accents
  function fold(s) {
    return String(s).toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\u00f8/g, "o").replace(/\u00e6/g, "ae").replace(/\u00df/g, "ss").replace(/\u0142/g, "l");
  }

  var byId = {}, indexOf = {};
  DATA.nodes.forEach(function (n, i) {
    byId[n.id] = n; indexOf[n.id] = i;
    n.alt = n.alt || []; n.sources = n.sources || []; n.types = n.types || [];
    n.publishers = n.publishers || []; n.authors = n.authors || [];
    if (n.year === undefined) n.year = null;
    if (n.endYear === undefined) n.endYear = null;
    n.degree = n.degree || 0;
  });
  var groups = {};
  DATA.groups.forEach(function (g) { groups[g.name] = g; });
  var relLabel = {};
  DATA.relations.forEach(function (r) { relLabel[r.name] = r.label; });
  function edgeLabel(e) { return e.label || relLabel[e.relation] || e.relation; }
  function idOf(ref) { return typeof ref === "number" ? DATA.nodes[ref].id : ref; }
  DATA.edges.forEach(function (e) { e.from = idOf(e.source); e.to = idOf(e.target); });
  var edgesOf = {};
  DATA.edges.forEach(function (e, i) {
    (edgesOf[e.from] = edgesOf[e.from] || []).push(i);
    if (e.to !== e.from) (edgesOf[e.to] = edgesOf[e.to] || []).push(i);
  });

  document.getElementById("heading").textContent = DATA.meta.title;
  document.getElementById("stats").textContent =
    plural(DATA.nodes.length, "entity", "entities") + " \u00b7 " + plural(DATA.edges.length, "link", "links");
  document.getElementById("note").textContent = DATA.meta.note || "";

  // -- hover text ------------------------------------------------------------------------------
  function nodeTip(n) {
    var d = el("div", "sg-tip");
    d.appendChild(el("strong", null, n.label));
    d.appendChild(el("div", "muted", n.typeLabel));
    var lines = [];
    if (dates(n)) lines.push("Date: " + dates(n));
    if (n.publishers.length) lines.push("Published by: " + n.publishers.join("; "));
    if (n.authors.length) lines.push("By: " + n.authors.join("; "));
    if (n.jobTitle) lines.push(n.jobTitle);
    lines.push(plural(n.degree, "link", "links") + ". Click for details.");
    lines.forEach(function (l) { d.appendChild(el("div", null, l)); });
    return d;
  }
  function edgeTip(e) {
    var d = el("div", "sg-tip");
    d.appendChild(el("div", null, byId[e.from] ? byId[e.from].label : e.from));
    d.appendChild(el("strong", null, edgeLabel(e)));
    d.appendChild(el("div", null, byId[e.to] ? byId[e.to].label : e.to));
    return d;
  }

  var container = document.getElementById("network");
  var mapMessage = document.getElementById("map-message");
  var network;
  try {
    network = drawNetwork(container, {
      nodes: DATA.nodes.map(function (n) {
        var g = groups[n.group] || {};
        return { id: n.id, label: n.label, short: n.short, x: n.x, y: n.y, size: n.size,
                 color: g.color, shape: g.shape };
      }),
      edges: DATA.edges
    }, {
      tooltip: function (kind, item) {
        return kind === "node" ? nodeTip(byId[item]) : edgeTip(DATA.edges[item]);
      },
      onSelect: function (id) { if (id) choose(id); else closePanel(); }
    });
  } catch (err) {
    mapMessage.textContent = String(err && err.message ? err.message : err) +
      " Turn on hardware acceleration (or WebGL) in the browser's settings, or try another browser.";
    mapMessage.classList.add("shown");
    window.sgraphReady = true;
    return;
  }
  window.network = network;

  // -- filters ---------------------------------------------------------------------------------
  var state = { groups: {}, relations: {}, from: null, to: null, undated: true };
  DATA.groups.forEach(function (g) { state.groups[g.name] = true; });
  DATA.relations.forEach(function (r) { state.relations[r.name] = true; });

  function nodeVisible(n) {
    if (!state.groups[n.group]) return false;
    if (n.year === null) return state.undated;
    var last = n.endYear === null ? n.year : n.endYear;
    if (state.from !== null && last < state.from) return false;
    if (state.to !== null && n.year > state.to) return false;
    return true;
  }
  function applyFilters() {
    var shownNode = {};
    DATA.nodes.forEach(function (n) { shownNode[n.id] = nodeVisible(n); });
    network.setVisible(function (id) { return shownNode[id]; }, function (key) {
      return state.relations[DATA.edges[network.edgeIndex(key)].relation];
    });
    var count = 0;
    DATA.nodes.forEach(function (n) { if (shownNode[n.id]) count++; });
    mapMessage.textContent = count ? "" : "Nothing matches these filters. Tick a type or widen the years.";
    mapMessage.classList.toggle("shown", !count);
    if (openId && !shownNode[openId]) closePanel();
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
    row.appendChild(el("span", "count", count.toLocaleString("en-GB")));
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
  if (DATA.meta.minYear !== null && DATA.meta.minYear !== undefined) {
    fromIn.min = toIn.min = DATA.meta.minYear; fromIn.max = toIn.max = DATA.meta.maxYear;
    fromIn.placeholder = DATA.meta.minYear; toIn.placeholder = DATA.meta.maxYear;
  }
  function readYears() {
    state.from = fromIn.value === "" ? null : parseInt(fromIn.value, 10);
    state.to = toIn.value === "" ? null : parseInt(toIn.value, 10);
    state.undated = undatedIn.checked;
    applyFilters();
  }
  [fromIn, toIn].forEach(function (i) { i.addEventListener("change", readYears); i.addEventListener("input", readYears); });
  undatedIn.addEventListener("change", readYears);
  function resetFilters() {
    document.querySelectorAll("#legend input, #relations input").forEach(function (b) { b.checked = true; });
    DATA.groups.forEach(function (g) { state.groups[g.name] = true; });
    DATA.relations.forEach(function (r) { state.relations[r.name] = true; });
    fromIn.value = ""; toIn.value = ""; undatedIn.checked = true;
    state.from = state.to = null; state.undated = true;
    applyFilters();
  }

  // -- the side panel --------------------------------------------------------------------------
  var panel = document.getElementById("panel"), body = document.getElementById("panel-body");
  var openId = null;
  function row(dl, term, value) {
    if (value === undefined || value === null || value === "" || value.length === 0) return;
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
    openId = id;
    body.textContent = "";
    body.appendChild(el("h3", null, n.label));
    body.appendChild(el("div", "type", n.typeLabel + (n.types.length > 1 ? " (" + n.types.join(", ") + ")" : "")));
    var dl = el("dl");
    row(dl, "Date", dates(n));
    row(dl, "Also called", n.alt.join("; "));
    row(dl, "Published by", n.publishers.join("; "));
    row(dl, "By", n.authors.join("; "));
    row(dl, "Job title", n.jobTitle);
    row(dl, "Reference", n.identifier);
    if (n.url) row(dl, "Web page", link(n.url));
    row(dl, "Links", plural(n.degree, "link to other entities", "links to other entities"));
    if (n.bridge) row(dl, "Role in the map", "Connects groups that are otherwise far apart");
    if (n.cluster) row(dl, "Group", "Group " + n.cluster + " on the map, with " +
                       plural(n.clusterSize - 1, "other entity", "other entities"));
    row(dl, "Address", link(n.id));
    body.appendChild(dl);
    if (n.comment) { body.appendChild(el("h2", null, "Note")); body.appendChild(el("div", "comment", n.comment)); }
    if (n.sources.length) {
      body.appendChild(el("h2", null, "Where this comes from"));
      var ul = el("ul");
      n.sources.forEach(function (s) { var li = el("li"); li.appendChild(link(s)); ul.appendChild(li); });
      body.appendChild(ul);
    }
    var rel = el("ul");
    (edgesOf[id] || []).forEach(function (i) {
      var e = DATA.edges[i];
      var other = e.from === id ? e.to : e.from;
      var li = el("li");
      li.appendChild(el("span", null, e.from === id ? edgeLabel(e) + " \u2192 " : "\u2190 " + edgeLabel(e) + ": "));
      li.appendChild(jump(other, byId[other] ? byId[other].label : other));
      rel.appendChild(li);
    });
    if (rel.childNodes.length) { body.appendChild(el("h2", null, "Links")); body.appendChild(rel); }
    var connect = el("button", "linkish", "How is this connected to \u2026?");
    connect.type = "button";
    connect.addEventListener("click", function () { pathEnds[0].set(id); pathEnds[1].input.focus(); });
    body.appendChild(connect);
    panel.classList.add("open");
    drawTimeline();
  }
  function closePanel() {
    openId = null;
    panel.classList.remove("open");
    network.clear();
    drawTimeline();
  }
  document.getElementById("panel-close").addEventListener("click", closePanel);

  function choose(id) {
    if (!byId[id]) return;
    if (!network.visible(id)) resetFilters();
    showPanel(id);
    network.select(id);
  }

  // -- search: case, accents and word order do not matter; acronyms and other names count -------
  function words(text) { return fold(text).split(/[^0-9a-z\u00c0-\u024f]+/).filter(Boolean); }
  function find(text, limit) {
    var query = words(text);
    if (!query.length) return [];
    var scored = [];
    DATA.nodes.forEach(function (n) {
      var best = 0;
      (n.search || fold(n.label)).split("\n").forEach(function (line) {
        var tokens = words(line), score = 0;
        for (var i = 0; i < query.length; i++) {
          var w = query[i], hit = 0;
          for (var j = 0; j < tokens.length && hit < 3; j++) {
            var t = tokens[j];
            if (t === w) hit = 3; else if (t.indexOf(w) === 0) hit = Math.max(hit, 2);
            else if (w.length >= 3 && t.indexOf(w) > 0) hit = Math.max(hit, 1);
          }
          if (!hit) return;
          score += hit;
        }
        // every word of the name given, in any order: the best kind of match
        if (tokens.length === query.length && score === 3 * query.length) score += 10;
        score -= tokens.length / 100;
        best = Math.max(best, score);
      });
      if (best > 0) scored.push([best, n]);
    });
    scored.sort(function (a, b) {
      return b[0] - a[0] || b[1].degree - a[1].degree || (a[1].label < b[1].label ? -1 : 1);
    });
    return scored.slice(0, limit || 15).map(function (s) { return s[1]; });
  }
  function finder(input, results, pick) {
    function show() {
      results.textContent = "";
      var q = input.value;
      if (!q.trim()) return;
      var found = find(q);
      if (!found.length) {
        results.appendChild(el("div", "none", "No matches for \u201c" + q.trim() + "\u201d. Try fewer letters or another name."));
        return;
      }
      found.forEach(function (n) {
        var b = el("button");
        b.type = "button";
        b.setAttribute("role", "option");
        b.appendChild(el("span", null, n.label));
        b.appendChild(el("span", "kind", n.typeLabel + (n.year ? ", " + n.year : "")));
        b.addEventListener("click", function () { results.textContent = ""; pick(n); });
        results.appendChild(b);
      });
    }
    input.addEventListener("input", show);
    input.addEventListener("blur", function () { setTimeout(function () { results.textContent = ""; }, 250); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { var m = find(input.value); if (m.length) { results.textContent = ""; pick(m[0]); } }
      if (ev.key === "Escape") results.textContent = "";
    });
  }
  var search = document.getElementById("search");
  finder(search, document.getElementById("search-results"), function (n) { choose(n.id); });

  // -- how are these connected? ----------------------------------------------------------------
  var pathMessage = document.getElementById("path-message");
  var pathEnds = ["path-from", "path-to"].map(function (name) {
    var end = { id: null, input: document.getElementById(name) };
    end.set = function (id) { end.id = id; end.input.value = byId[id].label; };
    finder(end.input, document.getElementById(name + "-results"), function (n) { end.set(n.id); });
    end.input.addEventListener("input", function () { end.id = null; });
    return end;
  });
  function resolveEnd(end) {
    if (end.id) return end.id;
    var m = find(end.input.value, 1);
    if (m.length) { end.set(m[0].id); return m[0].id; }
    return null;
  }
  function connect(a, b) {
    pathMessage.textContent = "";
    if (!a || !b) { pathMessage.textContent = "Pick two entities first: type a name and choose from the list."; return []; }
    if (a === b) { pathMessage.textContent = "Pick two different entities."; return []; }
    var chains = network.shortestPaths(a, b, 25);
    if (!chains.length) {
      pathMessage.textContent = "No chain of links connects \u201c" + byId[a].label + "\u201d and \u201c" +
        byId[b].label + "\u201d" + " in what the map shows now. Tick more types or kinds of link.";
      return [];
    }
    var nodes = {}, keys = {};
    chains.forEach(function (c) {
      c.forEach(function (step) {
        nodes[step.from] = nodes[step.to] = true;
        step.edges.forEach(function (k) { keys[k] = true; });
      });
    });
    openId = null;
    body.textContent = "";
    body.appendChild(el("h3", null, "How they are connected"));
    body.appendChild(el("div", "type", byId[a].label + " \u2194 " + byId[b].label));
    body.appendChild(el("p", null, plural(chains.length, "shortest chain", "shortest chains") + " of " +
      plural(chains[0].length, "step", "steps") + (chains.length >= 25 ? " (the first 25)" : "") + "."));
    var ol = el("ol", "chains");
    chains.forEach(function (c) {
      var li = el("li");
      li.appendChild(jump(a, byId[a].label));
      c.forEach(function (step) {
        var words = step.edges.map(function (k) {
          var e = DATA.edges[network.edgeIndex(k)];
          return e.from === step.from ? edgeLabel(e) + " \u2192" : "\u2190 " + edgeLabel(e);
        });
        li.appendChild(el("span", "step", " " + words.join(" / ") + " "));
        li.appendChild(jump(step.to, byId[step.to].label));
      });
      ol.appendChild(li);
    });
    body.appendChild(ol);
    panel.classList.add("open");
    network.highlight(Object.keys(nodes), Object.keys(keys));
    pathMessage.textContent = plural(chains.length, "chain", "chains") + " shown on the map and in the panel.";
    return chains;
  }
  document.getElementById("path-go").addEventListener("click", function () {
    connect(resolveEnd(pathEnds[0]), resolveEnd(pathEnds[1]));
  });

  // -- map buttons -----------------------------------------------------------------------------
  document.getElementById("fit-all").addEventListener("click", function () { network.fit(); });
  document.getElementById("zoom-in").addEventListener("click", function () { network.zoom(1.5); });
  document.getElementById("zoom-out").addEventListener("click", function () { network.zoom(1 / 1.5); });

  // -- most connected --------------------------------------------------------------------------
  var top = document.getElementById("top");
  DATA.top.forEach(function (id) {
    var n = byId[id], li = el("li");
    li.appendChild(jump(id, n.short || n.label));
    li.appendChild(el("span", "count", plural(n.degree, "link", "links")));
    top.appendChild(li);
  });

  // -- timeline: every dated entity, or a count of those without room ---------------------------
  var strip = document.getElementById("timeline");
  var dated = DATA.nodes.filter(function (n) { return typeof n.year === "number"; });
  dated.sort(function (a, b) { return (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || (a.id < b.id ? -1 : 1); });
  var MAXDOTS = 800, SIZES = [9, 8, 7, 6, 5];
  var perYearCount = {};
  dated.forEach(function (n) { perYearCount[n.year] = (perYearCount[n.year] || 0) + 1; });
  var busiest = Math.max.apply(null, [0].concat(Object.keys(perYearCount).map(function (y) { return perYearCount[y]; })));
  var timelineShown = 0, timelineDot = SIZES[0];
  function drawTimeline() {
    strip.textContent = "";
    var title = el("div", "label");
    strip.appendChild(title);
    if (!dated.length) { title.textContent = "Timeline: nothing on this map has a date."; return; }
    strip.appendChild(el("div", "axis"));
    var lo = DATA.meta.minYear, hi = DATA.meta.maxYear;
    if (hi === lo) { lo -= 1; hi += 1; }
    var w = Math.max(strip.clientWidth - 48, 100);
    function xOf(y) { return 24 + (y - lo) / (hi - lo) * w; }
    var step = Math.max(1, Math.ceil((hi - lo) / 12));
    for (var y = lo; y <= hi; y += step) {
      var t = el("div", "tick", y); t.style.left = xOf(y) + "px"; strip.appendChild(t);
    }
    // each year has a band as wide as the gap to the next; its dots are stacked in columns
    // inside it. The dots are as large as lets the busiest year fit (9 px down to 5 px); only
    // where even 5 px dots have no room are the least connected left out, and the strip says so.
    var band = w / (hi - lo + 1);
    var high = Math.max(strip.clientHeight - 22 - 18, 10);
    var DOT = SIZES[SIZES.length - 1], ROWS = 1, perYear = 1;
    for (var i = 0; i < SIZES.length; i++) {
      var sz = SIZES[i], rows = Math.max(1, Math.floor(high / sz)), cols = Math.max(1, Math.floor(band / sz));
      DOT = sz; ROWS = rows; perYear = rows * cols;
      if (perYear >= busiest) break;
    }
    timelineDot = DOT;
    var used = {}, left = 0, full = {};
    var byDegree = dated.slice().sort(function (a, b) { return b.degree - a.degree || (a.id < b.id ? -1 : 1); });
    var keep = {};
    var kept = 0;
    byDegree.forEach(function (n) {
      var c = used[n.year] || 0;
      if (c < perYear && kept < MAXDOTS) { used[n.year] = c + 1; keep[n.id] = true; kept++; }
      else full[n.year] = true;
    });
    var slot = {};
    dated.forEach(function (n) {
      if (!keep[n.id]) { left++; return; }
      var k = slot[n.year] = (slot[n.year] || 0) + 1;
      var col = Math.floor((k - 1) / ROWS), level = (k - 1) % ROWS;
      var cols = Math.ceil(used[n.year] / ROWS);
      var d = el("button", "dot" + (network.visible(n.id) ? "" : " dim") + (n.id === openId ? " on" : ""));
      d.type = "button";
      d.title = n.label + " (" + dates(n) + ")";
      d.setAttribute("aria-label", n.label + ", " + dates(n));
      d.style.left = (xOf(n.year) + (col - (cols - 1) / 2) * DOT) + "px";
      d.style.bottom = (22 + DOT * level) + "px";
      d.style.width = d.style.height = (DOT - 1) + "px";
      d.style.background = (groups[n.group] || { color: "#718096" }).color;
      d.addEventListener("click", function () { choose(n.id); });
      strip.appendChild(d);
    });
    timelineShown = dated.length - left;
    var years = Object.keys(full).sort();
    title.textContent = "Timeline: " + plural(dated.length, "dated entity", "dated entities") +
      (left ? ", " + left.toLocaleString("en-GB") + " not shown: no room left in " +
              (years.length > 4 ? years.length + " busy years" : years.join(", ")) +
              " (the most connected are shown). Use the Years filter to see them."
            : ", all shown. Click a dot.");
  }
  drawTimeline();
  window.addEventListener("resize", drawTimeline);

  window.sgraph = {
    data: DATA, choose: choose, find: find, close: closePanel,
    connect: function (a, b) { return connect(a, b); },
    timeline: function () { return { dated: dated.length, shown: timelineShown, dot: timelineDot }; },
    state: state
  };
  window.sgraphChoose = choose;
  window.sgraphTiming = { script: T0 };
  function ready() {
    network.relabel();  // with the page laid out in full (the map may have changed size)
    window.sgraphTiming.drawn = performance.now();
    window.sgraphReady = true;
  }
  if (network.frames > 0) requestAnimationFrame(ready);
  else network.sigma.once("afterRender", function () { requestAnimationFrame(ready); });
})();
