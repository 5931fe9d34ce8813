// A small picture of an exercise's network: the neurons in their layers, each weight on its
// edge, the inputs, the targets, the biases and η, all from the exercise's state. Drawn from the
// network's definition (layers, edges, biases), as SVG text for the page and the worksheet.

import { formatNumber } from "../views/format.js";
import { definition } from "../state/definition.js";

const WIDTH = 700;
const HEIGHT = 330;
const COLUMNS = [100, 330, 560]; // x of the input, hidden and output layers
const ROWS = [80, 230]; // y of the first and the second neuron of a layer
const RADIUS = 30;

const number = (value) => formatNumber(value, 2 + Math.max(0, -Math.floor(Math.log10(Math.abs(value) || 1))));

function escape(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** "w1" as w with a subscript 1, in SVG text. */
function named(name) {
  const [, letters, digits] = /^([A-Za-zη]+)_?(\w*)$/.exec(name) ?? [null, name, ""];
  return digits ? `${escape(letters)}<tspan class="sub" dy="5">${escape(digits)}</tspan><tspan dy="-5"> </tspan>` : escape(letters);
}

/** Return the SVG of `state`'s network; `label` names it for assistive technology. */
export function networkDiagram(state, label) {
  const d = definition();
  const layers = [d.inputs, d.hidden, d.outputs];
  const at = {};
  layers.forEach((layer, column) => layer.forEach((neuron, row) => {
    at[neuron] = { x: COLUMNS[column], y: ROWS[row] };
  }));
  const parts = [];
  // edges first, their labels above them; a label sits nearer the edge's source when the two
  // edges into a layer cross, so that crossing labels never meet
  for (const { name, from, to } of d.weights) {
    const a = at[from];
    const b = at[to];
    const crossing = a.y !== b.y;
    const t = crossing ? 0.3 : 0.5;
    const x = a.x + (b.x - a.x) * t;
    const y = a.y + (b.y - a.y) * t - (crossing ? 0 : 10);
    parts.push(`<line class="edge" x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}"/>`);
    parts.push(`<text class="weight" data-weight="${name}" x="${x}" y="${y}" text-anchor="middle">${named(name)}= ${escape(number(state.weights[name]))}</text>`);
  }
  for (const [neuron, { x, y }] of Object.entries(at)) {
    parts.push(`<circle class="neuron" cx="${x}" cy="${y}" r="${RADIUS}"/>`);
    parts.push(`<text class="neuron-name" x="${x}" y="${y + 7}" text-anchor="middle">${named(neuron)}</text>`);
  }
  for (const input of d.inputs) {
    const { x, y } = at[input];
    parts.push(`<text class="value" data-input="${input}" x="${x - RADIUS - 8}" y="${y + 7}" text-anchor="end">${escape(number(state.inputs[input]))}</text>`);
  }
  for (const output of d.outputs) {
    const { x, y } = at[output];
    parts.push(`<text class="value" data-target="${output}" x="${x + RADIUS + 8}" y="${y + 7}" text-anchor="start">→ ${escape(number(state.targets[output]))}</text>`);
  }
  for (const { name, to } of d.biases) {
    const x = at[to[0]].x;
    parts.push(`<text class="bias" data-bias="${name}" x="${x}" y="${ROWS[1] + RADIUS + 42}" text-anchor="middle">${named(name)}= ${escape(number(state.biases[name]))}</text>`);
  }
  parts.push(`<text class="rate" x="${COLUMNS[0]}" y="${ROWS[1] + RADIUS + 42}" text-anchor="middle">η = ${escape(number(state.learning_rate))}</text>`);
  return `<svg class="network-diagram" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escape(label)}">${parts.join("")}</svg>`;
}
