/* The SPARQL editor of the query page: CodeMirror 6 (codemirror.min.js, global sgraphCM) with
 * the SPARQL mode, completion of keywords, prefixes, classes, properties and entity labels,
 * and errors marked at their line and column (checked by the server, /api/check, as you type).
 *
 *   var ed = sgraphEditor.create(parent, {doc, nonce, config, onRun, onChange});
 *   ed.get(); ed.set(text); ed.mark(line, column, message); ed.clearMarks(); ed.focus();
 *
 * Completions and messages are shown by CodeMirror as text; nothing here builds HTML.
 */
(function () {
  "use strict";
  var CM = window.sgraphCM;
  var KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "BIND", "VALUES", "UNION",
    "MINUS", "GRAPH", "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT",
    "DESCRIBE", "PREFIX", "BASE", "FROM", "FROM NAMED", "AS", "COUNT", "SAMPLE", "GROUP_CONCAT",
    "MIN", "MAX", "SUM", "AVG", "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "STRSTARTS",
    "STRENDS", "CONTAINS", "SUBSTR", "STRLEN", "LCASE", "UCASE", "REGEX", "REPLACE", "COALESCE", "IF",
    "EXISTS", "NOT EXISTS", "isIRI", "isLiteral", "YEAR", "NOW", "DESC", "ASC", "a"];

  function create(parent, opts) {
    var config = opts.config;
    var prefixes = config.prefixes;
    var byNamespace = Object.keys(prefixes).map(function (p) { return [p, prefixes[p]]; })
      .sort(function (a, b) { return b[1].length - a[1].length; });
    var vocab = config.vocabulary || [];

    function expand(pname) {
      var i = pname.indexOf(":");
      var ns = prefixes[pname.slice(0, i)];
      return ns === undefined ? null : ns + pname.slice(i + 1);
    }

    async function search(params) {
      try {
        params.format = "json";
        params.size = "25";
        var res = await fetch("/search?" + new URLSearchParams(params), { headers: { Accept: "application/json" } });
        return res.ok ? (await res.json()).items : [];
      } catch (e) { return []; }
    }

    /** Entities whose label has the words of ``text`` and, with ``ns``, whose IRI starts with
     *  ns + text (the local part typed so far). */
    async function entities(text, ns) {
      var words = text.replace(/[-_]+/g, " ").trim();
      var found = await Promise.all([
        words ? search({ q: words }) : Promise.resolve([]),
        ns ? search({ prefix: ns + text }) : Promise.resolve([]),
      ]);
      var seen = {};
      return found[1].concat(found[0]).filter(function (it) {
        if (seen[it.iri] || (ns && it.iri.indexOf(ns) !== 0)) return false;
        seen[it.iri] = true;
        return true;
      });
    }

    function entityOption(it) {
      var applied = it.short && it.short.indexOf(":") > 0 && it.short.indexOf("<") !== 0 ? it.short : "<" + it.iri + ">";
      return { label: it.label, apply: applied, detail: it.kind, type: "variable",
               info: it.iri + (it.summary ? "\n" + it.summary : ""), boost: -1 };
    }

    async function complete(context) {
      var line = context.state.doc.lineAt(context.pos);
      var before = line.text.slice(0, context.pos - line.from);
      var m;
      if ((m = /PREFIX\s+([\w-]*)$/i.exec(before))) {
        var from = context.pos - m[1].length;
        return { from: from, options: Object.keys(prefixes).map(function (p) {
          return { label: p + ":", apply: p + ": <" + prefixes[p] + ">", detail: prefixes[p], type: "namespace" };
        }) };
      }
      if ((m = /\?[\w]*$/.exec(before))) {
        var seen = {};
        var vars = (context.state.doc.toString().match(/\?[A-Za-z_][\w]*/g) || []).filter(function (v) {
          if (seen[v]) return false; seen[v] = true; return true;
        });
        return { from: context.pos - m[0].length, options: vars.map(function (v) { return { label: v, type: "variable" }; }) };
      }
      m = /([A-Za-z_][\w.-]*)?:([\w.-]*)$/.exec(before);
      if (m && !/<[^>]*$/.test(before)) {
        var pfx = m[1] || "";
        var ns = prefixes[pfx];
        if (ns === undefined) return null;
        var local = m[2];
        var start = context.pos - m[0].length;
        var options = vocab.filter(function (t) { return t.iri.indexOf(ns) === 0 && t.short.indexOf(pfx + ":") === 0; })
          .map(function (t) {
            return { label: t.short, detail: (t.kind === "class" ? "class" : "property") + (t.label ? " \u00b7 " + t.label : ""),
                     type: t.kind === "class" ? "class" : "property", info: t.iri + (t.n ? "\n" + t.n + " uses in the graph" : "") };
          });
        if (local.length >= 2 || context.explicit) {
          (await entities(local, ns)).forEach(function (it) {
            var o = entityOption(it); o.label = it.short; o.detail = it.label; options.push(o);
          });
        }
        return { from: start, options: options, validFor: /^[\w:.-]*$/ };
      }
      var word = context.matchBefore(/[A-Za-z_][\w-]*$/);
      if (!word && !context.explicit) return null;
      var text = word ? word.text : "";
      var from2 = word ? word.from : context.pos;
      var opts2 = KEYWORDS.map(function (k) { return { label: k, type: "keyword" }; });
      Object.keys(prefixes).forEach(function (p) { opts2.push({ label: p + ":", detail: prefixes[p], type: "namespace" }); });
      var low = text.toLowerCase();
      if (low) {
        vocab.forEach(function (t) {
          if (t.label && t.label.toLowerCase().indexOf(low) === 0) {
            opts2.push({ label: t.label, apply: t.short, detail: t.short, type: t.kind === "class" ? "class" : "property" });
          }
        });
      }
      if (text.length >= 3 || (context.explicit && text.length >= 1)) {
        (await entities(text)).forEach(function (it) { opts2.push(entityOption(it)); });
      }
      return { from: from2, options: opts2 };
    }

    function position(doc, line, column) {
      var l = doc.line(Math.max(1, Math.min(line, doc.lines)));
      var from = Math.min(l.from + Math.max(0, column - 1), l.to);
      var to = from < l.to ? from + 1 : from;
      if (from === to && from > l.from) from -= 1;
      return { from: from, to: Math.max(to, from) };
    }

    async function check(view) {
      var text = view.state.doc.toString();
      if (!text.trim()) return [];
      try {
        var res = await fetch("/api/check", { method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
          body: new URLSearchParams({ query: text }).toString() });
        if (res.ok) return [];
        var err = await res.json();
        if (view.state.doc.toString() !== text) return [];
        if (!err.line) return [];
        var pos = position(view.state.doc, err.line, err.column || 1);
        return [{ from: pos.from, to: pos.to, severity: "error", message: firstLine(err.message) }];
      } catch (e) { return []; }
    }

    function firstLine(message) { return String(message || "").split("\n")[0]; }

    var runKey = { key: "Mod-Enter", run: function () { if (opts.onRun) opts.onRun(); return true; } };
    var extensions = [
      CM.lineNumbers(), CM.highlightActiveLineGutter(), CM.history(), CM.drawSelection(),
      CM.indentOnInput(), CM.bracketMatching(), CM.closeBrackets(), CM.highlightActiveLine(),
      CM.highlightSelectionMatches(),
      CM.StreamLanguage.define(CM.sparql),
      CM.syntaxHighlighting(CM.defaultHighlightStyle, { fallback: true }),
      CM.autocompletion({ override: [complete], activateOnTyping: true, maxRenderedOptions: 60 }),
      CM.linter(check, { delay: 700 }), CM.lintGutter(),
      CM.keymap.of([runKey].concat(CM.closeBracketsKeymap, CM.defaultKeymap, CM.searchKeymap,
        CM.historyKeymap, CM.completionKeymap, [CM.indentWithTab])),
      CM.EditorView.cspNonce.of(opts.nonce || ""),
      CM.EditorView.lineWrapping,
      CM.EditorView.updateListener.of(function (u) { if (u.docChanged && opts.onChange) opts.onChange(); }),
      CM.EditorView.contentAttributes.of({ "aria-label": "SPARQL query", spellcheck: "false" }),
      CM.EditorView.theme({
        "&": { height: "19rem", border: "1px solid #d5dae1", borderRadius: "4px", background: "#fff", fontSize: "13px" },
        ".cm-scroller": { fontFamily: "ui-monospace, \"DejaVu Sans Mono\", Menlo, Consolas, monospace", overflow: "auto" },
        "&.cm-focused": { outline: "2px solid #9cc3ef" },
      }),
    ];
    var view = new CM.EditorView({ parent: parent,
      state: CM.EditorState.create({ doc: opts.doc || "", extensions: extensions }) });

    return {
      view: view,
      get: function () { return view.state.doc.toString(); },
      set: function (text) {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      },
      mark: function (line, column, message) {
        var pos = position(view.state.doc, line, column || 1);
        view.dispatch(CM.setDiagnostics(view.state,
          [{ from: pos.from, to: pos.to, severity: "error", message: firstLine(message) }]));
      },
      clearMarks: function () { view.dispatch(CM.setDiagnostics(view.state, [])); },
      focus: function () { view.focus(); },
      expand: expand,
      byNamespace: byNamespace,
    };
  }

  window.sgraphEditor = { create: create };
})();
