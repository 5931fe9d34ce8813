// The computational-graph view: the network as multiply, add, activation and loss nodes, each
// box showing its forward value (black) and, after the backward pass, the gradient flowing into
// it (purple, ←). Stepping backward lights the boxes from right to left. A view: every number
// comes from the server's trace.

import { exact, formatNumber } from "./format.js";
import { t } from "../i18n/index.js";
import { svg } from "./svg.js";
import { biasOf, definition, isInput, layers, passedOn, passedOnPath, pathsOf, weightsInto } from "../state/definition.js";

// The worked example's layout, drawn by hand: eight columns (its products, sums and activations
// of two layers, then the losses) on a 2120 × 1080 canvas.
const EXAMPLE = { width: 2120, height: 1080, middle: 540,
  x: [0, 160, 470, 765, 1090, 1400, 1685, 1980], w: [0, 300, 252, 276, 310, 252, 270, 260] };
const HEAD = 36;
const ROW = 36;
const PAD = 14;
// Any other shape: columns of these widths side by side, each layer's neurons far enough apart
// that the products into one never meet those into the next.
const COLUMN_WIDTH = { mul: 336, add: 286, act: 326, loss: 286 };
const COLUMN_GAP = 44;
const MARGIN = 24;
// a graph wider than the worked example's is drawn no smaller than this share of its units
const MIN_SCALE = 0.5;

// Backward stages, right to left: stage 1 lights first.
const F = "forward";
const B = "backward";

const val = (path) => (data) => path.reduce((node, key) => (node == null ? null : node[key]), data);

function activationSymbol(activation) {
  return { sigmoid: "σ", tanh: "tanh", relu: "relu" }[activation] ?? activation;
}

// Where a layer's neurons sit: the worked example's two at 242 and 838, its outputs' losses at
// 160 and 920, and the products into a neuron around it, 240 apart.
const NEURON_SPACING = 596;
const LOSS_SPACING = 760;
const PRODUCT_SPACING = 240;
const spread = (index, count, spacing, middle) => middle + (index - (count - 1) / 2) * spacing;
const isExampleShape = (all) => all.length === 3 && all.every((layer) => layer.length === 2);

/** The columns of a graph of `all` (the layers): the worked example's, or for any other shape,
 * a product, a sum and an activation column per layer after the inputs, then the losses and
 * their total, each its own width. */
function columnsOf(all, softmax) {
  if (isExampleShape(all)) return { x: EXAMPLE.x, w: EXAMPLE.w, width: EXAMPLE.width };
  const kinds = [null];
  for (let l = 1; l < all.length; l += 1) kinds.push("mul", "add", "act");
  if (!softmax) kinds.push("loss", "loss");
  const x = [0];
  const w = [0];
  let right = MARGIN - COLUMN_GAP;
  for (const kind of kinds.slice(1)) {
    const width = COLUMN_WIDTH[kind];
    x.push(right + COLUMN_GAP + width / 2);
    w.push(width);
    right += COLUMN_GAP + width;
  }
  return { x, w, width: right + MARGIN };
}

/** The graph of the network for `options`: {nodes: [{id, col, y, head, rows, stage, edges}],
 * x, w (each column's centre and width), width, height}, read from the network's definition:
 * per layer after the inputs, a product (×) per weight, a sum (+) per neuron with the layer's
 * bias, an activation per neuron; then the loss. */
export function graphOf(options) {
  const softmax = options.loss === "cross_entropy";
  const act = activationSymbol(options.activation);
  const nodes = [];
  const all = layers();
  const last = all.length - 1;
  // the columns of layer l (1 … last): its products, its sums, its activations
  const colOf = (l) => ({ mul: 3 * l - 2, add: 3 * l - 1, act: 3 * l });
  // backward stages, counted from the loss: the output layer's sums light after its loss
  const stages = [];
  let stage = softmax ? 3 : 4;
  for (let l = last; l >= 1; l -= 1) {
    stages[l] = { act: l === last ? 3 : stage - 1, add: stage, mul: stage + 1 };
    stage += 3;
  }
  const example = isExampleShape(all);
  const middle = example ? EXAMPLE.middle : 0; // any other shape is moved into view at the end
  // a layer's neurons far enough apart for the products into each, and for an activation box
  // with a line per path
  const spacingOf = (l) => (example ? NEURON_SPACING : Math.max(all[l - 1].length * PRODUCT_SPACING + 56, 380));
  const layerOf = (neuron) => all.findIndex((names) => names.includes(neuron));
  const y = (neuron) => {
    const l = layerOf(neuron);
    return spread(all[l].indexOf(neuron), all[l].length, spacingOf(l), middle);
  };

  for (let l = 1; l <= last; l += 1) {
    for (const to of all[l]) {
      const into = weightsInto(to);
      into.forEach(({ name: w, from }, k) => {
        const input = passedOn(from);
        const first = isInput(from);
        nodes.push({ id: `mul_${w}`, col: colOf(l).mul, y: y(to) + (k - (into.length - 1) / 2) * PRODUCT_SPACING,
          head: `× ${w}·${input}`, kind: "mul", stage: stages[l].mul, edges: first ? [] : [`act_${from}`], to: `add_${to}`,
          rows: [
            [F, w, "weight", val(["state", "weights", w])],
            ...(first ? [[F, input, "input", val(passedOnPath(from))]] : []),
            [F, "=", "value", val(["terms", `${w}_${input}`])],
            [B, "←", "in", val(["deltas", to])],
            [B, `∂E/∂${w}`, "grad", val(["gradients", w])],
          ] });
      });
    }
  }
  for (let l = 1; l <= last; l += 1) {
    const sources = (n) => nodes.filter((node) => node.to === `add_${n}`).map((node) => node.id);
    for (const n of all[l]) {
      nodes.push({ id: `add_${n}`, col: colOf(l).add, y: y(n), head: `+ net_${n}`, kind: "add", stage: stages[l].add,
        edges: [...sources(n), biasOf(n)],
        rows: [
          [F, "=", "value", val(["forward", `net_${n}`])],
          [B, "←", "in", val(["deltas", n])],
        ] });
    }
    const bias = biasOf(all[l][0]);
    // the worked example's bias sits between its two sums; any other's below the last sum
    const biasY = example ? middle : y(all[l].at(-1)) + 200;
    nodes.push({ id: bias, col: colOf(l).add, y: biasY, w: example ? 310 : undefined, head: bias, kind: "leaf", stage: stages[l].add,
      rows: [
        [F, "", "value", val(["state", "biases", bias])],
        [B, `∂E/∂${bias}`, "grad", val(["gradients", bias])],
      ], note: all[l].join("+") });
  }
  for (let l = 1; l < last; l += 1) {
    for (const h of all[l]) {
      nodes.push({ id: `act_${h}`, col: colOf(l).act, y: y(h), head: `${act} out_${h}`, kind: "act", stage: stages[l].act,
        edges: [`add_${h}`],
        rows: [
          [F, "=", "value", val(["forward", `out_${h}`])],
          [B, "←", "in", val(["factors", `dE_dout_${h}`])],
          ...pathsOf(h).map(({ through, factor }) => [B, `←${through}`, `via_${through}`, val(["factors", factor])]),
          [B, `${act}′`, "local", val(["factors", `dout_${h}_dnet_${h}`])],
        ] });
    }
  }
  const outputs = all[last];
  if (softmax) {
    nodes.push({ id: "softmax", col: colOf(last).act, y: middle, head: "softmax + loss", kind: "loss", stage: 1,
      edges: outputs.map((o) => `add_${o}`),
      rows: [
        ...outputs.map((o) => [F, `out_${o}`, `out_${o}`, val(["forward", `out_${o}`])]),
        ...outputs.map((o) => [F, `t_${o}`, `t_${o}`, val(["state", "targets", o])]),
        ...outputs.map((o) => [F, `E_${o}`, `E_${o}`, val(["forward", `E_${o}`])]),
        [F, "=", "value", val(["forward", "E_total"])],
        [B, "←", "in", () => 1],
      ] });
  } else {
    for (const o of outputs) {
      nodes.push({ id: `act_${o}`, col: colOf(last).act, y: y(o), head: `${act} out_${o}`, kind: "act", stage: stages[last].act,
        edges: [`add_${o}`],
        rows: [
          [F, "=", "value", val(["forward", `out_${o}`])],
          [B, "←", "in", val(["factors", `dE_dout_${o}`])],
          [B, `${act}′`, "local", val(["factors", `dout_${o}_dnet_${o}`])],
        ] });
    }
    outputs.forEach((o, j) => {
      nodes.push({ id: `loss_${o}`, col: colOf(last).act + 1,
        y: example ? spread(j, outputs.length, LOSS_SPACING, middle) : y(o), head: `½(t−out)² E_${o}`,
        kind: "loss", stage: 2, edges: [`act_${o}`],
        rows: [
          [F, "t", "target", val(["state", "targets", o])],
          [F, "=", "value", val(["forward", `E_${o}`])],
          [B, "←", "in", () => 1],
        ] });
    });
    nodes.push({ id: "total", col: colOf(last).act + (example ? 1 : 2), y: middle, head: "+ E_total", kind: "add", stage: 1,
      edges: outputs.map((o) => `loss_${o}`),
      rows: [
        [F, "=", "value", val(["forward", "E_total"])],
        [B, "←", "in", () => 1],
      ] });
  }
  const columns = columnsOf(all, softmax);
  if (example) return { nodes, ...columns, height: EXAMPLE.height };
  const boxes = nodes.map((node) => boxOf(node, columns));
  const top = Math.min(...boxes.map((box) => box.y));
  const bottom = Math.max(...boxes.map((box) => box.y + box.h));
  for (const node of nodes) node.y += MARGIN - top;
  return { nodes, ...columns, height: bottom - top + 2 * MARGIN };
}

/** The box of `node` in columns {x, w}: {x, y, w, h}. */
export function boxOf(node, { x, w }) {
  const width = node.w ?? w[node.col];
  const h = HEAD + node.rows.length * ROW + PAD;
  return { x: x[node.col] - width / 2, y: node.y - h / 2, w: width, h };
}

/** Where the edge from box a to box b leaves a and enters b. */
function anchors(a, b) {
  const ac = { x: a.x + a.w / 2, y: a.y + a.h / 2 };
  const bc = { x: b.x + b.w / 2, y: b.y + b.h / 2 };
  if (Math.abs(bc.x - ac.x) > a.w / 2 + 10) {
    return [{ x: a.x + a.w, y: ac.y }, { x: b.x, y: bc.y }];
  }
  return bc.y > ac.y ? [{ x: ac.x, y: a.y + a.h }, { x: bc.x, y: b.y }] : [{ x: ac.x, y: a.y }, { x: bc.x, y: b.y + b.h }];
}

/** A text with "_x" written as a subscript: "out_h1" → out with h1 below. */
function label(text, parent, attributes) {
  const element = svg("text", attributes, parent);
  text.split(/_(\w+)/).forEach((part, index) => {
    if (!part) return;
    if (index % 2) svg("tspan", { class: "sub", dy: "6" }, element).textContent = part;
    else if (index > 0) svg("tspan", { dy: "-6" }, element).textContent = part;
    else element.append(part);
  });
  return element;
}

export function createGraph(root) {
  let key = null; // which graph is drawn: the loss and activation options
  let builtFrom = null; // the definition it was drawn from (another shape is drawn again)
  let cells = new Map(); // testid -> {element, node, read}
  let stage = Infinity; // how many backward stages are lit
  let maxStage = 8;
  let last = null; // {data, digits}
  let timer = null;

  function build(options) {
    root.replaceChildren();
    cells = new Map();
    const defs = svg("defs", {}, root);
    const marker = svg("marker", { id: "graph-arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" }, defs);
    svg("path", { d: "M0,0 L10,5 L0,10 z", class: "graph-arrow-head" }, marker);
    const graph = graphOf(options);
    const { nodes } = graph;
    root.setAttribute("viewBox", `0 0 ${graph.width} ${graph.height}`);
    // wider than the worked example's: drawn at its scale or larger, and scrolled sideways
    root.style.minWidth = graph.width > EXAMPLE.width ? `${Math.round(graph.width * MIN_SCALE)}px` : "";
    maxStage = Math.max(...nodes.map((n) => n.stage));
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const edgeLayer = svg("g", { class: "graph-edges" }, root);
    const nodeLayer = svg("g", { class: "graph-nodes" }, root);
    for (const node of nodes) {
      for (const from of node.edges ?? []) {
        const [p, q] = anchors(boxOf(byId.get(from), graph), boxOf(node, graph));
        // a bias feeds every sum of its layer: its edges dashed, so that they read apart from
        // the edges between neurons where they pass them
        const kind = byId.get(from).kind === "leaf" ? "graph-edge graph-bias-edge" : "graph-edge";
        svg("line", { x1: p.x, y1: p.y, x2: q.x, y2: q.y, class: kind, "marker-end": "url(#graph-arrow)", "data-stage": node.stage }, edgeLayer);
      }
    }
    for (const node of nodes) {
      const box = boxOf(node, graph);
      const group = svg("g", { class: `graph-node ${node.kind}`, "data-node": node.id, "data-stage": node.stage, "data-testid": `graph-node-${node.id}` }, nodeLayer);
      svg("rect", { x: box.x, y: box.y, width: box.w, height: box.h, rx: 14, class: "graph-box" }, group);
      label(node.head, group, { x: box.x + 12, y: box.y + 27, class: "graph-head" });
      node.rows.forEach(([kind, name, slot, read], index) => {
        const y = box.y + HEAD + ROW * index + 26;
        const row = svg("g", { class: `graph-row ${kind}` }, group);
        if (name) label(name, row, { x: box.x + 12, y, class: "graph-label" });
        const value = svg("text", { x: box.x + box.w - 12, y, "text-anchor": "end", class: "graph-value", "data-testid": `graph-${node.id}-${slot}` }, row);
        value.textContent = "…";
        cells.set(`${node.id}-${slot}`, { element: value, node, kind, read });
      });
    }
    root.setAttribute("aria-label", t("lessons.graph.aria"));
  }

  function paint() {
    if (!last) return;
    const { data, digits } = last;
    const backward = Boolean(data.gradients);
    for (const { element, node, kind, read } of cells.values()) {
      const hidden = kind === B && (!backward || node.stage > stage);
      const value = hidden ? null : read(data);
      element.textContent = hidden ? "…" : formatNumber(value, digits);
      element.setAttribute("data-value", hidden ? "" : exact(value));
    }
    for (const element of root.querySelectorAll("[data-stage]")) {
      const s = Number(element.dataset.stage);
      element.classList.toggle("lit", backward && s > 0 && s <= stage);
      element.classList.toggle("current", backward && s > 0 && s === stage);
    }
    root.dataset.stage = backward ? String(Math.min(stage, maxStage)) : "0";
  }

  return {
    /** Show `data` = {state (the one sent), forward, terms, factors?, deltas?, gradients?}. */
    render(data, { digits, fresh }) {
      const wanted = `${data.state.options.loss}/${data.state.options.activation}/${document.documentElement.lang}`;
      if (wanted !== key || definition() !== builtFrom) {
        build(data.state.options);
        key = wanted;
        builtFrom = definition();
      }
      if (fresh) {
        clearInterval(timer);
        stage = Infinity;
      }
      last = { data, digits };
      paint();
    },
    /** Light one more stage of the backward pass (from the right); 0 shows the forward pass only. */
    back() {
      clearInterval(timer);
      stage = stage >= maxStage ? 0 : stage + 1;
      paint();
      return Math.min(stage, maxStage);
    },
    forwardOnly() {
      clearInterval(timer);
      stage = 0;
      paint();
    },
    all() {
      clearInterval(timer);
      stage = Infinity;
      paint();
    },
    replay(ms = 500) {
      clearInterval(timer);
      stage = 0;
      paint();
      timer = setInterval(() => {
        stage += 1;
        paint();
        if (stage >= maxStage) clearInterval(timer);
      }, ms);
    },
    stages: () => maxStage,
    stage: () => Math.min(stage, maxStage),
    rebuild() {
      key = null;
    },
  };
}
