// A small picture of an exercise's network: the neurons in their layers, each weight on its
// edge, the inputs, the targets, the biases and η, all from the exercise's state. Drawn from the
// network's definition (layers, edges, biases), as SVG text for the page and the worksheet:
// left to right, or top to bottom for a phone's narrow screen (the numbers stay large there).

import { formatNumber } from "../views/format.js";
import { definition } from "../state/definition.js";

const RADIUS = 30;
// Where the layers and the neurons of a layer sit, and where each kind of label goes.
const LAYOUTS = {
  wide: {
    width: 700, height: 330,
    at: (layer, row) => ({ x: [100, 330, 560][layer], y: [80, 230][row] }),
    input: (p) => ({ x: p.x - RADIUS - 8, y: p.y + 8, anchor: "end", prefix: "" }),
    target: (p) => ({ x: p.x + RADIUS + 8, y: p.y + 8, anchor: "start", prefix: "→ " }),
    bias: (layer) => ({ x: [100, 330, 560][layer], y: 302 }),
    rate: { x: 100, y: 302 },
    // crossing edges are labelled nearer their source, so that their labels never meet
    edge: (crossing) => ({ t: crossing ? 0.3 : 0.5, dx: 0, dy: crossing ? 0 : -10 }),
  },
  tall: {
    width: 460, height: 600,
    at: (layer, row) => ({ x: [110, 350][row], y: [80, 300, 520][layer] }),
    input: (p) => ({ x: p.x, y: p.y - RADIUS - 12, anchor: "middle", prefix: "" }),
    target: (p) => ({ x: p.x, y: p.y + RADIUS + 32, anchor: "middle", prefix: "↓ " }),
    bias: (layer) => ({ x: 230, y: [80, 300, 520][layer] + 8 }),
    rate: { x: 230, y: 30 },
    // one crossing edge is labelled in its upper quarter, the other in its lower quarter
    edge: (crossing, from) => (crossing ? { t: from.x < 230 ? 0.25 : 0.75, dx: 0, dy: 8 } : { t: 0.5, dx: 0, dy: 8 }),
  },
};

const number = (value) => formatNumber(value, 2 + Math.max(0, -Math.floor(Math.log10(Math.abs(value) || 1))));

function escape(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** "w1" as w with a subscript 1, in SVG text. */
function named(name) {
  const [, letters, digits] = /^([A-Za-zη]+)_?(\w*)$/.exec(name) ?? [null, name, ""];
  return digits ? `${escape(letters)}<tspan class="sub" dy="5">${escape(digits)}</tspan><tspan dy="-5"> </tspan>` : escape(letters);
}

/** Return the SVG of `state`'s network in `shape` ("wide" or "tall"); `label` names it for
 * assistive technology. */
export function networkDiagram(state, label, shape = "wide") {
  const layout = LAYOUTS[shape];
  const d = definition();
  const layers = [d.inputs, d.hidden, d.outputs];
  const at = {};
  layers.forEach((layer, index) => layer.forEach((neuron, row) => {
    at[neuron] = layout.at(index, row);
  }));
  const parts = [];
  for (const { name, from, to } of d.weights) {
    const a = at[from];
    const b = at[to];
    const { t, dx, dy } = layout.edge(a.x !== b.x && a.y !== b.y, a);
    const x = a.x + (b.x - a.x) * t + dx;
    const y = a.y + (b.y - a.y) * t + dy;
    parts.push(`<line class="edge" x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}"/>`);
    parts.push(`<text class="weight" data-weight="${name}" x="${x}" y="${y}" text-anchor="middle">${named(name)}= ${escape(number(state.weights[name]))}</text>`);
  }
  for (const [neuron, { x, y }] of Object.entries(at)) {
    parts.push(`<circle class="neuron" cx="${x}" cy="${y}" r="${RADIUS}"/>`);
    parts.push(`<text class="neuron-name" x="${x}" y="${y + 7}" text-anchor="middle">${named(neuron)}</text>`);
  }
  const value = (kind, key, place, text) =>
    parts.push(`<text class="value" data-${kind}="${key}" x="${place.x}" y="${place.y}" text-anchor="${place.anchor}">${escape(place.prefix + text)}</text>`);
  for (const input of d.inputs) value("input", input, layout.input(at[input]), number(state.inputs[input]));
  for (const output of d.outputs) value("target", output, layout.target(at[output]), number(state.targets[output]));
  for (const { name, to } of d.biases) {
    const layer = layers.findIndex((neurons) => neurons.includes(to[0]));
    const { x, y } = layout.bias(layer);
    parts.push(`<text class="bias" data-bias="${name}" x="${x}" y="${y}" text-anchor="middle">${named(name)}= ${escape(number(state.biases[name]))}</text>`);
  }
  const { x, y } = layout.rate;
  parts.push(`<text class="rate" x="${x}" y="${y}" text-anchor="middle">η = ${escape(number(state.learning_rate))}</text>`);
  return `<svg class="network-diagram ${shape}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="${escape(label)}">${parts.join("")}</svg>`;
}
