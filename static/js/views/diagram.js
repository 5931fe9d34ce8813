// The network drawn as in the worked example's figure: i1, i2 on the left, h1, h2 in the middle,
// o1, o2 on the right, b1 and b2 below; on a phone turned to run top to bottom. A view: it shows
// the numbers it is given and computes none.

import { exact, formatNumber } from "./format.js";
import { t } from "../i18n/index.js";
import { setValue, svg } from "./svg.js";
import { definition } from "../state/definition.js";
import { tallLayout, wideLayout } from "./layout.js";

// Two drawings of the same network. On a wide screen the worked example's figure: the network
// runs left to right. On a phone (the media query below) it turns to run top to bottom, i1 i2
// on top, h1 h2, o1 o2 below, at a scale where its numbers read at the phone's text size; the
// weights into a neuron stand in the column above it, the bias below them. Each holds its
// geometry in units of its viewBox.
const NARROW = "(max-width: 700px)";

// The wide drawing spans y = 70…630: the view is cropped to it, so no blank band costs the room
// the explanation below needs on a 768 px projector.
const TOP = 175;
const BOTTOM = 525;
const MIDDLE = (TOP + BOTTOM) / 2;

const WIDE = {
  name: "wide",
  viewBox: [0, 60, 1464, 580],
  flow: "right",
  // Boxes: centre, width, height. Each neuron box holds its own numbers, so nothing floats free.
  // The biases sit between the two neurons they feed, with an edge to each.
  boxes: {
    i1: { x: 60, y: TOP, w: 110, h: 84 },
    i2: { x: 60, y: BOTTOM, w: 110, h: 84 },
    h1: { x: 636, y: TOP, w: 292, h: 140 },
    h2: { x: 636, y: BOTTOM, w: 292, h: 140 },
    o1: { x: 1308, y: TOP, w: 306, h: 196 },
    o2: { x: 1308, y: BOTTOM, w: 306, h: 196 },
    b1: { x: 598, y: MIDDLE, w: 250, h: 136 },
    b2: { x: 1308, y: MIDDLE, w: 260, h: 136 },
  },
  // Where each weight's label sits along its edge (t from its start), and above/below/on the
  // line; what the edges join comes from the network's definition.
  labels: {
    w1: { t: 0.5, side: "above" },
    w2: { t: 0.34, side: "on" },
    w3: { t: 0.34, side: "on" },
    w4: { t: 0.5, side: "below" },
    w5: { t: 0.5, side: "above" },
    w6: { t: 0.35, side: "on" },
    w7: { t: 0.35, side: "on" },
    w8: { t: 0.5, side: "below" },
  },
  caption: { x: 636, y: 92 },
  line: 28, // between rows of numbers
  pad: 14, // a box's inner margin
  title: 34, // a box's name, from its top
  rowNudge: 4,
  labelPad: { x: 10, y: 6 },
  weightX: 44, // where a weight label's numbers start at the least: on its name's row, below
  rowValueX: 70,
  nameGap: 12, // between a label's widest name and its numbers
  inputValueY: (box) => box.h - 18,
  biasRows: { grad: 0, change: 2, stacked: true }, // a bias box is narrow, between two neurons
  strokeScale: 1,
};

// The phone's drawing: 350 units across, drawn about 1:1 on a 390 px phone, so 14-unit text
// is 14 px. Two columns of 170.
const COLUMN = 170;
const LEFT = COLUMN / 2;
const RIGHT = 350 - COLUMN / 2;
const CENTRE = 175;
const BIAS_WIDTH = 230;
const tallBoxes = () => {
  const rowsHeight = (rows) => 21 + 21 * rows + 11;
  const label = 66; // a weight label of three rows, with its margins
  const boxes = {};
  const slots = {};
  let y = 26;
  const row = (names, height) => {
    names.forEach((name, k) => { boxes[name] = { x: k ? RIGHT : LEFT, y: y + height / 2, w: COLUMN, h: height }; });
    y += height;
  };
  // the weights into the left neuron stand in the left column, into the right one in the right
  // column; the top row joins each neuron to the one above it, the bottom row crosses over
  const band = ([straightLeft, straightRight], [crossLeft, crossRight], bias) => {
    y += 14;
    slots[straightLeft] = { x: 0, y, align: "left" };
    slots[straightRight] = { x: 350, y, align: "right" };
    y += label + 8;
    slots[crossLeft] = { x: 0, y, align: "left" };
    slots[crossRight] = { x: 350, y, align: "right" };
    y += label + 8;
    const height = rowsHeight(2);
    boxes[bias] = { x: CENTRE, y: y + height / 2, w: BIAS_WIDTH, h: height }; // alone on its row
    y += height + 16;
  };
  row(["i1", "i2"], 30);
  band(["w1", "w4"], ["w2", "w3"], "b1");
  row(["h1", "h2"], rowsHeight(3));
  band(["w5", "w8"], ["w6", "w7"], "b2");
  row(["o1", "o2"], rowsHeight(5));
  return { boxes, slots, height: y + 6 };
};
const TALL_GEOMETRY = tallBoxes();

const TALL = {
  name: "tall",
  viewBox: [0, 0, 350, TALL_GEOMETRY.height],
  flow: "down",
  boxes: TALL_GEOMETRY.boxes,
  labels: TALL_GEOMETRY.slots,
  caption: { x: CENTRE, y: 16 },
  line: 21,
  pad: 8,
  title: 21,
  rowNudge: 2,
  labelPad: { x: 6, y: 4 },
  weightX: 46,
  rowValueX: 46,
  nameGap: 8,
  inputValueY: () => 21,
  strokeScale: 0.5, // an edge's width for |w|, on this smaller drawing
  biasRows: { grad: 0, change: 1, stacked: false },
  labelWidth: COLUMN,
  fit: true, // a number longer than its room is drawn narrower, never smaller or outside
};

/** The two drawings of the network `d` defines: the example's tables for 2-2-2, else laid
 * out from its layers (layout.js) in the same style. */
export function layoutsOf(d) {
  const shape = (d.layers ?? [d.inputs.length, d.hidden.length, d.outputs.length]).join("-");
  if (shape === "2-2-2") return { wide: WIDE, tall: TALL };
  const { boxes: _wideBoxes, labels: _wideLabels, viewBox: _wideView, caption: _wideCaption, name: _w, ...wideStyle } = WIDE;
  const { boxes: _tallBoxes, labels: _tallLabels, viewBox: _tallView, caption: _tallCaption, name: _t, ...tallStyle } = TALL;
  return { wide: { ...wideStyle, ...wideLayout(d) }, tall: { ...tallStyle, ...tallLayout(d) } };
}

const edgesOf = (layout) => definition().weights.map((w) => ({ ...w, ...layout.labels[w.name] }));
const biasEdgesOf = () => definition().biases.flatMap((b) => b.to.map((to) => ({ name: b.name, to })));

// Rows inside each neuron box: [label, where the number comes from].
const HIDDEN_ROWS = (n) => [
  ["net", "forward", `net_${n}`],
  ["out", "forward", `out_${n}`],
  ["δ", "delta", n],
];
const OUTPUT_ROWS = (n) => [
  ["net", "forward", `net_${n}`],
  ["out", "forward", `out_${n}`],
  ["target", "target", n],
  [`E_${n}`, "forward", `E_${n}`],
  ["δ", "delta", n],
];

/** Where an edge leaves `box` and where it enters the next one, as the network flows. */
function exit(box, flow) {
  return flow === "down" ? { x: box.x, y: box.y + box.h / 2 } : { x: box.x + box.w / 2, y: box.y };
}
function entry(box, flow) {
  return flow === "down" ? { x: box.x, y: box.y - box.h / 2 } : { x: box.x - box.w / 2, y: box.y };
}

function edgeStyle(value, scale) {
  const magnitude = Math.abs(value);
  const width = 2 + 10 * Math.min(1, magnitude / scale);
  return { width, sign: value < 0 ? "negative" : "positive" };
}

/** The iteration whose forward pass the boxes of `view` show: the one the update came from. */
export function boxesFrom(view) {
  return (view.last ? view.last.sent : view.state).iteration;
}

/** The network's drawing in the SVG `root`: built in the layout the screen's width calls for,
 * and again when that changes (`onLayout` is then told, to draw the numbers once more). */
export function createDiagram(root, { onSelect, onLayout = () => {} }) {
  const narrow = matchMedia(NARROW);
  let layout;
  let caption;
  let weightEdges;
  const values = new Map(); // key -> the text element showing it
  const edges = new Map(); // parameter -> {lines, label, background, rows, anchor, story}
  const backwardOnly = []; // elements shown only once an update has been computed
  let d; // the definition the drawing was built from: a new one (another shape) builds anew
  let layouts;
  let selected = [];
  let shown = null; // what the last render showed: {state, trace, last, updated, digits, show}
  let focusHint = null;

  function select(name) {
    onSelect(name);
  }

  function makeSelectable(group, name, description) {
    group.setAttribute("tabindex", "0");
    group.setAttribute("role", "button");
    if (description) {
      group.dataset.i18nAriaLabel = description[0];
      group.dataset.i18nParams = JSON.stringify(description[1]);
      group.setAttribute("aria-label", t(...description));
    } else {
      group.setAttribute("aria-describedby", "legend"); // named by the numbers it shows
    }
    group.dataset.param = name;
    group.addEventListener("click", () => select(name));
    group.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(name);
      }
    });
  }

  function valueText(parent, key, attributes, testid) {
    const element = svg("text", { class: "value", ...attributes }, parent);
    if (testid) {
      element.setAttribute("data-testid", testid);
      element.setAttribute("data-cell", testid); // what the sub-steps reveal
    }
    values.set(key, element);
    return element;
  }

  /** Draw the network's boxes, edges and labels in `chosen`, every number still blank. */
  function build(chosen) {
    layout = chosen;
    shown = null;
    values.clear();
    edges.clear();
    backwardOnly.length = 0;
    root.replaceChildren();
    root.setAttribute("viewBox", layout.viewBox.join(" "));
    root.dataset.layout = layout.name;
    const edgeLayer = svg("g", { class: "edges" }, root);
    const nodeLayer = svg("g", { class: "nodes" }, root);
    const labelLayer = svg("g", { class: "edge-labels" }, root);
    // which forward pass and which update the diagram shows, above h1 (above all on a phone)
    const { anchor: captionAnchor = "middle", ...captionAt } = layout.caption;
    caption = svg("text", { class: "caption", ...captionAt, "text-anchor": captionAnchor, "data-testid": "diagram-caption" }, root);
    root.classList.toggle("focus", Boolean(layout.focus));
    focusHint = null;
    if (layout.focus) {
      // where the selected weights' numbers come: said while none is selected
      const [slot] = layout.focus.slots;
      focusHint = svg("text", { class: "focus-hint", x: slot.align === "right" ? slot.x - 8 : slot.x + 8, y: slot.y + 2 * layout.line,
        "text-anchor": slot.align === "right" ? "end" : "start", "data-i18n": "diagram.focus" }, root);
      focusHint.textContent = t("diagram.focus");
    }
    weightEdges = edgesOf(layout);
    drawEdges(edgeLayer, labelLayer);
    drawNodes(nodeLayer);
    for (const element of backwardOnly) element.classList.add("backward");
  }

  // --- edges -----------------------------------------------------------------------------
  function drawEdges(edgeLayer, labelLayer) {
    const { boxes, line: LINE } = layout;
    for (const bias of biasEdgesOf()) {
      const from = boxes[bias.name];
      const to = boxes[bias.to];
      const up = to.y < from.y;
      const line = svg("line", {
        class: "bias-edge",
        x1: from.x, y1: from.y + (up ? -from.h / 2 : from.h / 2),
        x2: to.x, y2: to.y + (up ? to.h / 2 : -to.h / 2),
      }, edgeLayer);
      const list = edges.get(bias.name)?.lines ?? [];
      list.push(line);
      edges.set(bias.name, { lines: list });
    }

    for (const edge of weightEdges) {
      // a drawing laid out from its layers spreads the edges along a box's side
      const a = layout.ends?.[edge.name].a ?? exit(boxes[edge.from], layout.flow);
      const b = layout.ends?.[edge.name].b ?? entry(boxes[edge.to], layout.flow);
      const group = svg("g", { class: "edge" }, edgeLayer);
      const hit = svg("line", { class: "edge-hit", x1: a.x, y1: a.y, x2: b.x, y2: b.y }, group);
      const line = svg("line", { class: "edge-line", x1: a.x, y1: a.y, x2: b.x, y2: b.y }, group);
      makeSelectable(group, edge.name, ["diagram.edge", { w: edge.name, from: edge.from, to: edge.to }]);

      // on its edge at t (wide), or in its slot of the column (tall); a network drawn in
      // focus shows the label of a selected weight only, in a slot of the band at the top
      const anchor = edge.t !== undefined ? { x: a.x + (b.x - a.x) * edge.t, y: a.y + (b.y - a.y) * edge.t }
        : edge.x !== undefined ? { x: edge.x, y: edge.y } : null;
      const label = svg("g", { class: "edge-label", "data-param": edge.name }, labelLayer);
      makeSelectable(label, edge.name, null);
      const background = svg("rect", { class: "label-bg", rx: 8 }, label);
      const rows = svg("g", {}, label);
      const head = svg("text", { class: "edge-name", x: 0, y: 0 }, rows);
      head.textContent = edge.name;
      const weight = valueText(rows, edge.name, { x: layout.weightX, y: 0 }, `weight-${edge.name}`);
      // once updated, the label tells the update as one story, top to bottom: the weight the
      // forward pass used, its gradient, the new weight (Δw is the difference of the two)
      const before = svg("text", { class: "value before", x: layout.weightX, y: 0 }, rows);
      const gradRow = svg("g", { class: "backward" }, rows);
      const gradLabel = svg("text", { class: "row-label", x: 0, y: LINE }, gradRow);
      gradLabel.textContent = "∂E/∂w";
      const grad = valueText(gradRow, `grad-${edge.name}`, { x: layout.rowValueX, y: LINE }, `grad-${edge.name}`);
      const changeRow = svg("g", { class: "backward" }, rows);
      const changeLabel = svg("text", { class: "row-label", x: 0, y: 2 * LINE }, changeRow);
      changeLabel.textContent = "Δw";
      const change = valueText(changeRow, `change-${edge.name}`, { x: layout.rowValueX, y: 2 * LINE }, `change-${edge.name}`);
      backwardOnly.push(gradRow, changeRow);
      if (!anchor) label.style.display = "none";
      edges.set(edge.name, {
        lines: [line], label, background, rows, anchor, slot: anchor, side: edge.side, align: edge.align,
        story: { weight, before, changeLabel, change }, names: [head, gradLabel, changeLabel], grad,
      });
    }
  }

  // --- nodes -----------------------------------------------------------------------------
  function drawNodes(nodeLayer) {
    const { pad: PAD, line: LINE, title: TITLE } = layout;
    function box(name, kind) {
      const b = layout.boxes[name];
      const group = svg("g", { class: `node ${kind}`, "data-node": name, transform: `translate(${b.x - b.w / 2},${b.y - b.h / 2})` }, nodeLayer);
      svg("rect", { class: "node-box", width: b.w, height: b.h, rx: PAD + 2 }, group);
      const title = svg("text", { class: "node-name", x: PAD, y: TITLE }, group);
      return { group, title, b };
    }

    function row(group, b, index, label, key, testid, stacked = false) {
      // a narrow box (three or four to a phone's row) puts each number under its name
      const narrowBox = layout.stacked?.[group.dataset.node];
      const y = TITLE + LINE * (narrowBox ? 2 * index + 1 : index + 1) + layout.rowNudge;
      if (narrowBox) stacked = true;
      const row = svg("g", { class: "row" }, group);
      const text = svg("text", { class: "row-label", x: PAD, y }, row);
      text.textContent = label;
      valueText(row, key, { x: b.w - PAD, y: stacked ? y + LINE : y, "text-anchor": "end" }, testid);
      return row;
    }

    for (const name of d.inputs) {
      const { group, title, b } = box(name, "input");
      title.textContent = name;
      valueText(group, `input-${name}`, { x: b.w - PAD, y: layout.inputValueY(b), "text-anchor": "end" }, `value-${name}`);
    }
    // the rows a box has room for (all of them but in a larger network's focus drawing)
    const kept = (name, rows) => rows.filter(([label]) => !layout.rows || layout.rows[name].includes(label.startsWith("E_") ? "E" : label));
    for (const name of d.hidden) {
      const { group, title, b } = box(name, "hidden");
      title.textContent = name;
      kept(name, HIDDEN_ROWS(name)).forEach(([label], index) => {
        const r = row(group, b, index, label, `${name}-${label}`, `${label === "δ" ? "delta" : label}-${name}`);
        if (label === "δ") backwardOnly.push(r);
      });
    }
    for (const name of d.outputs) {
      const { group, title, b } = box(name, "output");
      title.textContent = name;
      kept(name, OUTPUT_ROWS(name)).forEach(([label], index) => {
        const id = label === "δ" ? "delta" : label.startsWith("E_") ? "error" : label;
        const r = row(group, b, index, label.startsWith("E_") ? `E${name}` : label, `${name}-${label}`, `${id}-${name}`);
        if (label.startsWith("E_")) {
          const rowLabel = r.querySelector(".row-label");
          rowLabel.textContent = "";
          svg("tspan", {}, rowLabel).textContent = "E";
          svg("tspan", { class: "subscript", dy: 4 }, rowLabel).textContent = name;
        }
        if (label === "δ") backwardOnly.push(r);
      });
    }
    for (const { name } of d.biases) {
      const { group, title, b } = box(name, "bias");
      makeSelectable(group, name, null);
      title.textContent = name;
      valueText(group, name, { x: b.w - PAD, y: TITLE, "text-anchor": "end" }, `bias-${name}`);
      const rows = layout.biasRows;
      if (!rows) continue; // a focus drawing's bias shows its value; its card, the rest
      const grad = row(group, b, rows.grad, "∂E/∂b", `grad-${name}`, `grad-${name}`, rows.stacked);
      const change = row(group, b, rows.change, "Δb", `change-${name}`, `change-${name}`);
      backwardOnly.push(grad, change);
    }
  }

  /** Place the weight labels `items` beside their edges: every length is read before any is
   * written, and every label's box measured after, so that the browser lays the drawing out
   * twice whatever the number of labels, not once a label (a pause a phone shows). */
  function placeLabels(items) {
    const { x: padX, y: padY } = layout.labelPad;
    const gap = layout.nameGap;
    const squeezing = Boolean(layout.fit && layout.labelWidth); // a phone's column holds its numbers
    const numbers = items.map((item) => (squeezing ? [...item.rows.querySelectorAll(".value")] : []));
    for (const element of numbers.flat()) {
      element.removeAttribute("textLength");
      element.removeAttribute("lengthAdjust");
    }
    // the numbers start after the widest name of the label, whatever size the names are drawn
    // at (the projector's are larger)
    const widths = items.map((item, k) => ({
      names: item.names.map((text) => text.getComputedTextLength()),
      numbers: numbers[k].map((element) => (element.textContent ? element.getComputedTextLength() : 0)),
    }));
    items.forEach(({ story, grad }, k) => {
      const [head, ...below] = widths[k].names;
      const afterHead = Math.max(layout.weightX, head + gap);
      const afterNames = Math.max(layout.rowValueX, head + gap, ...below.map((width) => width + gap));
      const storyTold = story.before.style.display !== "none";
      story.before.setAttribute("x", afterHead);
      story.weight.setAttribute("x", storyTold ? afterNames : afterHead);
      for (const value of [grad, story.change]) value.setAttribute("x", afterNames);
      numbers[k].forEach((element, n) => {
        const room = layout.labelWidth - 2 * padX - Number(element.getAttribute("x"));
        if (widths[k].numbers[n] <= room) return;
        element.setAttribute("textLength", room);
        element.setAttribute("lengthAdjust", "spacingAndGlyphs");
      });
    });
    const boxes = items.map(({ rows }) => rows.getBBox());
    items.forEach(({ label, background, rows, anchor, side, align }, k) => {
      const box = boxes[k];
      // a phone's labels fill their column (a longer number widens one inwards)
      const width = Math.max(box.width + 2 * padX, layout.labelWidth ?? 0);
      const height = box.height + 2 * padY;
      let top;
      if (side === "above") top = anchor.y - height - 8;
      else if (side === "below") top = anchor.y + 10;
      else if (side === "on") top = anchor.y - height / 2;
      else top = anchor.y;
      const left = align === "left" ? anchor.x : align === "right" ? anchor.x - width : anchor.x - width / 2;
      rows.setAttribute("transform", `translate(${left + padX - box.x},${top + padY - box.y})`);
      background.setAttribute("x", left);
      background.setAttribute("y", top);
      background.setAttribute("width", width);
      background.setAttribute("height", height);
      label.setAttribute("data-width", Math.round(width));
    });
  }

  /** Show `view` ({state, forward, last, withheld?}) with `digits` significant digits;
   * `iteration`: the network's iteration now. A value withheld while the class answers
   * (withheld.js) reads "?". */
  function render(view, { digits, flash, iteration }) {
    ensureBuilt();
    const { state, forward, last } = view;
    const trace = last ? last.trace : null;
    const withheld = view.withheld ?? new Set();
    const show = (key, value, valueKey = null) => {
      const element = values.get(key);
      if (!element) return;
      const held = value === null && withheld.has(valueKey);
      element.toggleAttribute("data-withheld", held);
      setValue(element, held ? "?" : formatNumber(value, digits), exact(value), flash);
    };
    root.classList.toggle("has-backward", Boolean(trace));
    for (const element of backwardOnly) element.style.display = trace ? "" : "none";

    // After an update (not while a walk has yet to reach it), each weight reads old → new.
    const updated = Boolean(trace) && state !== last.sent && !last.diverged;
    root.classList.toggle("updated", updated);
    // which iteration's forward pass the boxes show, when it is not the iteration now
    const from = boxesFrom(view);
    caption.textContent = from === iteration
      ? t("diagram.forward", { k: from })
      : t("diagram.before", { from });
    // a weight withheld keeps the width and colour of the one before the update
    const styled = (group, name) => state[group][name] ?? last.sent[group][name];
    const all = Object.keys(state.weights).map((name) => styled("weights", name));
    const scale = Math.max(1, ...all.map((w) => Math.abs(w)));
    shown = { state, trace, last, updated, digits, show };
    for (const edge of weightEdges) {
      const { width, sign } = edgeStyle(styled("weights", edge.name), scale);
      const item = edges.get(edge.name);
      // a focus drawing's label not shown is written when it is (setSelected)
      item.stale = !item.anchor;
      if (item.anchor) writeLabel(edge.name);
      for (const line of item.lines) {
        line.style.strokeWidth = `${width * layout.strokeScale}px`;
        line.setAttribute("data-sign", sign);
      }
      item.label.setAttribute("data-sign", sign);
    }
    for (const { name } of d.biases) {
      const value = state.biases[name];
      show(name, value, `new_${name}`);
      nameParameter(values.get(name).closest(".node"), name, value, updated ? last.sent.biases[name] : null, digits);
      show(`grad-${name}`, trace ? trace.gradients[name] : null, `gradient_${name}`);
      show(`change-${name}`, trace ? trace.changes[name] : null, `change_${name}`);
      const { width, sign } = edgeStyle(styled("biases", name), scale);
      for (const line of edges.get(name).lines) {
        line.style.strokeWidth = `${Math.max(2, width / 2) * layout.strokeScale}px`;
        line.setAttribute("data-sign", sign);
      }
    }
    for (const i of d.inputs) show(`input-${i}`, state.inputs[i]);
    for (const n of [...d.hidden, ...d.outputs]) {
      show(`${n}-net`, forward[`net_${n}`]);
      show(`${n}-out`, forward[`out_${n}`]);
      show(`${n}-δ`, trace ? trace.deltas[n] : null, `delta_${n}`);
    }
    for (const o of d.outputs) {
      show(`${o}-target`, state.targets[o]);
      show(`${o}-E_${o}`, forward[`E_${o}`]);
    }
    if (layout.fit) fitInBoxes([...root.querySelectorAll(".node .value")]);
    placeLabels(weightEdges.map((edge) => edges.get(edge.name)).filter((item) => item.anchor));
  }

  /** Write the numbers of weight `name`'s label, as the last render showed the network. */
  function writeLabel(name) {
    const { state, trace, last, updated, digits, show } = shown;
    const item = edges.get(name);
    const value = state.weights[name];
    show(name, value, `new_${name}`);
    show(`grad-${name}`, trace ? trace.gradients[name] : null, `gradient_${name}`);
    show(`change-${name}`, trace ? trace.changes[name] : null, `change_${name}`);
    const old = updated ? last.sent.weights[name] : null;
    tellStory(item.story, name, old, digits);
    nameParameter(item.label, name, value, old, digits);
    item.stale = false;
  }

  /** Keep each box's number (right-aligned) clear of its row's label, or of the box's name; a
   * number under its label keeps inside the box; the caption keeps inside the drawing. A text
   * longer than its room is squeezed sideways, at its height (a phone's column holds twelve
   * digits; 0.00000291497 with its sign is fourteen). Every length is read before any is
   * changed, so that the browser lays the drawing out once, not once a number. */
  function fitInBoxes(elements) {
    for (const element of [caption, ...elements]) {
      element.removeAttribute("textLength");
      element.removeAttribute("lengthAdjust");
    }
    const over = (element, room) => (element.textContent && element.getComputedTextLength() > room ? room : null);
    const rooms = elements.map((element) => {
      const label = element.closest(".row")?.querySelector(".row-label") ?? element.closest(".node").querySelector(".node-name");
      const below = label.getAttribute("y") !== element.getAttribute("y");
      const labelEnd = below ? 0 : Number(label.getAttribute("x")) + label.getComputedTextLength();
      return over(element, Number(element.getAttribute("x")) - labelEnd - layout.pad);
    });
    elements.push(caption);
    rooms.push(over(caption, layout.viewBox[2] - 2 * layout.pad));
    elements.forEach((element, k) => {
      if (rooms[k] === null) return;
      element.setAttribute("textLength", rooms[k]);
      element.setAttribute("lengthAdjust", "spacingAndGlyphs");
    });
  }

  /** A screen reader's name for the label of `p`: its value (old → new after an update) and
   * what activating it does. */
  function nameParameter(element, p, value, old, digits) {
    const [v, before] = [value === null ? "?" : formatNumber(value, digits), old === null ? null : formatNumber(old, digits)];
    // an SVG <title>: the name, and the tooltip of a pointer resting on it
    let title = element.querySelector(":scope > title");
    if (!title) title = element.insertBefore(svg("title"), element.firstChild);
    title.textContent = before === null || before === v
      ? t("diagram.param", { p, value: v })
      : t("diagram.paramUpdated", { p, value: v, before });
    element.removeAttribute("aria-describedby");
  }

  /** The weight label as old → new when `old` is given, else as the weight alone. */
  function tellStory({ weight, before, changeLabel, change }, name, old, digits) {
    const story = old !== null;
    before.style.display = story ? "" : "none";
    change.style.display = story ? "none" : "";
    changeLabel.textContent = story ? `${name}⁺` : "Δw";
    weight.setAttribute("y", story ? 2 * layout.line : 0);
    weight.classList.toggle("after", story);
    if (story) {
      setValue(before, formatNumber(old, digits), exact(old), false);
      weight.setAttribute("data-before", exact(old));
    } else {
      weight.removeAttribute("data-before");
    }
  }

  function setSelected(names) {
    selected = names;
    for (const element of root.querySelectorAll("[data-param]")) {
      element.classList.toggle("selected", names.includes(element.dataset.param));
    }
    if (layout.ends) markPaths(names);
    if (!layout.focus) return;
    // a focus drawing shows the labels of the selected weights in its band, the latest first
    const inBand = names.filter((name) => edges.get(name)?.story).slice(-layout.focus.slots.length).reverse();
    focusHint.style.display = inBand.length ? "none" : "";
    const moved = [];
    for (const edge of weightEdges) {
      const item = edges.get(edge.name);
      const k = inBand.indexOf(edge.name);
      const slot = k < 0 ? null : layout.focus.slots[k];
      // a label the last render placed in this slot stays where it is
      const placed = slot && item.anchor === slot && !item.stale;
      item.anchor = slot;
      item.align = slot?.align ?? null;
      item.label.style.display = slot ? "" : "none";
      if (!slot || placed) continue;
      if (item.stale && shown) writeLabel(edge.name);
      moved.push(item);
    }
    placeLabels(moved);
  }

  /** Mark the paths from each selected weight (or bias) to the outputs: the edges and neurons
   * whose numbers its gradient is made of. */
  function markPaths(names) {
    const neurons = new Set();
    const queue = names.flatMap((name) => {
      const w = d.weights.find((item) => item.name === name);
      if (w) return [w.to];
      return d.biases.find((item) => item.name === name)?.to ?? [];
    });
    while (queue.length) {
      const neuron = queue.pop();
      if (neurons.has(neuron)) continue;
      neurons.add(neuron);
      queue.push(...d.weights.filter((w) => w.from === neuron).map((w) => w.to));
    }
    const onPath = new Set([...names, ...d.weights.filter((w) => neurons.has(w.from)).map((w) => w.name)]);
    for (const group of root.querySelectorAll(".edge")) group.classList.toggle("on-path", onPath.has(group.dataset.param));
    for (const node of root.querySelectorAll(".node")) node.classList.toggle("on-path", neurons.has(node.dataset.node));
    root.classList.toggle("has-selection", names.length > 0);
  }

  /** Mark the `cells` (a number of a card comes from them); [] clears the marks. */
  function link(cells) {
    for (const element of root.querySelectorAll("[data-linked]")) element.removeAttribute("data-linked");
    for (const name of cells) {
      const cell = root.querySelector(`[data-cell="${name}"]`);
      if (!cell) continue;
      cell.setAttribute("data-linked", "true");
      cell.closest(".edge-label, .node")?.setAttribute("data-linked", "true");
    }
  }

  const chosen = () => (narrow.matches ? layouts.tall : layouts.wide);
  /** Build the drawing anew when the network's shape (its definition) has changed. */
  function ensureBuilt() {
    if (d === definition()) return;
    d = definition();
    layouts = layoutsOf(d);
    build(chosen());
    setSelected(selected);
  }
  ensureBuilt();
  narrow.addEventListener("change", () => {
    if (chosen() === layout) return;
    build(chosen());
    setSelected(selected);
    onLayout();
  });

  return { render, setSelected, link };
}
