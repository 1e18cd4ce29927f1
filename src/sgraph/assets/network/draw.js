/* sgraph network drawing: one function, drawNetwork(container, data, options), over sigma.js 3
 * (WebGL) and graphology (both in sigma-graphology.min.js, global sgraphVendor). Used by the
 * network page (app.js) and meant for any page that draws a graph (the query page's graph view).
 *
 *   var net = drawNetwork(container, {
 *     nodes: [{id, label, short?, x, y, size?, color?, border?, shape?, degree?, hidden?}],
 *     edges: [{source, target, label?}]          // source/target: node index or node id
 *   }, {
 *     directed: true,                            // arrows
 *     tooltip: function (kind, item) { return Element|null },  // kind "node" | "edge"
 *     onSelect: function (id|null) {},           // a click on a node or on the background
 *     labelPx: 12,                               // font size of labels (at least 11 px)
 *   });
 *
 * Positions are in layout units (sgraph.network.layout), sizes are radii in the same units, so
 * shapes grow with the zoom and never overlap if they do not in the layout. Labels are drawn on
 * a canvas of their own after each frame, most connected first, each at the first of eight
 * places round its node where it overlaps no label already drawn and no other node's shape;
 * labels that fit nowhere are left out, so zooming in shows more (level of detail). Only the
 * most connected and the selection, when they find no such place, are written over shapes
 * (never over another label). Every string is drawn on a canvas or
 * put into the DOM by the caller's tooltip function: nothing here parses HTML.
 *
 * The returned object (the page's global `network`) has:
 *   select(id) / clear()         highlight an entity and its neighbours, fit the view to them
 *   highlight(nodeIds, edgeKeys) highlight a set (a path); clear() ends it
 *   setVisible(nodeFn, edgeFn)   filter: which nodes/edges are shown; refits to what is shown
 *   fit(ids?)                    fit the view to some nodes (default: every shown node)
 *   zoom(factor, ms)             zoom in (> 1) or out (< 1) round the centre, animated
 *   labels()                     the labels of the last frame: [{id, text, px, box:[x0,y0,x1,y1]}]
 *   screen(id)                   a node on screen: {x, y, r} in CSS px of the container
 *   selected(), visible(id), neighbours(id), shortestPaths(a, b, max)
 *   redraw()                     draw now, not on the next animation frame
 *   frames                       frames drawn so far; lastFrameMs: time of the last one
 *   sigma, graph                 the sigma.js renderer and the graphology graph
 */
(function () {
  "use strict";
  var V = window.sgraphVendor;
  var MAX_NODE_PX = 18;
  var ANGLES = [0, 2 * Math.PI / 3, 4 * Math.PI / 3];
  var SHAPES = { circle: 0, dot: 0, square: 1, diamond: 2, triangle: 3, star: 4, hexagon: 5,
                 triangleDown: 6 };

  // -- a node program drawing circles, squares, diamonds, triangles, stars and hexagons --------
  var VERTEX = [
    "attribute vec4 a_id;", "attribute vec4 a_color;", "attribute vec2 a_position;",
    "attribute float a_size;", "attribute float a_shape;", "attribute float a_angle;",
    "uniform mat3 u_matrix;", "uniform float u_sizeRatio;", "uniform float u_correctionRatio;",
    "varying vec4 v_color;", "varying vec2 v_diff;", "varying float v_radius;",
    "varying float v_shape;", "varying float v_px;",
    "const float bias = 255.0 / 254.0;",
    "void main() {",
    "  float size = a_size * u_correctionRatio / u_sizeRatio * 4.0;",
    "  vec2 diff = size * vec2(cos(a_angle), sin(a_angle));",
    "  gl_Position = vec4((u_matrix * vec3(a_position + diff, 1)).xy, 0, 1);",
    "  v_diff = diff;", "  v_radius = size / 2.0;", "  v_shape = a_shape;",
    "  v_px = u_correctionRatio / max(v_radius, 1e-9);",
    "  #ifdef PICKING_MODE", "  v_color = a_id;", "  #else", "  v_color = a_color;", "  #endif",
    "  v_color.a *= bias;",
    "}"].join("\n");
  var FRAGMENT = [
    "precision highp float;",
    "varying vec4 v_color;", "varying vec2 v_diff;", "varying float v_radius;",
    "varying float v_shape;", "varying float v_px;",
    "float tri(vec2 p) {",
    "  const float k = 1.7320508;", "  float r = 0.8660254;",
    "  p.y += 0.15;", "  p.x = abs(p.x) - r; p.y = p.y + r / k;",
    "  if (p.x + k * p.y > 0.0) p = vec2(p.x - k * p.y, -k * p.x - p.y) / 2.0;",
    "  p.x -= clamp(p.x, -2.0 * r, 0.0);", "  return -length(p) * sign(p.y);",
    "}",
    "float star(vec2 p) {",
    "  const vec2 k1 = vec2(0.809016994, -0.587785252);", "  const vec2 k2 = vec2(-0.809016994, -0.587785252);",
    "  p.x = abs(p.x);", "  p -= 2.0 * max(dot(k1, p), 0.0) * k1;", "  p -= 2.0 * max(dot(k2, p), 0.0) * k2;",
    "  p.x = abs(p.x);", "  p.y -= 1.0;", "  vec2 ba = 0.5 * vec2(-k1.y, k1.x) - vec2(0.0, 1.0);",
    "  float h = clamp(dot(p, ba) / dot(ba, ba), 0.0, 1.0);",
    "  return length(p - ba * h) * sign(p.y * ba.x - p.x * ba.y);",
    "}",
    "float hex(vec2 p) {",
    "  const vec3 k = vec3(-0.866025404, 0.5, 0.577350269);", "  float r = 0.86;",
    "  p = abs(p.yx);", "  p -= 2.0 * min(dot(k.xy, p), 0.0) * k.xy;",
    "  p -= vec2(clamp(p.x, -k.z * r, k.z * r), r);", "  return length(p) * sign(p.y);",
    "}",
    "float shape(vec2 p, float s) {",
    "  if (s < 0.5) return length(p) - 1.0;",
    "  if (s < 1.5) return max(abs(p.x), abs(p.y)) - 0.8;",
    "  if (s < 2.5) return (abs(p.x) + abs(p.y)) * 0.70710678 - 0.70710678;",
    "  if (s < 3.5) return tri(p);",
    "  if (s < 4.5) return star(p);",
    "  if (s < 5.5) return hex(p);",
    "  return tri(vec2(p.x, -p.y));",
    "}",
    "void main(void) {",
    "  vec2 p = v_diff / v_radius;",
    "  float d = shape(p, v_shape);",
    "  #ifdef PICKING_MODE",
    "  gl_FragColor = d > 0.0 ? vec4(0.0) : v_color;",
    "  #else",
    "  float px = v_px;",
    "  vec4 edge = vec4(v_color.rgb * 0.55, v_color.a);",
    "  vec4 c = mix(v_color, edge, smoothstep(-2.2 * px, -1.2 * px, d));",
    "  gl_FragColor = mix(c, vec4(0.0), smoothstep(-px, 0.0, d));",
    "  #endif",
    "}"].join("\n");

  class ShapeProgram extends V.rendering.NodeProgram {
    getDefinition() {
      var GL = WebGLRenderingContext;
      return {
        VERTICES: 3, VERTEX_SHADER_SOURCE: VERTEX, FRAGMENT_SHADER_SOURCE: FRAGMENT,
        METHOD: GL.TRIANGLES, UNIFORMS: ["u_sizeRatio", "u_correctionRatio", "u_matrix"],
        ATTRIBUTES: [
          { name: "a_position", size: 2, type: GL.FLOAT },
          { name: "a_size", size: 1, type: GL.FLOAT },
          { name: "a_shape", size: 1, type: GL.FLOAT },
          { name: "a_color", size: 4, type: GL.UNSIGNED_BYTE, normalized: true },
          { name: "a_id", size: 4, type: GL.UNSIGNED_BYTE, normalized: true },
          { name: "a_angle", size: 1, type: GL.FLOAT }
        ]
      };
    }
    // Not instanced (three vertices written per node): software WebGL (SwiftShader, as in
    // headless Chromium) draws instanced triangles one instance at a time, some 10x slower.
    processVisibleItem(nodeIndex, start, data) {
      var a = this.array, color = V.sigmaUtils.floatColor(data.color || "#718096");
      var shape = SHAPES[data.shape] || 0;
      for (var v = 0; v < 3; v++) {
        a[start++] = data.x; a[start++] = data.y; a[start++] = data.size; a[start++] = shape;
        a[start++] = color; a[start++] = nodeIndex; a[start++] = ANGLES[v];
      }
    }
    setUniforms(params, p) {
      p.gl.uniform1f(p.uniformLocations.u_correctionRatio, params.correctionRatio);
      p.gl.uniform1f(p.uniformLocations.u_sizeRatio, params.sizeRatio);
      p.gl.uniformMatrix3fv(p.uniformLocations.u_matrix, false, params.matrix);
    }
  }

  // -- links as one-pixel lines, not instanced (for networks with many links) -----------------
  var LINE_VERTEX = [
    "attribute vec2 a_position;", "attribute vec4 a_color;", "attribute vec4 a_id;",
    "uniform mat3 u_matrix;", "varying vec4 v_color;", "const float bias = 255.0 / 254.0;",
    "void main() {",
    "  gl_Position = vec4((u_matrix * vec3(a_position, 1)).xy, 0, 1);",
    "  #ifdef PICKING_MODE", "  v_color = a_id;", "  #else", "  v_color = a_color;", "  #endif",
    "  v_color.a *= bias;",
    "}"].join("\n");
  var LINE_FRAGMENT = ["precision mediump float;", "varying vec4 v_color;",
                       "void main(void) { gl_FragColor = v_color; }"].join("\n");
  class LineProgram extends V.rendering.EdgeProgram {
    getDefinition() {
      var GL = WebGLRenderingContext;
      return {
        VERTICES: 2, VERTEX_SHADER_SOURCE: LINE_VERTEX, FRAGMENT_SHADER_SOURCE: LINE_FRAGMENT,
        METHOD: GL.LINES, UNIFORMS: ["u_matrix"],
        ATTRIBUTES: [
          { name: "a_position", size: 2, type: GL.FLOAT },
          { name: "a_color", size: 4, type: GL.UNSIGNED_BYTE, normalized: true },
          { name: "a_id", size: 4, type: GL.UNSIGNED_BYTE, normalized: true }
        ]
      };
    }
    processVisibleItem(edgeIndex, start, source, target, data) {
      var a = this.array, color = V.sigmaUtils.floatColor(data.color || "#a0aec0");
      a[start++] = source.x; a[start++] = source.y; a[start++] = color; a[start++] = edgeIndex;
      a[start++] = target.x; a[start++] = target.y; a[start++] = color; a[start++] = edgeIndex;
    }
    setUniforms(params, p) {
      p.gl.uniformMatrix3fv(p.uniformLocations.u_matrix, false, params.matrix);
    }
  }

  function webglAvailable() {
    try {
      var c = document.createElement("canvas");
      return !!(c.getContext("webgl2") || c.getContext("webgl"));
    } catch (e) { return false; }
  }

  function drawNetwork(container, data, options) {
    options = options || {};
    if (!webglAvailable()) throw new Error("This browser cannot draw the map: it has WebGL turned off.");
    var LABEL_PX = Math.max(11, options.labelPx || 12);
    // many: links left out while the camera moves, no hover on links, a tighter label budget
    var big = data.nodes.length > 1500 || data.edges.length > 3000;
    var manyLinks = data.edges.length > 1500;
    // links dark enough to follow on white; lighter where there are thousands (a grey mist)
    var FADED = "#e2e8f0", FADED_EDGE = "#edf2f7", EDGE = manyLinks ? "#a0aec0" : "#7f8ea3",
        EDGE_ON = "#2d3748";

    var graph = new V.Graph({ multi: true, type: options.directed === false ? "undirected" : "directed",
                              allowSelfLoops: true });
    var ids = [];
    data.nodes.forEach(function (n, i) {
      var x = typeof n.x === "number" ? n.x : 300 * Math.cos(2 * Math.PI * i / data.nodes.length);
      var y = typeof n.y === "number" ? n.y : 300 * Math.sin(2 * Math.PI * i / data.nodes.length);
      ids.push(n.id);
      // y grows upwards (as in sigma.js and Gephi)
      graph.addNode(n.id, { x: x, y: y, size: n.size || 8, color: n.color || "#718096",
                            shape: n.shape || "circle", text: String(n.short || n.label || n.id),
                            rank: 0, hidden: !!n.hidden });
    });
    var edgeKeys = [];
    // arrows for a readable number of links; thin lines (one GL line each, far cheaper to
    // rasterise) when there are too many to tell apart anyway
    var edgeType = manyLinks ? "line" : options.directed === false ? "rectangle" : "arrow";
    data.edges.forEach(function (e, i) {
      var s = typeof e.source === "number" ? ids[e.source] : e.source;
      var t = typeof e.target === "number" ? ids[e.target] : e.target;
      var key = "e" + i;
      // 1.5 layout units thick (a node is 7 to 30), never thinner than 1.3 px on screen
      graph.addEdgeWithKey(key, s, t, { size: 1.5, color: EDGE, type: edgeType,
                                        index: i });
      edgeKeys.push(key);
    });
    // label priority: most relations first, then the order of the data
    var order = ids.slice();
    var rankOf = {};
    order.sort(function (a, b) { return graph.degree(b) - graph.degree(a) || (a < b ? -1 : a > b ? 1 : 0); });
    order.forEach(function (id, i) { rankOf[id] = i; });

    var state = { selected: null, focus: null, focusEdges: null, nodeShown: null, edgeShown: null };
    function shown(id) { return !graph.getNodeAttribute(id, "hidden") && (!state.nodeShown || state.nodeShown(id)); }

    var sigma = new V.Sigma(graph, container, {
      nodeProgramClasses: { shape: ShapeProgram },
      edgeProgramClasses: { arrow: V.rendering.EdgeArrowProgram, line: LineProgram,
                            rectangle: V.rendering.EdgeRectangleProgram },
      defaultNodeType: "shape",
      itemSizesReference: "positions",
      zoomToSizeRatioFunction: function (r) { return r; },
      renderLabels: false,
      renderEdgeLabels: false,
      enableEdgeEvents: !big && !!options.tooltip,
      hideEdgesOnMove: big,
      minEdgeThickness: 1.3,
      stagePadding: 50,
      minCameraRatio: 0.002,
      maxCameraRatio: 4,
      zIndex: true,
      nodeReducer: function (id, attrs) {
        var out = { x: attrs.x, y: attrs.y, size: attrs.size, color: attrs.color, type: "shape",
                    shape: attrs.shape, label: null, zIndex: 1 };
        if (!shown(id)) { out.hidden = true; return out; }
        if (state.focus && !state.focus[id]) { out.color = FADED; out.zIndex = 0; }
        else if (state.focus) out.zIndex = 2;
        return out;
      },
      edgeReducer: function (key, attrs) {
        var out = { size: attrs.size, color: attrs.color, type: attrs.type, label: null, zIndex: 1 };
        var ends = graph.extremities(key);
        if (!shown(ends[0]) || !shown(ends[1]) || (state.edgeShown && !state.edgeShown(key))) {
          out.hidden = true; return out;
        }
        if (state.focusEdges) {
          if (state.focusEdges[key]) { out.color = EDGE_ON; out.size = 3; out.zIndex = 2; }
          else { out.color = FADED_EDGE; out.zIndex = 0; }
        }
        return out;
      }
    });

    // -- labels: own canvas, placed without overlaps after every frame ---------------------------
    var canvas = document.createElement("canvas");
    canvas.className = "sg-labels";
    canvas.style.cssText = "position:absolute;inset:0;pointer-events:none;";
    container.appendChild(canvas);
    var ctx = canvas.getContext("2d");
    var widths = {};
    var drawn = [];
    var api = { frames: 0, lastFrameMs: 0, sigma: sigma, graph: graph };
    var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
    function font(px, bold) { return (bold ? "600 " : "") + px + "px " + FONT; }
    function textWidth(text, px, bold) {
      var k = (bold ? "b" : "") + px + "|" + text;
      if (widths[k] === undefined) { ctx.font = font(px, bold); widths[k] = ctx.measureText(text).width; }
      return widths[k];
    }
    // a uniform grid of the boxes placed so far, for overlap tests
    var CELL = 64, cells = new Map(), shapes = new Map();
    // free of every box in grid ``into``; ``self``: the node whose own shape does not count
    function freeIn(into, b, self) {
      for (var cx = Math.floor(b[0] / CELL), x1 = Math.floor(b[2] / CELL); cx <= x1; cx++)
        for (var cy = Math.floor(b[1] / CELL), y1 = Math.floor(b[3] / CELL); cy <= y1; cy++) {
          var list = into.get(cx * 65536 + cy);
          if (!list) continue;
          for (var j = 0; j < list.length; j++) {
            var o = list[j];
            if (o[4] !== undefined && o[4] === self) continue;
            if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return false;
          }
        }
      return true;
    }
    function free(b, self, overShapes) {
      return freeIn(cells, b, self) && (overShapes || freeIn(shapes, b, self));
    }
    function takeIn(into, b) {
      for (var cx = Math.floor(b[0] / CELL), x1 = Math.floor(b[2] / CELL); cx <= x1; cx++)
        for (var cy = Math.floor(b[1] / CELL), y1 = Math.floor(b[3] / CELL); cy <= y1; cy++) {
          var key = cx * 65536 + cy, list = into.get(key);
          if (list) list.push(b); else into.set(key, [b]);
        }
    }
    function take(b) { takeIn(cells, b); }

    // the first of eight places round a node (right, above, below, left, the corners) that is on
    // screen and free
    function place(p, gap, tw, th, w, h, self, overShapes, clamp) {
      var c = gap * 0.7;
      var places = [
        [p.x + gap, p.y - th / 2], [p.x - tw / 2, p.y - gap - th], [p.x - tw / 2, p.y + gap],
        [p.x - gap - tw, p.y - th / 2], [p.x + c, p.y - c - th], [p.x + c, p.y + c],
        [p.x - c - tw, p.y - c - th], [p.x - c - tw, p.y + c]];
      for (var k = 0; k < places.length; k++) {
        var b = [places[k][0], places[k][1], places[k][0] + tw, places[k][1] + th];
        // near the edge of the map: moved inside it (only when asked: the last resort)
        if (clamp) b = clampBox(b, w, h);
        if (b[0] >= 0 && b[1] >= 0 && b[2] <= w && b[3] <= h && free(b, self, overShapes)) return b;
      }
      return null;
    }
    function clampBox(b, w, h) {
      var dx = Math.min(0, w - b[2]) - Math.min(0, b[0]), dy = Math.min(0, h - b[3]) - Math.min(0, b[1]);
      return [b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy];
    }

    function drawLabels() {
      var t0 = performance.now();
      var dpr = window.devicePixelRatio || 1;
      var w = container.clientWidth, h = container.clientHeight;
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
        canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
        canvas.style.width = w + "px"; canvas.style.height = h + "px";
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      cells = new Map();
      shapes = new Map();
      drawn = [];
      var first = [];
      if (state.focus) {
        order.forEach(function (id) { if (state.focus[id]) first.push(id); });
        if (state.selected) { first.splice(first.indexOf(state.selected), 1); first.unshift(state.selected); }
      }
      var budget = big ? 400 : 1000;
      var tried = 0;
      var list = first.length ? first.concat(order) : order;
      var seen = {};
      // the camera's transform, once per frame (no rotation: an affine map per axis)
      var o = sigma.framedGraphToViewport({ x: 0, y: 0 }), one = sigma.framedGraphToViewport({ x: 1, y: 1 });
      var ax = one.x - o.x, ay = one.y - o.y, k = sigma.scaleSize(1);
      // the shapes on screen are obstacles too (labels are not written over other nodes), but
      // not on a big network (too many to place each frame, and too small to hide); with a
      // selection, only the highlighted ones (the faded rest is background)
      if (!big) {
        for (var s0 = 0; s0 < ids.length; s0++) {
          if (!shown(ids[s0]) || (state.focus && !state.focus[ids[s0]])) continue;
          var d0 = sigma.getNodeDisplayData(ids[s0]);
          if (!d0) continue;
          var x0 = o.x + ax * d0.x, y0 = o.y + ay * d0.y, r0 = d0.size * k;
          if (r0 < 1.5 || x0 < -r0 || y0 < -r0 || x0 > w + r0 || y0 > h + r0) continue;
          takeIn(shapes, [x0 - r0, y0 - r0, x0 + r0, y0 + r0, ids[s0]]);
        }
      }
      var deadline = performance.now() + (big ? 25 : 60);
      ctx.textBaseline = "middle";
      ctx.lineJoin = "round";
      for (var i = 0; i < list.length && drawn.length < budget; i++) {
        var id = list[i];
        if (first.length) { if (seen[id]) continue; seen[id] = true; }
        if (!shown(id)) continue;
        var forced = !!(state.focus && state.focus[id]);
        if (state.focus && !forced && drawn.length >= first.length + 15) break;
        // a time budget per frame, but never before the most connected have had their turn
        if (!forced && i >= 64 && (i & 63) === 0 && performance.now() > deadline) break;
        var d = sigma.getNodeDisplayData(id);
        if (!d) continue;
        var p = { x: o.x + ax * d.x, y: o.y + ay * d.y };
        var r = d.size * k;
        if (p.x < -200 || p.y < -20 || p.x > w + 200 || p.y > h + 20) continue;
        // nodes drawn smaller than a dot get a label only when they are selected or among the
        // most connected
        if (!forced && r < 1.2 && rankOf[id] >= 25) continue;
        tried++;
        var px = LABEL_PX + (rankOf[id] < 10 ? 2 : rankOf[id] < 40 ? 1 : 0);
        var bold = id === state.selected;
        var text = graph.getNodeAttribute(id, "text");
        var tw = textWidth(text, px, bold), th = px + 4;
        var box = place(p, r + 3, tw, th, w, h, id, false);
        // the most connected, and the selection, look further out before giving up, then
        // (only they) may be written over other shapes, never over another label
        var far = forced || rankOf[id] < 25;
        for (var ring = 1; !box && ring <= 3 && far; ring++)
          box = place(p, r + 3 + th * 1.1 * ring, tw, th, w, h, id, false);
        // then moved inside the map if it would cross its edge, and further out (in a crowd of
        // long labels)
        for (ring = 0; !box && ring <= 8 && far; ring++)
          box = place(p, r + 3 + th * 1.1 * ring, tw, th, w, h, id, true, true);
        if (!box && forced) box = clampBox([p.x + r + 3, p.y - th / 2, p.x + r + 3 + tw, p.y + th / 2], w, h);
        if (!box) continue;
        take(box);
        // a label placed away from its node (in a crowd) gets a thin line to it
        var qx = Math.max(box[0], Math.min(p.x, box[2])), qy = Math.max(box[1], Math.min(p.y, box[3]));
        if (Math.hypot(qx - p.x, qy - p.y) > r + th) {
          ctx.strokeStyle = "#718096"; ctx.lineWidth = 1;
          ctx.beginPath(); ctx.moveTo(p.x, p.y); ctx.lineTo(qx, qy); ctx.stroke();
        }
        ctx.font = font(px, bold);
        ctx.strokeStyle = "rgba(255,255,255,0.92)";
        ctx.lineWidth = 3.5;
        ctx.strokeText(text, box[0], (box[1] + box[3]) / 2);
        ctx.fillStyle = state.focus && !forced ? "#718096" : "#1a202c";
        ctx.fillText(text, box[0], (box[1] + box[3]) / 2);
        drawn.push({ id: id, text: text, px: px, box: box });
      }
      api.frames += 1;
      api.labelMs = performance.now() - t0;
      api.labelsTried = tried;
    }
    var renderStart = 0;
    sigma.on("beforeRender", function () { renderStart = performance.now(); });
    sigma.on("afterRender", function () {
      drawLabels();
      api.lastFrameMs = performance.now() - renderStart;
      api.lastFrameAt = performance.now();
    });

    if (window.ResizeObserver) {
      var size = [container.clientWidth, container.clientHeight];
      new ResizeObserver(function () {
        if (size[0] === container.clientWidth && size[1] === container.clientHeight) return;
        size = [container.clientWidth, container.clientHeight];
        sigma.resize();
        sigma.refresh({ skipIndexation: true });
      }).observe(container);
    }

    // -- tooltip -------------------------------------------------------------------------------
    var tip = document.createElement("div");
    tip.className = "sg-tooltip";
    tip.setAttribute("role", "tooltip");
    tip.style.display = "none";
    container.appendChild(tip);
    var mouse = { x: 0, y: 0 };
    container.addEventListener("mousemove", function (ev) {
      var r = container.getBoundingClientRect();
      mouse.x = ev.clientX - r.left; mouse.y = ev.clientY - r.top;
      if (tip.style.display !== "none") placeTip();
    });
    function placeTip() {
      var x = mouse.x + 14, y = mouse.y + 14;
      if (x + tip.offsetWidth > container.clientWidth) x = Math.max(0, mouse.x - 14 - tip.offsetWidth);
      if (y + tip.offsetHeight > container.clientHeight) y = Math.max(0, mouse.y - 14 - tip.offsetHeight);
      tip.style.left = x + "px"; tip.style.top = y + "px";
    }
    function showTip(kind, item) {
      if (!options.tooltip) return;
      var content = options.tooltip(kind, item);
      if (!content) return;
      tip.textContent = "";
      tip.appendChild(content);
      tip.style.display = "block";
      placeTip();
    }
    function hideTip() { tip.style.display = "none"; }
    sigma.on("enterNode", function (e) { container.style.cursor = "pointer"; showTip("node", e.node); });
    sigma.on("leaveNode", function () { container.style.cursor = ""; hideTip(); });
    sigma.on("enterEdge", function (e) { showTip("edge", graph.getEdgeAttribute(e.edge, "index")); });
    sigma.on("leaveEdge", hideTip);
    sigma.on("clickNode", function (e) { hideTip(); if (options.onSelect) options.onSelect(e.node); });
    sigma.on("clickStage", function () { if (options.onSelect) options.onSelect(null); });

    // -- camera ----------------------------------------------------------------------------------
    function visibleIds() { return ids.filter(shown); }
    function fit(list) {
      sigma.resize();
      var cam = sigma.getCamera();
      if (!list && !state.nodeShown) { cam.setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }); return; }
      list = (list || visibleIds()).filter(function (id) { return graph.hasNode(id); });
      if (!list.length) return;
      var st = V.utils.getCameraStateToFitViewportToNodes(sigma, list);
      // room for the shapes and the labels round the nodes at the edge
      var ratio = st.ratio * (list.length === 1 ? 6 : 1.18);
      // not so close that a shape grows past MAX_NODE_PX (screen size goes as 1 / ratio)
      var biggest = 0;
      list.forEach(function (id) { biggest = Math.max(biggest, graph.getNodeAttribute(id, "size")); });
      var pxPerUnitAtOne = sigma.scaleSize(1) * cam.getState().ratio;
      ratio = Math.max(ratio, biggest * pxPerUnitAtOne / MAX_NODE_PX);
      cam.setState({ x: st.x, y: st.y, ratio: ratio, angle: 0 });
    }
    function neighbours(id) {
      var out = {};
      graph.forEachNeighbor(id, function (n) { if (shown(n)) out[n] = true; });
      return out;
    }
    function select(id) {
      if (!graph.hasNode(id)) return;
      var near = neighbours(id);
      near[id] = true;
      var mine = {};
      graph.forEachEdge(id, function (key, attrs, s, t) { if (shown(s) && shown(t)) mine[key] = true; });
      state.selected = id; state.focus = near; state.focusEdges = mine;
      sigma.refresh();
      fit(Object.keys(near));
    }
    function highlight(nodeIds, keys) {
      var near = {}, mine = {};
      nodeIds.forEach(function (n) { near[n] = true; });
      keys.forEach(function (k) { mine[k] = true; });
      state.selected = null; state.focus = near; state.focusEdges = mine;
      sigma.refresh();
      fit(nodeIds);
    }
    function clear(refit) {
      state.selected = null; state.focus = null; state.focusEdges = null;
      sigma.refresh();
      if (refit !== false) fit();
    }
    function setVisible(nodeFn, edgeFn) {
      state.nodeShown = nodeFn || null; state.edgeShown = edgeFn || null;
      if (state.selected && !shown(state.selected)) { state.selected = null; state.focus = null; state.focusEdges = null; }
      sigma.refresh();
      if (state.focus) fit(Object.keys(state.focus).filter(shown)); else fit();
    }
    function zoom(factor, duration) {
      // animated like a wheel step, so a big network drops its links while it moves
      var cam = sigma.getCamera();
      cam.animate({ ratio: cam.getState().ratio / factor }, { duration: duration === undefined ? 150 : duration });
    }
    function shortestPaths(a, b, max) {
      // breadth-first over the shown graph, in either direction; every shortest chain, up to max
      max = max || 25;
      if (!shown(a) || !shown(b)) return [];
      var dist = {}, preds = {}, queue = [a], head = 0;
      dist[a] = 0;
      while (head < queue.length) {
        var u = queue[head++];
        if (u === b) continue;
        if (dist[b] !== undefined && dist[u] >= dist[b]) continue;
        graph.forEachEdge(u, function (key, attrs, s, t) {
          if (state.edgeShown && !state.edgeShown(key)) return;
          var v = s === u ? t : s;
          if (!shown(v) || v === u) return;
          if (dist[v] === undefined) { dist[v] = dist[u] + 1; preds[v] = []; queue.push(v); }
          if (dist[v] === dist[u] + 1) preds[v].push([u, key]);
        });
      }
      if (dist[b] === undefined) return [];
      var out = [];
      (function walk(v, tail) {
        if (out.length >= max) return;
        if (v === a) { out.push(tail.slice().reverse()); return; }
        var seenPred = {};
        preds[v].forEach(function (pk) {
          if (out.length >= max) return;
          // one chain per sequence of entities (parallel relations are listed in the step)
          if (seenPred[pk[0]]) return;
          seenPred[pk[0]] = true;
          tail.push({ from: pk[0], to: v, edges: edgesBetween(pk[0], v) });
          walk(pk[0], tail);
          tail.pop();
        });
      })(b, []);
      return out;
    }
    function edgesBetween(u, v) {
      var out = [], seen = {};
      [[u, v], [v, u]].forEach(function (pair) {
        graph.forEachEdge(pair[0], pair[1], function (key) {
          if (!seen[key] && (!state.edgeShown || state.edgeShown(key))) { seen[key] = true; out.push(key); }
        });
      });
      return out;
    }

    api.select = select;
    api.highlight = highlight;
    api.clear = clear;
    api.setVisible = setVisible;
    api.fit = fit;
    api.zoom = zoom;
    api.shortestPaths = shortestPaths;
    api.neighbours = function (id) { return Object.keys(neighbours(id)); };
    api.visible = shown;
    api.selected = function () { return state.selected; };
    api.labels = function () { return drawn.map(function (l) { return { id: l.id, text: l.text, px: l.px, box: l.box.slice() }; }); };
    api.screen = function (id) {
      var d = sigma.getNodeDisplayData(id);
      if (!d) return null;
      var p = sigma.framedGraphToViewport(d);
      return { x: p.x, y: p.y, r: sigma.scaleSize(d.size) };
    };
    api.edgeIndex = function (key) { return graph.getEdgeAttribute(key, "index"); };
    api.edgeKey = function (index) { return edgeKeys[index]; };
    api.camera = function () { return sigma.getCamera().getState(); };
    // draw now (the renderer otherwise draws on the next animation frame)
    api.redraw = function () { sigma.refresh(); drawLabels(); };
    api.relabel = drawLabels;
    // sigma drew its first frame while it was made, before the label layer existed
    drawLabels();
    return api;
  }

  window.drawNetwork = drawNetwork;
})();
