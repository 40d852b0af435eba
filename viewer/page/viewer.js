"use strict";
// The attention viewer's page script (no library). It reads the data gat view embedded in
// <script id="gat-data">, decodes a layer's arrays when the layer is first shown, and draws the
// chosen node's in-neighbourhood as SVG. Its state is mirrored in the DOM (data-* attributes on
// <body> and on every edge) so that a headless browser can check what was drawn.
(function () {
  const PAGE_VERSION = 1;
  const WEIGHT_SCALE = 65535;
  const MAX_HOP2_EDGES = 800;
  const SVG = "http://www.w3.org/2000/svg";
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                   "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94"];
  const $ = (id) => document.getElementById(id);

  function showMessage(text, kind) {
    const m = $("message");
    m.textContent = text;
    m.className = kind || "error";
    m.dataset.kind = kind || "error";
    m.hidden = false;
  }
  function clearMessage() {
    const m = $("message");
    m.hidden = true;
    m.textContent = "";
    delete m.dataset.kind;
  }
  window.addEventListener("error", (e) => {
    showMessage("The viewer failed: " + e.message + ". Write the page again with gat view; if it fails again, " +
                "please report it.");
    document.body.dataset.state = "error";
  });

  function decode(text, Type) {
    if (!text) return null;
    const bin = atob(text);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; ++i) bytes[i] = bin.charCodeAt(i);
    return new Type(bytes.buffer);
  }

  // ---- the data -------------------------------------------------------------------------------
  function load() {
    let data;
    try {
      data = JSON.parse($("gat-data").textContent);
    } catch (e) {
      throw new Error("the page's embedded data is not valid JSON (" + e.message + ")");
    }
    if (data === null || typeof data !== "object" || data.page_version !== PAGE_VERSION)
      throw new Error("this page's data has version " + (data && data.page_version) + " but this viewer reads " +
                      "version " + PAGE_VERSION + ": write the page again with this gat's gat view");
    const nodes = data.nodes;
    const index = decode(nodes.index, Int32Array);
    const model = {
      data,
      numNodes: data.num_nodes,
      index,
      local: new Map(),
      names: nodes.names.length ? nodes.names : null,
      byName: new Map(),
      labels: decode(nodes.labels, Int32Array),
      predictions: decode(nodes.predictions, Int32Array),
      confidence: decode(nodes.confidence, Uint16Array),
      layers: data.attention.map((a) => ({ raw: a, heads: a.heads, edges: a.edges, decoded: null })),
    };
    for (let i = 0; i < index.length; ++i) {
      model.local.set(index[i], i);
      if (model.names) model.byName.set(model.names[i], index[i]);
    }
    return model;
  }

  // A layer's arrays, decoded the first time it is drawn.
  function layer(model, l) {
    const L = model.layers[l];
    if (!L.decoded) {
      const a = L.raw;
      const targets = decode(a.targets, Int32Array);
      const row = new Map();
      for (let i = 0; i < targets.length; ++i) row.set(targets[i], i);
      L.decoded = { row, offsets: decode(a.offsets, Int32Array), sources: decode(a.sources, Int32Array),
                    weights: decode(a.weights, Uint16Array) };
    }
    return L;
  }

  // The incoming edges of v in layer l, or null when they are not embedded.
  function inEdges(model, l, v) {
    const L = layer(model, l);
    const r = L.decoded.row.get(v);
    if (r === undefined) return null;
    const begin = L.decoded.offsets[r], end = L.decoded.offsets[r + 1];
    const H = L.heads, w = L.decoded.weights;
    const edges = [];
    for (let i = begin; i < end; ++i) {
      const perHead = [];
      for (let h = 0; h < H; ++h) perHead.push(w[i * H + h] / WEIGHT_SCALE);
      edges.push({ source: L.decoded.sources[i], target: v, weights: perHead });
    }
    return edges;
  }

  function shownWeight(edge, head) {
    if (head !== "mean") return edge.weights[head];
    let s = 0;
    for (const w of edge.weights) s += w;
    return s / edge.weights.length;
  }

  function nodeName(model, v) {
    const i = model.local.get(v);
    return model.names && i !== undefined ? model.names[i] : String(v);
  }
  function nodeClass(model, v, which) {
    const i = model.local.get(v);
    const arr = which === "true" ? model.labels : model.predictions;
    return arr && i !== undefined ? arr[i] : -1;
  }
  function isMisclassified(model, v) {
    const t = nodeClass(model, v, "true"), p = nodeClass(model, v, "predicted");
    return t >= 0 && p >= 0 && t !== p;
  }
  function confidence(model, v) {
    const i = model.local.get(v);
    return model.confidence && i !== undefined ? model.confidence[i] / 1000 : null;
  }

  // A node given by the user: the dataset's own id when it has them (asIndex: the node index).
  function resolveNode(model, text, asIndex) {
    text = String(text).trim();
    const n = model.numNodes;
    if (model.names && !asIndex) {
      if (model.byName.has(text)) return { node: model.byName.get(text) };
      if (model.data.complete)
        return { error: "No node of " + (model.data.dataset || "this graph") + " has the id \u201c" + text + "\u201d." };
      return { error: "Node \u201c" + text + "\u201d is not in this page: for a graph this large it holds only the " +
                      "neighbourhoods of the nodes in the lists. Write the page with gat view --node " + text +
                      " to see it." };
    }
    if (!/^[0-9]+$/.test(text) || Number(text) >= n)
      return { error: "Node \u201c" + text + "\u201d is not in the graph: it has " + n + " nodes, indices 0 to " +
                      (n - 1) + "." };
    return { node: Number(text) };
  }

  // ---- colours ---------------------------------------------------------------------------------
  function mix(a, b, t) {
    const pa = [1, 3, 5].map((k) => parseInt(a.substr(k, 2), 16));
    const pb = [1, 3, 5].map((k) => parseInt(b.substr(k, 2), 16));
    return "rgb(" + pa.map((x, k) => Math.round(x + (pb[k] - x) * t)).join(",") + ")";
  }
  // Blue below uniform, grey at uniform, red above: log2(w * in-degree) over [-2, 2].
  function edgeColour(weight, degree) {
    const r = Math.max(weight * degree, 1e-6);
    const t = Math.max(-1, Math.min(1, Math.log2(r) / 2));
    return t < 0 ? mix("#a0a0a0", "#2166ac", -t) : mix("#a0a0a0", "#b2182b", t);
  }
  function classColour(c) { return c < 0 ? "#dddddd" : PALETTE[c % PALETTE.length]; }

  // ---- drawing ---------------------------------------------------------------------------------
  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function title(e, text) { el("title", {}, e).textContent = text; }
  function width(w) { return (0.6 + 14 * w).toFixed(3); }

  function draw(model, state) {
    const svg = $("graph");
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const t = state.node, l = state.layer, head = state.head;
    const edges = inEdges(model, l, t);
    if (!edges) {
      showMessage("The neighbourhood of node " + nodeName(model, t) + " is not embedded in this page: for a graph " +
                  "this large it holds only the nodes of the lists above. Write the page with gat view --node " +
                  nodeName(model, t) + " to see it.");
      document.body.dataset.node = String(t);
      document.body.dataset.edges = "0";
      return false;
    }
    const degree = edges.length;
    const hop1 = [...new Set(edges.filter((e) => e.source !== t).map((e) => e.source))].sort((a, b) => a - b);
    const R1 = state.hop2 ? 170 : 260, R2 = 330;
    const pos = new Map([[t, [0, 0]]]);
    hop1.forEach((s, k) => {
      const a = 2 * Math.PI * k / Math.max(1, hop1.length) - Math.PI / 2;
      pos.set(s, [R1 * Math.cos(a), R1 * Math.sin(a)]);
    });

    // 2-hop: the edges into each 1-hop neighbour (not their self-loops), the strongest when many.
    let hop2 = [], hop2Total = 0, hop2Missing = 0;
    if (state.hop2) {
      for (const s of hop1) {
        const into = inEdges(model, l, s);
        if (!into) { ++hop2Missing; continue; }
        for (const e of into) if (e.source !== s) hop2.push({ edge: e, degree: into.length, w: shownWeight(e, head) });
      }
      hop2Total = hop2.length;
      if (hop2.length > MAX_HOP2_EDGES) {
        hop2.sort((a, b) => b.w - a.w || a.edge.source - b.edge.source || a.edge.target - b.edge.target);
        hop2 = hop2.slice(0, MAX_HOP2_EDGES);
      }
      const outer = [];
      for (const { edge } of hop2) if (!pos.has(edge.source) && !outer.includes(edge.source)) outer.push(edge.source);
      // Outer nodes in the order of their first parent, so that they sit near it.
      const parentAngle = (u) => {
        const p = hop2.find((x) => x.edge.source === u).edge.target;
        const [x, y] = pos.get(p);
        return Math.atan2(y, x);
      };
      const angles = new Map(outer.map((u) => [u, parentAngle(u)]));
      outer.sort((a, b) => angles.get(a) - angles.get(b) || a - b);
      const offset = outer.length ? angles.get(outer[0]) : 0;
      outer.forEach((u, k) => {
        const a = offset + 2 * Math.PI * k / outer.length;
        pos.set(u, [R2 * Math.cos(a), R2 * Math.sin(a)]);
      });
    }

    const gHop2 = el("g", { id: "hop2-edges" }, svg);
    for (const { edge, degree: d, w } of hop2) {
      const [x1, y1] = pos.get(edge.source), [x2, y2] = pos.get(edge.target);
      const line = el("line", { class: "edge hop2", x1, y1, x2, y2, "stroke-width": (0.3 + 6 * w).toFixed(3),
                                stroke: edgeColour(w, d), "stroke-opacity": 0.45, "data-source": edge.source,
                                "data-target": edge.target, "data-weight": w.toFixed(6) }, gHop2);
      title(line, nodeName(model, edge.source) + " \u2192 " + nodeName(model, edge.target) + ": " + w.toFixed(4));
    }
    const gHop1 = el("g", { id: "hop1-edges" }, svg);
    for (const e of edges) {
      const w = shownWeight(e, head);
      const common = { "stroke-width": width(w), stroke: edgeColour(w, degree), fill: "none",
                       "data-source": e.source, "data-target": t, "data-weight": w.toFixed(6),
                       "data-weights": e.weights.map((x) => x.toFixed(6)).join(" ") };
      let shape;
      if (e.source === t) {
        shape = el("circle", Object.assign({ class: "edge hop1 self-loop", cx: 0, cy: -26, r: 17 }, common), gHop1);
      } else {
        const [x1, y1] = pos.get(e.source);
        shape = el("line", Object.assign({ class: "edge hop1", x1, y1, x2: 0, y2: 0 }, common), gHop1);
      }
      title(shape, (e.source === t ? "self-loop" : nodeName(model, e.source) + " \u2192 " + nodeName(model, t)) +
                   ": " + w.toFixed(4) + " (uniform " + (1 / degree).toFixed(4) + ")");
    }

    const gNodes = el("g", { id: "nodes" }, svg);
    const labelled = hop1.length <= 40;
    for (const [v, [x, y]] of pos) {
      const hop = v === t ? 0 : hop1.includes(v) ? 1 : 2;
      const c = nodeClass(model, v, state.colour);
      const wrong = isMisclassified(model, v);
      const circle = el("circle", { class: "node hop" + hop, cx: x, cy: y, r: [14, 8, 5][hop], fill: classColour(c),
                                    stroke: wrong ? "#000" : "#fff", "stroke-width": wrong ? 2 : 1,
                                    "stroke-dasharray": wrong ? "3 2" : "none", "data-node": v }, gNodes);
      const p = confidence(model, v);
      title(circle, "node " + nodeName(model, v) + (model.names ? " (index " + v + ")" : "") + ", true class " +
                    nodeClass(model, v, "true") + ", predicted " + nodeClass(model, v, "predicted") +
                    (p === null ? "" : " (p = " + p.toFixed(3) + ")"));
      circle.addEventListener("click", () => state.go(v));
      if (hop === 0 || (hop === 1 && labelled)) {
        const text = el("text", { class: "node-label", x: x + (hop ? 10 : 17), y: y + 4 }, gNodes);
        text.textContent = nodeName(model, v);
      }
    }
    if (hop2.length < hop2Total)
      el("text", { x: -350, y: 350, class: "node-label" }, svg).textContent =
          "2-hop: the " + hop2.length + " strongest of " + hop2Total + " edges";
    if (hop2Missing)
      el("text", { x: -350, y: 336, class: "node-label" }, svg).textContent =
          hop2Missing + " neighbours' own neighbourhoods are not embedded";

    const b = document.body.dataset;
    b.node = String(t);
    b.layer = String(l);
    b.head = String(head);
    b.edges = String(edges.length);
    b.hop2Edges = String(hop2.length);
    drawSide(model, state, edges);
    return true;
  }

  function tableRow(table, cells, header) {
    const tr = document.createElement("tr");
    for (const [text, cls] of cells) {
      const td = document.createElement(header ? "th" : "td");
      td.textContent = text;
      if (cls) td.className = cls;
      tr.appendChild(td);
    }
    table.appendChild(tr);
    return tr;
  }

  function drawSide(model, state, edges) {
    const t = state.node, head = state.head, degree = edges.length;
    $("node-title").textContent = "Node " + nodeName(model, t) + (model.names ? " (index " + t + ")" : "");
    const p = confidence(model, t);
    let entropy = 0;
    for (const e of edges) {
      const w = shownWeight(e, head);
      if (w > 0) entropy -= w * Math.log(w);
    }
    $("node-facts").textContent =
        "true class " + nodeClass(model, t, "true") + ", predicted " + nodeClass(model, t, "predicted") +
        (p === null ? "" : " (p = " + p.toFixed(3) + ")") + "; layer " + state.layer + ", " +
        (head === "mean" ? "average of heads" : "head " + head) + ": " + degree + " incoming edges with the " +
        "self-loop, attention entropy " + entropy.toFixed(3) + " against ln " + degree + " = " +
        Math.log(degree).toFixed(3) + " for uniform.";
    const table = $("topk-table");
    table.innerHTML = "";
    tableRow(table, [["#"], ["neighbour", "text"], ["true"], ["predicted"], ["weight"], ["\u00d7 uniform"]], true);
    const sorted = edges.map((e) => ({ e, w: shownWeight(e, head) }))
                        .sort((a, b) => b.w - a.w || a.e.source - b.e.source);
    sorted.slice(0, state.topk).forEach(({ e, w }, k) => {
      const tr = tableRow(table, [[String(k + 1)], [nodeName(model, e.source) + (e.source === t ? " (self-loop)" : ""),
                                   "text"], [String(nodeClass(model, e.source, "true"))],
                                  [String(nodeClass(model, e.source, "predicted"))], [w.toFixed(4)],
                                  [(w * degree).toFixed(2)]]);
      tr.dataset.source = e.source;
      tr.dataset.weight = w.toFixed(6);
    });
    if (sorted.length > state.topk)
      tableRow(table, [[""], [(sorted.length - state.topk) + " more", "text"], [""], [""], [""], [""]]);
    highlightStatistics(state);
  }

  // ---- statistics ----------------------------------------------------------------------------
  function drawStatistics(model) {
    const table = $("stats-table");
    tableRow(table, [["layer"], ["head"], ["nodes"], ["mean H"], ["mean ln d"], ["H / ln d"], ["KL"], ["TV"],
                     ["self-loop"], ["1 / d"]], true);
    for (const s of model.data.statistics) {
      const tr = tableRow(table, [[String(s.layer)], [String(s.head)], [String(s.nodes)], [s.entropy.toFixed(4)],
                                  [s.uniform_entropy.toFixed(4)],
                                  [(s.uniform_entropy > 0 ? s.entropy / s.uniform_entropy : 1).toFixed(4)],
                                  [s.kl.toFixed(4)], [s.total_variation.toFixed(4)], [s.self_loop.toFixed(4)],
                                  [s.uniform_self_loop.toFixed(4)]]);
      tr.dataset.layer = s.layer;
      tr.dataset.head = s.head;
    }
  }

  function highlightStatistics(state) {
    for (const tr of $("stats-table").querySelectorAll("tr[data-layer]")) {
      const here = Number(tr.dataset.layer) === state.layer &&
                   (state.head === "mean" || Number(tr.dataset.head) === state.head);
      tr.classList.toggle("current", here);
    }
    drawHistogram(state);
  }

  // The histogram of per-node entropy of the chosen head (head 0 for the average) against ln d.
  let statisticsModel = null;
  function drawHistogram(state) {
    const box = $("histogram");
    box.innerHTML = "";
    const h = state.head === "mean" ? 0 : state.head;
    const s = statisticsModel.data.statistics.find((x) => x.layer === state.layer && x.head === h);
    if (!s) return;
    const W = 640, Hh = 200, pad = 40, bins = s.entropy_histogram.length;
    const svg = el("svg", { width: W, height: Hh + 60, class: "histogram", "font-size": 11 }, box);
    const top = Math.max(1, ...s.entropy_histogram, ...s.uniform_histogram);
    const bw = (W - 2 * pad) / bins;
    for (let b = 0; b < bins; ++b) {
      const x = pad + b * bw;
      const hu = Hh * s.uniform_histogram[b] / top, he = Hh * s.entropy_histogram[b] / top;
      el("rect", { x, y: 20 + Hh - hu, width: bw - 1, height: hu, fill: "none", stroke: "#888" }, svg);
      el("rect", { x: x + 2, y: 20 + Hh - he, width: bw - 5, height: he, fill: "#1f77b4", "fill-opacity": 0.7,
                   class: "entropy-bar", "data-count": s.entropy_histogram[b] }, svg);
    }
    el("text", { x: pad, y: 12 }, svg).textContent = "layer " + s.layer + ", head " + h + ": nodes by attention " +
        "entropy (blue) and by the uniform distribution's, ln d (outline)";
    for (let k = 0; k <= 4; ++k) {
      const v = s.histogram_width * bins * k / 4;
      el("text", { x: pad + (W - 2 * pad) * k / 4, y: Hh + 36, "text-anchor": "middle" }, svg).textContent = v.toFixed(2);
    }
    el("text", { x: W / 2, y: Hh + 54, "text-anchor": "middle" }, svg).textContent = "entropy (nats)";
  }

  // ---- controls ----------------------------------------------------------------------------------
  function option(select, value, text) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    select.appendChild(o);
  }

  function readUrl(model, state) {
    const q = new URLSearchParams(window.location.search);
    if (q.has("layer")) {
      const l = Number(q.get("layer"));
      if (Number.isInteger(l) && l >= 0 && l < model.layers.length) state.layer = l;
      else showMessage("Layer " + q.get("layer") + " does not exist: the model has " + model.layers.length +
                       " attention layers (0-based).");
    }
    if (q.has("head")) {
      const h = q.get("head");
      if (h === "mean") state.head = "mean";
      else if (/^[0-9]+$/.test(h) && Number(h) < model.layers[state.layer].heads) state.head = Number(h);
      else showMessage("Head " + h + " does not exist: layer " + state.layer + " has " +
                       model.layers[state.layer].heads + " heads (0-based), or use head=mean.");
    }
    if (q.has("colour")) state.colour = q.get("colour") === "true" ? "true" : "predicted";
    if (q.has("hop2")) state.hop2 = q.get("hop2") !== "0";
    // only=statistics: the statistics and the training curve alone (for pictures of them).
    if (q.get("only") === "statistics") document.body.classList.add("only-statistics");
    if (q.has("topk") && Number(q.get("topk")) > 0) state.topk = Math.floor(Number(q.get("topk")));
    if (q.has("index")) return { text: q.get("index"), asIndex: true };
    return q.has("node") ? { text: q.get("node"), asIndex: false } : null;
  }

  function writeUrl(state) {
    const q = new URLSearchParams({ index: state.node, layer: state.layer, head: state.head });
    try { history.replaceState(null, "", "?" + q.toString()); } catch (e) { /* some file:// hosts refuse */ }
  }

  function fillHeads(model, state) {
    const select = $("head");
    select.innerHTML = "";
    const H = model.layers[state.layer].heads;
    for (let h = 0; h < H; ++h) option(select, h, "head " + h);
    option(select, "mean", "average of heads");
    if (state.head !== "mean" && state.head >= H) state.head = 0;
    select.value = String(state.head);
  }

  function fillPickers(model) {
    const p = model.data.pickers;
    const label = {
      most_confident: (v) => nodeName(model, v) + " (p = " + confidence(model, v).toFixed(3) + ")",
      misclassified: (v) => nodeName(model, v) + " (" + nodeClass(model, v, "true") + " taken for " +
                            nodeClass(model, v, "predicted") + ")",
      highest_entropy: (v) => nodeName(model, v),
    };
    for (const key of ["most_confident", "misclassified", "highest_entropy"]) {
      const select = $("pick-" + key);
      const list = p[key] || [];
      option(select, "", list.length ? "choose\u2026" : key === "highest_entropy" ? "none" : "needs a checkpoint");
      select.disabled = list.length === 0;
      for (const v of list) option(select, v, label[key](v));
    }
  }

  function start() {
    const t0 = performance.now();
    const model = load();
    statisticsModel = model;
    $("dataset").textContent = model.data.dataset ? "\u2014 " + model.data.dataset : "";
    $("note").textContent = model.data.note + " " + model.numNodes + " nodes; " +
        (model.data.complete ? "every node's neighbourhood is in this page."
                             : "this page holds the neighbourhoods of " + model.layers.map(
                                   (L, l) => layer(model, l).decoded.row.size)[0] + " nodes (the lists' and their " +
                                   "neighbours'); gat view --node ID adds others.");
    const state = { node: model.data.first_node, layer: 0, head: "mean", colour: "predicted", hop2: true,
                    topk: 10 };
    clearMessage();
    const requested = readUrl(model, state);
    if (requested !== null) {
      const r = resolveNode(model, requested.text, requested.asIndex);
      if (r.error) showMessage(r.error + " Showing node " + nodeName(model, state.node) + " instead.");
      else state.node = r.node;
    }
    const redraw = () => {
      clearMessage();
      draw(model, state);
      writeUrl(state);
    };
    state.go = (v) => { state.node = v; $("node-input").value = nodeName(model, v); redraw(); };

    for (let l = 0; l < model.layers.length; ++l)
      option($("layer"), l, "layer " + l + " (" + model.layers[l].heads + " heads)");
    $("layer").value = String(state.layer);
    fillHeads(model, state);
    fillPickers(model);
    $("colour").value = state.colour;
    $("hop2").checked = state.hop2;
    $("topk").value = state.topk;
    $("node-input").value = nodeName(model, state.node);
    drawStatistics(model);
    if (model.data.training_curve_svg) {
      $("curve").hidden = false;
      $("curve-svg").innerHTML = model.data.training_curve_svg;
    }

    $("layer").addEventListener("change", () => { state.layer = Number($("layer").value); fillHeads(model, state); redraw(); });
    $("head").addEventListener("change", () => {
      const v = $("head").value;
      state.head = v === "mean" ? "mean" : Number(v);
      redraw();
    });
    $("colour").addEventListener("change", () => { state.colour = $("colour").value; redraw(); });
    $("hop2").addEventListener("change", () => { state.hop2 = $("hop2").checked; redraw(); });
    $("topk").addEventListener("change", () => { state.topk = Math.max(1, Number($("topk").value) || 10); redraw(); });
    const goTyped = () => {
      const r = resolveNode(model, $("node-input").value);
      if (r.error) showMessage(r.error);
      else state.go(r.node);
    };
    $("node-go").addEventListener("click", goTyped);
    $("node-input").addEventListener("keydown", (e) => { if (e.key === "Enter") goTyped(); });
    for (const key of ["most_confident", "misclassified", "highest_entropy"])
      $("pick-" + key).addEventListener("change", (e) => { if (e.target.value !== "") state.go(Number(e.target.value)); });

    draw(model, state);  // the URL is left as given: it may be the one a message is about
    // From the start of navigation (the HTML's and the data's parsing included), and this script's part.
    document.body.dataset.firstPictureMs = performance.now().toFixed(1);
    document.body.dataset.scriptMs = (performance.now() - t0).toFixed(1);
    document.body.dataset.state = "ready";
  }

  try {
    start();
  } catch (e) {
    showMessage("This page cannot show the attention: " + e.message + ".");
    document.body.dataset.state = "error";
  }
})();
