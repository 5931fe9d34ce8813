// The worked solution of an exercise, one line per computation, each written three times over:
// the formula, the formula with the numbers put in, the result. Every number comes from the
// server's step of the exercise's state (its trace); this module only writes them out.

import {
  biasOf, factorLabel, factorsOf, hiddenNames, isInput, outputNames, passedOn, pathsOf, weight, weightNames, weightsInto,
} from "../state/definition.js";
import { AS_PRINTED, formatNumber } from "../views/format.js";

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Return notation such as "∂E_total/∂out_o1" as HTML, the part after "_" as a subscript. */
export function notation(text) {
  const safe = String(text).replace(/[&<>"]/g, (c) => ESCAPES[c]);
  return safe
    .replace(/e\^(−?\w+)/g, "e<sup>$1</sup>")
    .replace(/([A-Za-zδ]+)_([A-Za-z0-9]+)/g, "$1<sub>$2</sub>");
}

/** A number as the solution prints it; bracketed when negative, for a place after an operator. */
export function number(value, bracket = false, digits = AS_PRINTED) {
  const text = formatNumber(value, digits);
  const shown = bracket && value < 0 ? `(${text})` : text;
  return `<span class="num">${shown}</span>`;
}

/** The weight levels 1 and 2 ask about (w5: the first into the first output) and the one
 * level 3 asks about (w1: the first into the first hidden neuron), as the server's ladder does. */
const outputWeight = () => weightsInto(outputNames()[0])[0].name;
const hiddenWeight = () => weightsInto(hiddenNames()[0])[0].name;

/** Return the solution's lines, [{key, formula, numbers, result, asked}], in the order they are
 * computed: the forward pass the level needs, then each quantity on the way to what it asks. */
export function solutionLines(level, asks, state, step) {
  const { forward: f, factors: k, deltas, gradients } = step.trace;
  const after = step.state.weights;
  const w = state.weights;
  const b = state.biases;
  const x = state.inputs;
  const t = state.targets;
  const eta = state.learning_rate;
  const asked = new Set(asks.map((ask) => ask.id));
  const lines = [];
  const n = number;
  const add = (key, formula, numbers, result) =>
    lines.push({ key, formula, numbers, result, asked: asked.has(key) });
  const passed = (neuron) => (isInput(neuron) ? x[neuron] : f[`out_${neuron}`]);

  // net = Σ weight·what it multiplies + bias, then out = σ(net), for any neuron past the inputs
  const neuron = (to) => {
    const into = weightsInto(to);
    const bias = biasOf(to);
    add(`net_${to}`, `net_${to} = ${into.map((e) => `${e.name}·${passedOn(e.from)}`).join(" + ")} + ${bias}`,
      `${into.map((e, i) => `${n(w[e.name], i > 0)} × ${n(passed(e.from))}`).join(" + ")} + ${n(b[bias], true)}`, f[`net_${to}`]);
    add(`out_${to}`, `out_${to} = 1/(1 + e^−net_${to})`, `1/(1 + e<sup>${n(-f[`net_${to}`])}</sup>)`, f[`out_${to}`]);
  };
  const outputFactors = (o) => {
    add(`dE_dout_${o}`, `∂E_total/∂out_${o} = out_${o} − target_${o}`,
      `${n(f[`out_${o}`])} − ${n(t[o], true)}`, k[`dE_dout_${o}`]);
    add(`dout_${o}_dnet_${o}`, `∂out_${o}/∂net_${o} = out_${o}·(1 − out_${o})`,
      `${n(f[`out_${o}`])} × (1 − ${n(f[`out_${o}`], true)})`, k[`dout_${o}_dnet_${o}`]);
  };
  const delta = (o) =>
    add(`delta_${o}`, `δ_${o} = ∂E_total/∂out_${o} · ∂out_${o}/∂net_${o}`,
      `${n(k[`dE_dout_${o}`])} × ${n(k[`dout_${o}_dnet_${o}`], true)}`, deltas[o]);
  // the error reaching a hidden neuron: one path through each neuron its weights feed
  const backToHidden = (h) => {
    const paths = pathsOf(h);
    add(`dE_dout_${h}`, `∂E_total/∂out_${h} = ${paths.map((p) => `δ_${p.through}·${p.weight}`).join(" + ")}`,
      paths.map((p, i) => `${n(deltas[p.through], i > 0)} × ${n(w[p.weight], true)}`).join(" + "), k[`dE_dout_${h}`]);
    add(`dout_${h}_dnet_${h}`, `∂out_${h}/∂net_${h} = out_${h}·(1 − out_${h})`,
      `${n(f[`out_${h}`])} × (1 − ${n(f[`out_${h}`], true)})`, k[`dout_${h}_dnet_${h}`]);
  };
  const leaf = (name) => {
    const { from, to } = weight(name);
    add(`dnet_${to}_d${name}`, `∂net_${to}/∂${name} = ${passedOn(from)}`, n(passed(from)), k[`dnet_${to}_d${name}`]);
  };
  const gradient = (name) => {
    const { from, to } = weight(name);
    leaf(name);
    add(`dE_d${name}`, `∂E_total/∂${name} = ∂E_total/∂out_${to} · ∂out_${to}/∂net_${to} · ∂net_${to}/∂${name}`,
      `${n(k[`dE_dout_${to}`])} × ${n(k[`dout_${to}_dnet_${to}`], true)} × ${n(passed(from), true)}`, gradients[name]);
  };
  const update = (name) =>
    add(`${name}_new`, `${name}⁺ = ${name} − η·∂E_total/∂${name}`,
      `${n(w[name])} − ${n(eta)} × ${n(gradients[name], true)}`, after[name]);

  const [firstOutput, ...otherOutputs] = outputNames();
  for (const h of hiddenNames()) neuron(h);
  neuron(firstOutput);
  if (level >= 3) otherOutputs.forEach(neuron);
  outputFactors(firstOutput);
  if (level === 1) {
    leaf(outputWeight());
  } else if (level === 2) {
    gradient(outputWeight());
    update(outputWeight());
  } else {
    otherOutputs.forEach(outputFactors);
    outputNames().forEach(delta);
    if (level === 3) {
      backToHidden(hiddenNames()[0]);
      gradient(hiddenWeight());
      update(hiddenWeight());
    } else {
      hiddenNames().forEach(backToHidden);
      weightNames().forEach(gradient);
      weightNames().forEach(update);
    }
  }
  return lines;
}

/** The values shown beside a level-1 question, [{id, label, value}]: the factors of the output
 * weight's gradient it does not ask (none at the other levels). */
export function givenFactors(level, asks, step) {
  if (level !== 1) return [];
  const asked = new Set(asks.map((ask) => ask.id));
  return factorsOf(outputWeight())
    .filter((id) => !asked.has(id))
    .map((id) => ({ id, label: factorLabel(id), value: step.trace.factors[id] }));
}

/** The correct value of every asked quantity, from the step's trace (for the answer key). */
export function answerKey(asks, step) {
  const { factors, gradients } = step.trace;
  return asks.map(({ id, label }) => {
    let value;
    if (id.endsWith("_new")) value = step.state.weights[id.slice(0, -4)];
    else if (id.startsWith("dE_dw")) value = gradients[id.slice(4)];
    else value = factors[id];
    return { id, label, value };
  });
}
