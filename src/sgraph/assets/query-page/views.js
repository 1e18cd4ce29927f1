/* The result views of the query page, chosen by the result's columns with the Wikidata Query
 * Service's conventions: Table (always), Graph (?x with ?y: ?x ?xLabel ?y ?yLabel ?edgeLabel),
 * Timeline (a date column), BarChart (a label column and a number column).
 *
 * Every string from the data is put into the DOM as text (textContent, createElement) and
 * only http(s) and local links are made clickable.
 */
(function () {
  "use strict";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var DATE_TYPES = [XSD + "date", XSD + "dateTime", XSD + "gYear", XSD + "gYearMonth"];
  var NUMBER_TYPES = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsignedInt|unsignedLong)$/;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var VIEWS = ["Table", "Graph", "Timeline", "BarChart"];
  var NAMES = { Table: "Table", Graph: "Graph", Timeline: "Timeline", BarChart: "Bar chart" };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function safeUrl(u) {
    if (typeof u !== "string") return null;
    if (/^https?:\/\//i.test(u)) return u;
    if (/^\/(?!\/)/.test(u)) return u;
    return null;
  }
  function short(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }

  function isDate(t) { return !!t && t.type === "literal" && DATE_TYPES.indexOf(t.datatype) >= 0; }
  function isNumber(t) { return !!t && t.type === "literal" && NUMBER_TYPES.test(t.datatype || "") && !isNaN(Number(t.value)); }
  function isText(t) { return !!t && t.type === "literal" && !isDate(t) && !isNumber(t); }

  // -- which views fit ------------------------------------------------------------------------
  function columns(vars, rows) {
    function some(v, f) { return rows.some(function (b) { return f(b[v]); }); }
    var dates = vars.filter(function (v) { return some(v, isDate); });
    var numbers = vars.filter(function (v) { return some(v, isNumber) && !some(v, function (t) { return t && !isNumber(t); }); });
    var texts = vars.filter(function (v) { return some(v, isText); });
    var iris = vars.filter(function (v) { return some(v, function (t) { return t && t.type === "uri"; }); });
    return { dates: dates, numbers: numbers, texts: texts, iris: iris };
  }

  function available(vars, rows) {
    var c = columns(vars, rows);
    var out = { Table: true, Graph: false, Timeline: false, BarChart: false };
    var why = {};
    out.Graph = vars.indexOf("x") >= 0 && vars.indexOf("y") >= 0 &&
      rows.some(function (b) { return b.x && b.y; });
    if (!out.Graph) why.Graph = "needs ?x and ?y columns (with ?xLabel, ?yLabel, ?edgeLabel)";
    out.Timeline = c.dates.length > 0;
    if (!out.Timeline) why.Timeline = "needs a column of dates";
    out.BarChart = c.numbers.length > 0 && (c.texts.length > 0 || c.iris.length > 0 || c.dates.length > 0);
    if (!out.BarChart) why.BarChart = "needs a number column and a label column";
    return { ok: out, why: why, columns: c };
  }

  /** The view the query asks for: a #defaultView: comment, else the named query's view. */
  function requested(text, named) {
    var m = /^\s*#\s*defaultView\s*:\s*([A-Za-z]+)/m.exec(text || "");
    var name = m ? m[1] : named;
    if (!name) return null;
    var found = VIEWS.find(function (v) { return v.toLowerCase() === String(name).toLowerCase(); });
    return found || null;
  }

  // -- cells ----------------------------------------------------------------------------------
  function iriLink(value, ctx) {
    var info = ctx.labels[value];
    var text = info && info.label ? info.label : ctx.shorten(value);
    var href = info && info.href ? info.href : ctx.local(value);
    var external = false;
    if (!href && /^https?:\/\//i.test(value)) { href = value; external = true; }
    var safe = safeUrl(href);
    if (!safe) return el("span", text);
    var a = el("a", text);
    a.href = safe;
    a.title = value;
    if (external) { a.rel = "noopener noreferrer"; a.className = "external"; }
    return a;
  }

  function cell(term, ctx) {
    var td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      td.appendChild(iriLink(term.value, ctx));
    } else if (term.type === "bnode") {
      td.appendChild(el("code", "_:" + term.value));
    } else {
      td.appendChild(document.createTextNode(term.value));
      if (term["xml:lang"]) td.appendChild(el("span", " @" + term["xml:lang"], "dt"));
      else if (term.datatype && term.datatype.indexOf(XSD) === 0 && term.datatype !== XSD + "string") {
        td.appendChild(el("span", " " + term.datatype.slice(XSD.length), "dt"));
      }
    }
    return td;
  }

  function sortKey(term, ctx) {
    if (!term) return [3, ""];
    if (isNumber(term)) return [0, Number(term.value)];
    if (term.type === "uri") {
      var info = ctx.labels[term.value];
      return [1, (info && info.label ? info.label : ctx.shorten(term.value)).toLowerCase()];
    }
    return [2, String(term.value).toLowerCase()];
  }

  // -- table: sortable, paged ----------------------------------------------------------------
  function Table(elements) {
    this.el = elements;
    this.vars = [];
    this.rows = [];
    this.page = 0;
    this.sort = { col: null, dir: 1 };
    var self = this;
    elements.prev.addEventListener("click", function () { self.go(self.page - 1); });
    elements.next.addEventListener("click", function () { self.go(self.page + 1); });
    elements.size.addEventListener("change", function () { self.go(0); });
  }
  Table.prototype.show = function (vars, rows, ctx) {
    this.vars = vars; this.rows = rows.slice(); this.ctx = ctx; this.page = 0;
    this.sort = { col: null, dir: 1 };
    var self = this;
    var tr = el("tr");
    vars.forEach(function (v, i) {
      var th = el("th", v);
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      th.title = "Sort by " + v;
      th.addEventListener("click", function () { self.sortBy(i); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") self.sortBy(i); });
      tr.appendChild(th);
    });
    this.el.table.tHead.replaceChildren(tr);
    this.render();
  };
  Table.prototype.pageSize = function () { return Number(this.el.size.value) || 50; };
  Table.prototype.go = function (page) {
    var last = Math.max(0, Math.ceil(this.rows.length / this.pageSize()) - 1);
    this.page = Math.max(0, Math.min(page, last));
    this.render();
  };
  Table.prototype.render = function () {
    var size = this.pageSize();
    var start = this.page * size;
    var shown = this.rows.slice(start, start + size);
    var frag = document.createDocumentFragment();
    var self = this;
    shown.forEach(function (b) {
      var tr = el("tr");
      self.vars.forEach(function (v) { tr.appendChild(cell(b[v], self.ctx)); });
      frag.appendChild(tr);
    });
    this.el.table.tBodies[0].replaceChildren(frag);
    var n = this.rows.length;
    this.el.range.textContent = n ? (start + 1) + "\u2013" + (start + shown.length) + " of " + n + " row" + (n === 1 ? "" : "s") : "no rows";
    this.el.prev.disabled = this.page === 0;
    this.el.next.disabled = start + size >= n;
  };
  Table.prototype.sortBy = function (i) {
    var v = this.vars[i];
    this.sort.dir = this.sort.col === i ? -this.sort.dir : 1;
    this.sort.col = i;
    var dir = this.sort.dir, ctx = this.ctx;
    this.rows.sort(function (a, b) {
      var ka = sortKey(a[v], ctx), kb = sortKey(b[v], ctx);
      if (ka[0] !== kb[0]) return ka[0] - kb[0];
      if (ka[1] < kb[1]) return -dir;
      if (ka[1] > kb[1]) return dir;
      return 0;
    });
    this.el.table.tHead.querySelectorAll("th").forEach(function (th, j) {
      th.setAttribute("aria-sort", j === i ? (dir === 1 ? "ascending" : "descending") : "none");
    });
    this.page = 0;
    this.render();
  };

  // -- labels for dates and bars ---------------------------------------------------------------
  function labelColumn(vars, rows, avoid, prefer) {
    var c = columns(vars, rows);
    if (vars.indexOf("label") >= 0 && avoid.indexOf("label") < 0) return "label";
    var own = prefer && vars.indexOf(prefer + "Label") >= 0 ? prefer + "Label" : null;
    if (own) return own;
    var labelled = vars.find(function (v) { return /Label$/.test(v) && avoid.indexOf(v) < 0 && c.texts.indexOf(v) >= 0; });
    if (labelled) return labelled;
    var texty = c.texts.find(function (v) { return avoid.indexOf(v) < 0 && /(title|name)$/i.test(v); });
    if (texty) return texty;
    var text = c.texts.find(function (v) { return avoid.indexOf(v) < 0; });
    if (text) return text;
    return c.iris.find(function (v) { return avoid.indexOf(v) < 0; }) || null;
  }
  function textOf(term, ctx) {
    if (!term) return "";
    if (term.type === "uri") {
      var info = ctx.labels[term.value];
      return info && info.label ? info.label : ctx.shorten(term.value);
    }
    return term.value;
  }

  function toTime(term) {
    if (!isDate(term)) return null;
    var m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(term.value);
    if (!m) return null;
    return Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
  }

  var MAX_POINTS = 400;
  function timeline(chart, vars, rows, ctx) {
    var c = columns(vars, rows);
    var points = [];
    c.dates.forEach(function (dv) {
      var lv = labelColumn(vars, rows, c.dates, dv.replace(/(Date|date)$/, ""));
      // a short text column besides the label (what happened: "issued", "starts") is added to it
      var ev = c.texts.find(function (v) {
        return v !== lv && rows.every(function (b) { return !b[v] || String(b[v].value).length <= 24; });
      });
      rows.forEach(function (b) {
        var t = toTime(b[dv]);
        if (t === null) return;
        var linkVar = lv && lv.replace(/Label$/, "");
        var target = b[linkVar] && b[linkVar].type === "uri" ? b[linkVar].value : null;
        if (!target) { var iv = c.iris.find(function (v) { return b[v]; }); target = iv ? b[iv].value : null; }
        var text = textOf(lv ? b[lv] : null, ctx);
        if (ev && b[ev]) text = text ? text + " (" + b[ev].value + ")" : b[ev].value;
        points.push({ t: t, date: b[dv].value, label: text, href: target });
      });
    });
    points.sort(function (a, b) { return a.t - b.t || (a.label < b.label ? -1 : 1); });
    var shown = points.slice(0, MAX_POINTS);
    var width = Math.max(640, chart.parentNode.clientWidth || 900);
    var rowH = 19, top = 30, left = 16, right = 16;
    var height = top + 12 + rowH * shown.length;
    chart.replaceChildren();
    chart.setAttribute("viewBox", "0 0 " + width + " " + height);
    chart.setAttribute("width", String(width));
    chart.setAttribute("height", String(height));
    var t0 = shown[0].t, t1 = shown[shown.length - 1].t;
    var span = Math.max(t1 - t0, 1);
    function x(t) { return left + 90 + (width - left - right - 90 - 260) * (t - t0) / span; }
    chart.appendChild(svg("line", { x1: x(t0), y1: top, x2: x(t1), y2: top, "class": "axis" }));
    var y0 = new Date(t0).getUTCFullYear(), y1 = new Date(t1).getUTCFullYear();
    var step = Math.max(1, Math.ceil((y1 - y0 + 1) / 14));
    for (var y = y0; y <= y1 + 1; y += step) {
      var t = Date.UTC(y, 0, 1);
      if (t < t0 || t > t1 + 1) continue;
      chart.appendChild(svg("line", { x1: x(t), y1: top - 4, x2: x(t), y2: height, "class": "grid" }));
      chart.appendChild(svg("text", { x: x(t), y: top - 10, "text-anchor": "middle", "class": "tick" }, y));
    }
    shown.forEach(function (p, i) {
      var yy = top + 16 + rowH * i;
      var g = svg("g", { "class": "point" });
      g.appendChild(svg("text", { x: left, y: yy + 4, "class": "date" }, p.date));
      var dot = svg("circle", { cx: x(p.t), cy: yy, r: 4.5, "class": "dot" });
      dot.appendChild(svg("title", {}, p.date + (p.label ? " \u2014 " + p.label : "")));
      g.appendChild(dot);
      var label = svg("text", { x: x(p.t) + 9, y: yy + 4, "class": "label" }, short(p.label, 90));
      var href = p.href ? safeUrl(ctx.labels[p.href] && ctx.labels[p.href].href ? ctx.labels[p.href].href : ctx.local(p.href)) : null;
      if (href) {
        var a = svg("a", { href: href });
        a.appendChild(label);
        g.appendChild(a);
      } else {
        g.appendChild(label);
      }
      chart.appendChild(g);
    });
    return points.length > MAX_POINTS ? "The first " + MAX_POINTS + " of " + points.length + " dates are drawn." : "";
  }

  var MAX_BARS = 200;
  function barchart(chart, vars, rows, ctx) {
    var c = columns(vars, rows);
    var nv = c.numbers[0];
    var lv = labelColumn(vars, rows, c.numbers, nv) || c.dates[0];
    var bars = rows.filter(function (b) { return isNumber(b[nv]); }).slice(0, MAX_BARS).map(function (b) {
      return { value: Number(b[nv].value), label: textOf(b[lv], ctx) };
    });
    var max = Math.max.apply(null, bars.map(function (b) { return Math.abs(b.value); }).concat([1]));
    var width = Math.max(640, chart.parentNode.clientWidth || 900);
    var labelW = Math.min(340, Math.max(80, 7 * Math.max.apply(null, bars.map(function (b) { return short(b.label, 48).length; }).concat([4]))));
    var barH = 22, top = 28, right = 70;
    var height = top + barH * bars.length + 10;
    chart.replaceChildren();
    chart.setAttribute("viewBox", "0 0 " + width + " " + height);
    chart.setAttribute("width", String(width));
    chart.setAttribute("height", String(height));
    chart.appendChild(svg("text", { x: labelW + 8, y: 16, "class": "tick" }, nv + (lv ? " by " + lv : "")));
    var scale = (width - labelW - right - 12) / max;
    bars.forEach(function (b, i) {
      var y = top + i * barH;
      var g = svg("g", { "class": "bar" });
      g.appendChild(svg("text", { x: labelW, y: y + 15, "text-anchor": "end", "class": "label" }, short(b.label, 48)));
      var rect = svg("rect", { x: labelW + 8, y: y + 3, width: Math.max(1, Math.abs(b.value) * scale), height: barH - 7, "class": "fill" });
      rect.appendChild(svg("title", {}, b.label + ": " + b.value));
      g.appendChild(rect);
      g.appendChild(svg("text", { x: labelW + 14 + Math.abs(b.value) * scale, y: y + 15, "class": "value" }, b.value));
      chart.appendChild(g);
    });
    var rest = rows.length - bars.length;
    return rest > 0 ? "The first " + MAX_BARS + " bars are drawn (" + rows.length + " rows)." : "";
  }

  window.sgraphViews = {
    VIEWS: VIEWS, NAMES: NAMES, available: available, requested: requested, Table: Table,
    timeline: timeline, barchart: barchart, el: el, safeUrl: safeUrl,
  };
})();
