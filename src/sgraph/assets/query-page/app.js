/* sgraph query page (/sparql for browsers). Its state is the URL, so every page is a
 * permalink: ?query=TEXT (a query of your own) or ?_named=NAME&param=value (a ready-made query
 * with its parameters), and &_view=Table|Graph|Timeline|BarChart. Opening such a link fills the
 * editor and runs the query.
 *
 * Everything from the server or the data is put into the page as text (textContent,
 * createElement), never as HTML. Requests go to this server only.
 */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var V = window.sgraphViews;
  var el = V.el;
  var CONFIG = JSON.parse($("sgraph-config").textContent);
  var DEFAULT_QUERY = [
    "#defaultView:Table",
    "SELECT ?publication ?title ?issued",
    "WHERE {",
    "  ?publication a sg:Publication ;",
    "               dcterms:title ?title .",
    "  OPTIONAL { ?publication dcterms:issued ?issued }",
    "}",
    "ORDER BY DESC(STR(?issued))",
    "LIMIT 100",
  ].join("\n");
  var state = { library: {}, last: null, view: null, result: null, graph: null, labels: {},
                runs: 0 };
  var nonce = document.querySelector("script[nonce]") ? document.querySelector("script[nonce]").nonce : "";
  var editor;
  var table;

  function setStatus(text) { $("status").textContent = text; }
  function shorten(iri) {
    var best = null;
    Object.keys(CONFIG.prefixes).forEach(function (p) {
      var ns = CONFIG.prefixes[p];
      if (iri.indexOf(ns) === 0 && /^[A-Za-z0-9_-]*$/.test(iri.slice(ns.length)) &&
          (!best || ns.length > best[1].length)) best = [p, ns];
    });
    return best ? best[0] + ":" + iri.slice(best[1].length) : iri;
  }
  function local(iri) {
    return iri.indexOf(CONFIG.base) === 0 ? "/" + iri.slice(CONFIG.base.length) : null;
  }
  function ctx() { return { labels: state.labels, shorten: shorten, local: local }; }

  // ---- named queries and their parameters ---------------------------------------------------
  function fillLibrary() {
    var select = $("named");
    CONFIG.queries.forEach(function (q) {
      state.library[q.name] = q;
      var opt = el("option", q.summary ? q.name + " \u2014 " + q.summary : q.name);
      opt.value = q.name;
      select.appendChild(opt);
    });
  }

  function current() { return state.library[$("named").value] || null; }

  function showNamed(q, values) {
    var form = $("params");
    form.replaceChildren();
    $("description").textContent = q ? (q.description || q.summary || "") : "";
    if (!q) return;
    editor.set(q.query);
    q.parameters.forEach(function (p) {
      var id = "param-" + p.name;
      var label = el("label");
      label.htmlFor = id;
      label.appendChild(document.createTextNode(p.name + (p.required ? " *" : "") + " "));
      label.appendChild(el("span", "(" + p.type + (p["class"] ? ", " + shorten(p["class"]) : "") + ")", "type"));
      var input = el("input");
      input.id = id;
      input.name = p.name;
      input.type = p.type === "date" ? "date" : "text";
      input.required = !!p.required;
      var given = values && values[p.name] !== undefined ? values[p.name] : null;
      if (given !== null) input.value = given;
      else if (p["default"] !== null && p["default"] !== undefined) input.value = p["default"];
      input.placeholder = p.type === "iri" ? "choose, or type a name or an IRI" : p.type;
      input.dataset.param = p.name;
      input.addEventListener("change", updateLink);
      form.append(label, input);
      if (p.type === "iri" && p["class"]) offerEntities(input, p);
    });
  }

  async function offerEntities(input, p) {
    var list = el("datalist");
    list.id = "values-" + p.name;
    input.setAttribute("list", list.id);
    input.after(list);
    try {
      var res = await fetch("/search?" + new URLSearchParams({ "class": p["class"], format: "json", size: "1000" }),
        { headers: { Accept: "application/json" } });
      if (!res.ok) return;
      var body = await res.json();
      body.items.forEach(function (it) {
        var opt = el("option");
        opt.value = it.short || it.iri;
        opt.label = it.label;
        list.appendChild(opt);
      });
      input.title = body.total + " to choose from";
    } catch (e) { /* the field still takes a typed IRI */ }
  }

  function paramValues() {
    var out = {};
    $("params").querySelectorAll("input[data-param]").forEach(function (input) {
      if (input.value.trim() !== "") out[input.dataset.param] = input.value.trim();
    });
    return out;
  }

  function isNamedRun() {
    var q = current();
    return q && editor.get() === q.query ? q : null;
  }

  // ---- the URL is the state ----------------------------------------------------------------
  function stateParams() {
    var params = new URLSearchParams();
    var q = isNamedRun();
    if (q) {
      params.append("_named", q.name);
      var values = paramValues();
      Object.keys(values).forEach(function (k) { params.append(k, values[k]); });
    } else {
      params.append("query", editor.get());
    }
    if (state.view) params.append("_view", state.view);
    return params;
  }
  function permalink() { return location.origin + "/sparql?" + stateParams().toString(); }
  function updateLink() {
    var link = permalink();
    $("permalink").value = link;
    history.replaceState(null, "", link.slice(location.origin.length));
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    var named = params.get("_named");
    var text = params.get("query");
    var values = {};
    params.forEach(function (v, k) { if (k.charAt(0) !== "_" && k !== "query") values[k] = v; });
    if (named && named in state.library) {
      if (params.get("query") !== null) values.query = params.get("query");
      return { named: named, values: values, view: params.get("_view"), run: true };
    }
    if (text !== null) return { text: text, view: params.get("_view"), run: true };
    return { text: DEFAULT_QUERY, view: params.get("_view"), run: false };
  }

  // ---- running -------------------------------------------------------------------------------
  function request(accept) {
    var q = isNamedRun();
    var headers = { Accept: accept };
    if (q) {
      var qs = new URLSearchParams(paramValues()).toString();
      return { url: "/api/queries/" + encodeURIComponent(q.name) + (qs ? "?" + qs : ""),
               network: "/api/queries/" + encodeURIComponent(q.name) + "/network" + (qs ? "?" + qs : ""),
               init: { headers: headers }, named: q };
    }
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    var body = new URLSearchParams({ query: editor.get() }).toString();
    return { url: "/sparql", network: "/api/network", init: { method: "POST", headers: headers, body: body },
             networkInit: { method: "POST", headers: { Accept: "application/json", "Content-Type": headers["Content-Type"] }, body: body } };
  }

  async function readError(res) {
    var text = await res.text();
    try { return JSON.parse(text); } catch (e) { return { message: text || res.statusText }; }
  }

  async function run() {
    clearOutput();
    setStatus("running\u2026");
    $("run").disabled = true;
    var started = performance.now();
    var runNo = ++state.runs;
    updateLink();
    try {
      var req = request("application/sparql-results+json, text/turtle;q=0.9");
      var res = await fetch(req.url, req.init);
      var type = (res.headers.get("Content-Type") || "").split(";")[0].trim();
      if (!res.ok) {
        var err = await readError(res);
        showError(err, res.status);
        setStatus("failed after " + Math.round(performance.now() - started) + " ms");
        return;
      }
      var body = await res.text();
      if (runNo !== state.runs) return;
      var truncated = res.headers.get("X-Sgraph-Truncated") === "true";
      state.last = { body: body, type: type, req: req };
      if (truncated) {
        var box = $("truncated");
        box.textContent = "The result was cut at " + (res.headers.get("X-Sgraph-Max-Rows") || "the server's maximum") +
          " rows (the server's row cap). Add a LIMIT or make the query more selective.";
        box.hidden = false;
      }
      if (type === "application/sparql-results+json") {
        var doc = JSON.parse(body);
        if ("boolean" in doc) {
          showBoolean(doc.boolean);
          setStatus("ASK answered in " + Math.round(performance.now() - started) + " ms");
        } else {
          await labelsFor(doc.results.bindings);
          state.result = { vars: doc.head.vars, rows: doc.results.bindings };
          var n = doc.results.bindings.length;
          setStatus(n + " row" + (n === 1 ? "" : "s") + " in " + Math.round(performance.now() - started) + " ms");
          showViews();
          $("download-csv").disabled = false;
        }
        $("download-json").disabled = false;
      } else {
        var pre = $("rdf");
        pre.textContent = body;
        pre.hidden = false;
        setStatus("a graph (" + type + ") in " + Math.round(performance.now() - started) + " ms");
      }
      document.body.dataset.ran = String(state.runs);
    } catch (err) {
      showError({ message: "the request failed: " + err });
      setStatus("");
    } finally {
      $("run").disabled = false;
      snippets();
    }
  }

  async function labelsFor(rows) {
    var seen = {};
    var iris = [];
    rows.forEach(function (b) {
      Object.keys(b).forEach(function (k) {
        var t = b[k];
        if (t.type === "uri" && !seen[t.value] && !(t.value in state.labels)) { seen[t.value] = true; iris.push(t.value); }
      });
    });
    if (!iris.length) return;
    try {
      var res = await fetch("/api/labels", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(iris.slice(0, 5000)) });
      if (!res.ok) return;
      var found = await res.json();
      Object.keys(found).forEach(function (k) { state.labels[k] = found[k]; });
    } catch (e) { /* labels are a nicety: prefixed names stand in */ }
  }

  function clearOutput() {
    ["before-run", "error", "truncated", "views", "view-note", "view-table", "view-graph", "view-timeline", "view-bar", "rdf", "empty"]
      .forEach(function (id) { $(id).hidden = true; });
    $("results").tHead.replaceChildren();
    $("results").tBodies[0].replaceChildren();
    $("timeline").replaceChildren();
    $("barchart").replaceChildren();
    $("rdf").textContent = "";
    if (state.graph) { state.graph.destroy(); state.graph = null; }
    $("graph-info").textContent = "";
    $("download-csv").disabled = true;
    $("download-json").disabled = true;
    editor.clearMarks();
    state.last = null;
    state.result = null;
  }

  function showError(err, status) {
    var box = $("error");
    box.replaceChildren();
    box.append(el("strong", (status || err.status || "") + " " + (err.error || "Error")),
      document.createTextNode(": " + (err.message || "")));
    if (err.hint) box.append(el("div", "Hint: " + err.hint));
    box.hidden = false;
    if (err.line) editor.mark(err.line, err.column || 1, err.message || "");
  }

  function showBoolean(value) {
    var tr = el("tr");
    tr.appendChild(el("th", "boolean"));
    $("results").tHead.replaceChildren(tr);
    var row = el("tr");
    row.appendChild(el("td", String(value)));
    $("results").tBodies[0].replaceChildren(row);
    $("view-table").hidden = false;
    $("table-range").textContent = "";
  }

  // ---- views -------------------------------------------------------------------------------------
  function showViews() {
    var r = state.result;
    var fit = V.available(r.vars, r.rows);
    var tabs = $("views");
    tabs.replaceChildren();
    var q = isNamedRun();
    var asked = V.requested(editor.get(), q ? q.view : null);
    var wanted = state.wantedView || asked || "Table";
    state.wantedView = null;
    var note = "";
    if (!fit.ok[wanted]) {
      if (wanted !== "Table") note = "The " + V.NAMES[wanted] + " view " + fit.why[wanted] + "; showing the table.";
      wanted = "Table";
    }
    V.VIEWS.forEach(function (name) {
      var b = el("button", V.NAMES[name], "tab");
      b.type = "button";
      b.setAttribute("role", "tab");
      b.dataset.view = name;
      b.disabled = !fit.ok[name];
      if (!fit.ok[name]) b.title = "This result " + fit.why[name];
      b.addEventListener("click", function () { choose(name); });
      tabs.appendChild(b);
    });
    tabs.hidden = false;
    if (!r.rows.length) {
      $("empty").textContent = "The query ran and found no rows. Check the parameters, or loosen a FILTER or a triple pattern.";
      $("empty").hidden = false;
    }
    $("view-note").textContent = note;
    $("view-note").hidden = !note;
    choose(wanted);
  }

  function choose(name) {
    state.view = name;
    $("views").querySelectorAll("button").forEach(function (b) {
      b.setAttribute("aria-selected", b.dataset.view === name ? "true" : "false");
    });
    ["view-table", "view-graph", "view-timeline", "view-bar"].forEach(function (id) { $(id).hidden = true; });
    var r = state.result;
    var note = "";
    if (name === "Table") {
      table.show(r.vars, r.rows, ctx());
      $("view-table").hidden = false;
    } else if (name === "Timeline") {
      $("view-timeline").hidden = false;
      note = V.timeline($("timeline"), r.vars, r.rows, ctx());
    } else if (name === "BarChart") {
      $("view-bar").hidden = false;
      note = V.barchart($("barchart"), r.vars, r.rows, ctx());
    } else if (name === "Graph") {
      $("view-graph").hidden = false;
      drawGraph();
    }
    if (note) { $("view-note").textContent = note; $("view-note").hidden = false; }
    document.body.dataset.view = name;
    updateLink();
  }

  async function drawGraph() {
    if (state.graph) return;
    var req = state.last.req;
    var info = $("graph-info");
    info.textContent = "drawing\u2026";
    try {
      var res = await fetch(req.network, req.networkInit || { headers: { Accept: "application/json" } });
      if (!res.ok) { var err = await readError(res); showError(err, res.status); info.textContent = ""; return; }
      var data = await res.json();
      if (!data.nodes.length) { info.textContent = "Nothing to draw: no row has an ?x."; return; }
      state.graph = window.sgraphGraph.draw($("graph"), data, { onSelect: selectNode });
      info.textContent = data.nodes.length + " entities, " + data.edges.length + " relations" +
        (data.meta && data.meta.note ? ". " + data.meta.note : "") + ". Click an entity for its details.";
      document.body.dataset.graph = "drawn";
    } catch (e) {
      info.textContent = "The graph could not be drawn: " + e;
    }
  }

  function selectNode(node) {
    var info = $("graph-info");
    info.replaceChildren();
    if (!node) { info.textContent = "Click an entity for its details."; return; }
    info.append(el("strong", node.label));
    if (node.typeLabel) info.append(document.createTextNode(" \u00b7 " + node.typeLabel));
    if (node.date) info.append(document.createTextNode(" \u00b7 " + node.date));
    var href = V.safeUrl(local(node.id) || (state.labels[node.id] && state.labels[node.id].href) || "");
    if (href) {
      var a = el("a", "open its page");
      a.href = href;
      info.append(document.createTextNode(" \u00b7 "), a);
    }
  }

  // ---- sharing ---------------------------------------------------------------------------------
  async function copyLink() {
    var link = permalink();
    $("permalink").value = link;
    try {
      await navigator.clipboard.writeText(link);
      setStatus("Link copied.");
    } catch (e) {
      $("permalink").select();
      setStatus("Press Ctrl+C to copy the selected link.");
    }
  }

  function shellQuote(s) { return "'" + String(s).replace(/'/g, "'\\''") + "'"; }
  function pyString(s) { return '"""' + String(s).replace(/\\/g, "\\\\").replace(/"""/g, '\\"\\"\\"') + '"""'; }

  async function snippets() {
    var endpoint = location.origin + "/sparql";
    var text = editor.get();
    var q = isNamedRun();
    var form = q ? { name: q.name, params: JSON.stringify(paramValues()) } : { query: text };
    try {
      var res = await fetch("/api/check", { method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams(form).toString() });
      if (res.ok) text = (await res.json()).text || text;
    } catch (e) { /* keep the text as typed */ }
    var curl = q
      ? "curl -H 'Accept: text/csv' " + shellQuote(location.origin + "/api/queries/" + q.name +
          (Object.keys(paramValues()).length ? "?" + new URLSearchParams(paramValues()).toString() : ""))
      : "curl -H 'Accept: text/csv' --data-urlencode " + shellQuote("query=" + text) + " " + endpoint;
    $("snippet-curl").textContent = curl;
    $("snippet-python").textContent = [
      "from SPARQLWrapper import SPARQLWrapper, JSON",
      "",
      "sparql = SPARQLWrapper(" + JSON.stringify(endpoint) + ")",
      "sparql.setQuery(" + pyString(text) + ")",
      "sparql.setReturnFormat(JSON)",
      "for row in sparql.queryAndConvert()[\"results\"][\"bindings\"]:",
      "    print({k: v[\"value\"] for k, v in row.items()})",
    ].join("\n");
    $("snippet-pandas").textContent = [
      "import urllib.parse, urllib.request",
      "import pandas as pd",
      "",
      "query = " + pyString(text),
      "request = urllib.request.Request(" + JSON.stringify(endpoint) + ",",
      "    data=urllib.parse.urlencode({\"query\": query}).encode(), headers={\"Accept\": \"text/csv\"})",
      "df = pd.read_csv(urllib.request.urlopen(request))",
    ].join("\n");
  }

  // ---- downloads ---------------------------------------------------------------------------------
  function save(blob, filename) {
    var url = URL.createObjectURL(blob);
    var a = el("a");
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  async function download(kind) {
    var base = ($("named").value || "query").replace(/[^A-Za-z0-9_-]/g, "_");
    if (kind === "json" && state.last) {
      save(new Blob([state.last.body], { type: "application/sparql-results+json" }), base + ".json");
      return;
    }
    var req = request("text/csv");
    var res = await fetch(req.url, req.init);
    if (!res.ok) { showError(await readError(res), res.status); return; }
    save(new Blob([await res.text()], { type: "text/csv" }), base + ".csv");
  }

  // ---- wiring -------------------------------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", function () {
    fillLibrary();
    var start = readUrl();
    editor = window.sgraphEditor.create($("editor"), {
      doc: start.text || "", nonce: nonce, config: CONFIG, onRun: run,
      onChange: function () { if ($("named").value && !isNamedRun()) $("description").textContent = "(edited: runs as your own query)"; },
    });
    table = new V.Table({ table: $("results"), range: $("table-range"), prev: $("prev-page"),
                          next: $("next-page"), size: $("page-size") });
    if (start.named) {
      $("named").value = start.named;
      showNamed(state.library[start.named], start.values);
    }
    if (start.view) {
      var v = V.VIEWS.find(function (x) { return x.toLowerCase() === start.view.toLowerCase(); });
      state.wantedView = v || null;
    }
    $("named").addEventListener("change", function () {
      showNamed(current());
      if (!current()) editor.set(DEFAULT_QUERY);
      state.view = null;
      updateLink();
    });
    $("run").addEventListener("click", run);
    $("copy-link").addEventListener("click", copyLink);
    $("download-csv").addEventListener("click", function () { download("csv"); });
    $("download-json").addEventListener("click", function () { download("json"); });
    $("permalink").value = permalink();
    snippets();
    window.sgraphQueryPage = { editor: editor, state: state, run: run };  // for scripts and tests
    if (start.run) run();
    else document.body.dataset.ran = "0";
  });
})();
