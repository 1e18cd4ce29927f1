// sgraph query page. Everything from the server or the data is inserted as text
// (textContent / createElement), never as HTML. Requests go to this server only.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const DATE_TYPES = new Set([XSD + "date", XSD + "dateTime", XSD + "gYear", XSD + "gYearMonth"]);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const state = { library: {}, last: null, sort: { col: null, dir: 1 } };

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function setStatus(text) { $("status").textContent = text; }

  // ---- named queries ------------------------------------------------------------------
  async function loadLibrary() {
    try {
      const res = await fetch("/api/queries", { headers: { Accept: "application/json" } });
      const list = await res.json();
      if (!res.ok) { showError(list); return; }
      const select = $("named");
      for (const q of list) {
        state.library[q.name] = q;
        const opt = el("option", q.summary ? q.name + " \u2014 " + q.summary : q.name);
        opt.value = q.name;
        select.appendChild(opt);
      }
    } catch (err) {
      showError({ message: "could not load the named queries: " + err });
    }
  }

  function chooseNamed() {
    const q = state.library[$("named").value];
    const form = $("params");
    form.replaceChildren();
    $("description").textContent = q ? (q.description || q.summary || "") : "";
    if (!q) return;
    $("editor").value = q.query;
    for (const p of q.parameters) {
      const id = "param-" + p.name;
      const label = el("label");
      label.htmlFor = id;
      label.appendChild(document.createTextNode(p.name + (p.required ? " *" : "") + " "));
      label.appendChild(el("span", "(" + p.type + ")", "type"));
      const input = el("input");
      input.id = id;
      input.name = p.name;
      input.type = p.type === "date" ? "date" : "text";
      input.required = !!p.required;
      if (p.default !== null && p.default !== undefined) input.value = p.default;
      input.placeholder = p.type === "iri" ? "IRI or prefixed name, e.g. sgper:annie-hudson" : p.type;
      input.dataset.param = p.name;
      form.append(label, input);
    }
  }

  // ---- running ---------------------------------------------------------------------------
  function currentRequest(accept) {
    const name = $("named").value;
    const q = state.library[name];
    const text = $("editor").value;
    const headers = { Accept: accept };
    if (q && text === q.query) {
      const params = new URLSearchParams();
      for (const input of $("params").querySelectorAll("input[data-param]")) {
        if (input.value.trim() !== "") params.append(input.dataset.param, input.value.trim());
      }
      const qs = params.toString();
      return { url: "/api/queries/" + encodeURIComponent(name) + (qs ? "?" + qs : ""), init: { headers } };
    }
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    return {
      url: "/sparql",
      init: { method: "POST", headers, body: new URLSearchParams({ query: text }).toString() },
    };
  }

  async function run() {
    clearOutput();
    setStatus("running\u2026");
    $("run").disabled = true;
    const started = performance.now();
    try {
      const req = currentRequest("application/sparql-results+json, text/turtle;q=0.9");
      const res = await fetch(req.url, req.init);
      const ms = Math.round(performance.now() - started);
      const type = (res.headers.get("Content-Type") || "").split(";")[0].trim();
      const body = await res.text();
      if (!res.ok) {
        let err;
        try { err = JSON.parse(body); } catch (e) { err = { message: body || res.statusText }; }
        showError(err, res.status);
        setStatus("failed after " + ms + " ms");
        return;
      }
      const truncated = res.headers.get("X-Sgraph-Truncated") === "true";
      state.last = { body, type, truncated };
      if (truncated) {
        const box = $("truncated");
        box.textContent = "The result was cut at " + (res.headers.get("X-Sgraph-Max-Rows") || "the maximum number of") +
          " rows (the server's row cap). Add a LIMIT or make the query more selective.";
        box.hidden = false;
      }
      if (type === "application/sparql-results+json") {
        const doc = JSON.parse(body);
        if ("boolean" in doc) {
          showBoolean(doc.boolean);
          setStatus("ASK answered in " + ms + " ms");
        } else {
          showTable(doc.head.vars, doc.results.bindings);
          showTimeline(doc.head.vars, doc.results.bindings);
          setStatus(doc.results.bindings.length + " row" + (doc.results.bindings.length === 1 ? "" : "s") + " in " + ms + " ms");
          $("download-csv").disabled = false;
        }
        $("download-json").disabled = false;
      } else {
        const pre = $("graph");
        pre.textContent = body;
        pre.hidden = false;
        setStatus("graph (" + type + ") in " + ms + " ms");
      }
    } catch (err) {
      showError({ message: "request failed: " + err });
      setStatus("");
    } finally {
      $("run").disabled = false;
    }
  }

  function clearOutput() {
    for (const id of ["error", "truncated", "timeline", "results", "graph"]) $(id).hidden = true;
    $("results").tHead.replaceChildren();
    $("results").tBodies[0].replaceChildren();
    $("timeline").replaceChildren();
    $("graph").textContent = "";
    $("download-csv").disabled = true;
    $("download-json").disabled = true;
    state.last = null;
    state.sort = { col: null, dir: 1 };
  }

  function showError(err, status) {
    const box = $("error");
    box.replaceChildren();
    const head = el("strong", (status || err.status || "") + " " + (err.error || "Error"));
    box.append(head, document.createTextNode(": " + (err.message || "")));
    if (err.hint) box.append(el("div", "Hint: " + err.hint));
    box.hidden = false;
  }

  function showBoolean(value) {
    state.rows = [];
    const table = $("results");
    const tr = el("tr");
    tr.appendChild(el("th", "boolean"));
    table.tHead.appendChild(tr);
    const row = el("tr");
    row.appendChild(el("td", String(value)));
    table.tBodies[0].appendChild(row);
    table.hidden = false;
  }

  // ---- table ----------------------------------------------------------------------------
  function cell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri" && /^https?:\/\//.test(term.value)) {
      const a = el("a", term.value);
      a.href = term.value;
      a.rel = "noopener noreferrer";
      td.appendChild(a);
    } else {
      td.appendChild(document.createTextNode(term.value));
      if (term["xml:lang"]) td.appendChild(el("span", " @" + term["xml:lang"], "dt"));
      else if (term.datatype && term.datatype.startsWith(XSD) && term.datatype !== XSD + "string") {
        td.appendChild(el("span", " " + term.datatype.slice(XSD.length), "dt"));
      }
    }
    return td;
  }

  function sortKey(term) {
    if (!term) return [2, ""];
    const n = Number(term.value);
    if (term.type === "literal" && term.datatype && !Number.isNaN(n) && /(integer|decimal|double|float|int|long)$/i.test(term.datatype)) return [0, n];
    return [1, term.value];
  }

  function showTable(vars, bindings) {
    state.vars = vars;
    state.rows = bindings.slice();
    const table = $("results");
    const tr = el("tr");
    vars.forEach((v, i) => {
      const th = el("th", v);
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      th.addEventListener("click", () => sortBy(i));
      th.addEventListener("keydown", (e) => { if (e.key === "Enter") sortBy(i); });
      tr.appendChild(th);
    });
    table.tHead.appendChild(tr);
    renderRows();
    table.hidden = false;
  }

  function renderRows() {
    const body = $("results").tBodies[0];
    const frag = document.createDocumentFragment();
    for (const b of state.rows) {
      const tr = el("tr");
      for (const v of state.vars) tr.appendChild(cell(b[v]));
      frag.appendChild(tr);
    }
    body.replaceChildren(frag);
  }

  function sortBy(i) {
    const v = state.vars[i];
    state.sort.dir = state.sort.col === i ? -state.sort.dir : 1;
    state.sort.col = i;
    const dir = state.sort.dir;
    state.rows.sort((a, b) => {
      const ka = sortKey(a[v]), kb = sortKey(b[v]);
      if (ka[0] !== kb[0]) return ka[0] - kb[0];
      if (ka[1] < kb[1]) return -dir;
      if (ka[1] > kb[1]) return dir;
      return 0;
    });
    const ths = $("results").tHead.querySelectorAll("th");
    ths.forEach((th, j) => th.setAttribute("aria-sort", j === i ? (dir === 1 ? "ascending" : "descending") : "none"));
    renderRows();
  }

  // ---- timeline -------------------------------------------------------------------------
  function toTime(term) {
    if (!term || term.type !== "literal" || !DATE_TYPES.has(term.datatype)) return null;
    const m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(term.value);
    if (!m) return null;
    return Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
  }

  function showTimeline(vars, bindings) {
    const dateVars = vars.filter((v) => bindings.some((b) => toTime(b[v]) !== null));
    if (dateVars.length === 0) return;
    const labelVar = vars.find((v) => !dateVars.includes(v) && bindings.some((b) => b[v] && b[v].type === "literal")) ||
      vars.find((v) => !dateVars.includes(v));
    const points = [];
    for (const b of bindings) {
      for (const v of dateVars) {
        const t = toTime(b[v]);
        if (t !== null) points.push({ t, text: b[v].value, label: labelVar && b[labelVar] ? b[labelVar].value : "", v });
      }
    }
    points.sort((a, b) => a.t - b.t);
    const shown = points.slice(0, 200);
    const width = Math.max(600, $("output").clientWidth || 900);
    const rowH = 16, top = 28, left = 40, right = 40;
    const height = top + 14 + rowH * Math.min(shown.length, 40);
    const chart = $("timeline");
    chart.setAttribute("viewBox", "0 0 " + width + " " + height);
    chart.setAttribute("height", String(height));
    const t0 = shown[0].t, t1 = shown[shown.length - 1].t;
    const span = Math.max(t1 - t0, 1);
    const x = (t) => left + (width - left - right) * (t - t0) / span;
    chart.appendChild(svg("line", { x1: left, y1: top, x2: width - right, y2: top, class: "axis" }));
    const y0 = new Date(t0).getUTCFullYear(), y1 = new Date(t1).getUTCFullYear();
    const step = Math.max(1, Math.ceil((y1 - y0 + 1) / 12));
    for (let y = y0; y <= y1 + 1; y += step) {
      const t = Date.UTC(y, 0, 1);
      if (t < t0 - 1 || t > t1 + 1) continue;
      chart.appendChild(svg("line", { x1: x(t), y1: top - 4, x2: x(t), y2: top + 4, class: "axis" }));
      chart.appendChild(svg("text", { x: x(t), y: top - 10, "text-anchor": "middle", class: "tick" }, y));
    }
    shown.forEach((p, i) => {
      const y = top + 14 + rowH * (i % 40);
      const dot = svg("circle", { cx: x(p.t), cy: y - 4, r: 4, class: "dot" });
      dot.appendChild(svg("title", {}, p.text + (p.label ? " \u2014 " + p.label : "")));
      chart.appendChild(dot);
      const anchor = x(p.t) > width / 2 ? "end" : "start";
      const dx = anchor === "end" ? -8 : 8;
      chart.appendChild(svg("text", { x: x(p.t) + dx, y: y, "text-anchor": anchor, class: "label" },
        p.text + (p.label ? "  " + p.label : "")));
    });
    chart.hidden = false;
  }

  // ---- downloads ------------------------------------------------------------------------
  function save(blob, filename) {
    const url = URL.createObjectURL(blob);
    const a = el("a");
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  async function download(kind) {
    const base = ($("named").value || "query").replace(/[^A-Za-z0-9_-]/g, "_");
    if (kind === "json" && state.last) {
      save(new Blob([state.last.body], { type: "application/sparql-results+json" }), base + ".json");
      return;
    }
    const req = currentRequest("text/csv");
    const res = await fetch(req.url, req.init);
    const body = await res.text();
    if (!res.ok) {
      try { showError(JSON.parse(body), res.status); } catch (e) { showError({ message: body }, res.status); }
      return;
    }
    save(new Blob([body], { type: "text/csv" }), base + ".csv");
  }

  // ---- wiring ---------------------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", () => {
    $("named").addEventListener("change", chooseNamed);
    $("run").addEventListener("click", run);
    $("download-csv").addEventListener("click", () => download("csv"));
    $("download-json").addEventListener("click", () => download("json"));
    $("editor").addEventListener("keydown", (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); run(); }
    });
    loadLibrary();
  });
})();
