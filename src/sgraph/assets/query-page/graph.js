/* The query page's graph view: draws the network page's data (sgraph.network.page.page_data:
 * nodes with positions computed in Python, groups with colours and shapes, edges) with the
 * network page's renderer: its drawNetwork (draw.js, sigma.js) when the page has it, else
 * vis-network. One function:
 *
 *   sgraphGraph.draw(container, data, {onSelect: function (node|null) {}, tooltip: fn(node)})
 *
 * returns {select(id), destroy(), network} (network: draw.js's object, for scripts and tests).
 * Strings reach the canvas as text; nothing here parses HTML.
 */
(function () {
  "use strict";

  function short(s, n) { s = String(s || ""); return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }

  function edgesOf(data) {
    // page_data gives {from, to} (node ids) or {source, target} (node indices)
    return data.edges.map(function (e, i) {
      var from = e.from !== undefined ? e.from : data.nodes[e.source].id;
      var to = e.to !== undefined ? e.to : data.nodes[e.target].id;
      var rel = (data.relations || []).find(function (r) { return r.name === e.relation; });
      return { id: "e" + i, from: from, to: to, label: e.label || (rel ? rel.label : e.relation) || "" };
    });
  }

  function drawWithNetworkRenderer(container, data, options, groups, byId) {
    var nodes = data.nodes.map(function (n) {
      var g = groups[n.group] || {};
      return { id: n.id, label: n.label, short: n.short || short(n.label, 34), x: n.x, y: n.y,
               size: n.size, color: n.color || g.color, border: n.border || g.border,
               shape: n.shape || g.shape, degree: n.degree };
    });
    var edges = edgesOf(data).map(function (e) { return { source: e.from, target: e.to, label: e.label }; });
    var net = window.drawNetwork(container, { nodes: nodes, edges: edges }, {
      directed: true,
      onSelect: function (id) {
        if (id === null) net.clear(); else net.select(id);
        if (options.onSelect) options.onSelect(id === null ? null : byId[id]);
      },
    });
    return { select: function (id) { net.select(id); }, destroy: function () { if (net.sigma) net.sigma.kill(); },
             network: net };
  }

  function draw(container, data, options) {
    options = options || {};
    var groups0 = {};
    (data.groups || []).forEach(function (g) { groups0[g.name] = g; });
    var byId0 = {};
    data.nodes.forEach(function (n) { byId0[n.id] = n; });
    if (typeof window.drawNetwork === "function") {
      return drawWithNetworkRenderer(container, data, options, groups0, byId0);
    }
    var groups = {};
    (data.groups || []).forEach(function (g) { groups[g.name] = g; });
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    var nodes = data.nodes.map(function (n) {
      var g = groups[n.group] || { color: "#718096", border: "#2d3748", shape: "dot" };
      return {
        id: n.id, label: short(n.short || n.label, 34), x: n.x, y: n.y,
        size: n.size ? Math.max(8, n.size) : 11 + Math.min(24, 3.2 * Math.sqrt(n.degree || 1)),
        shape: g.shape, color: { background: g.color, border: g.border,
          highlight: { background: g.color, border: "#1a202c" } },
        font: { color: "#1a202c", size: 14, face: "system-ui, Arial, sans-serif",
                strokeWidth: 3, strokeColor: "#ffffff" },
      };
    });
    var edges = edgesOf(data).map(function (e) {
      return { id: e.id, from: e.from, to: e.to, label: short(e.label, 30), arrows: "to",
               color: { color: "#a0aec0", highlight: "#2b6cb0" },
               font: { size: 11, color: "#4a5568", strokeWidth: 3, strokeColor: "#ffffff", align: "horizontal" },
               smooth: false };
    });
    var network = new window.vis.Network(container, { nodes: nodes, edges: edges }, {
      physics: false,
      interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: false },
      edges: { width: 1.2, selectionWidth: 2 },
      nodes: { borderWidth: 1 },
    });
    network.once("afterDrawing", function () { network.fit({ animation: false }); });
    network.on("click", function (p) {
      var id = p.nodes && p.nodes.length ? p.nodes[0] : null;
      if (options.onSelect) options.onSelect(id === null ? null : byId[id]);
    });
    return {
      select: function (id) { network.selectNodes([id]); network.focus(id, { scale: 1.2 }); },
      destroy: function () { network.destroy(); },
      network: network,
    };
  }

  window.sgraphGraph = { draw: draw };
})();
