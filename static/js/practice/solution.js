// The worked solution of an exercise, one line per computation, each written three times over:
// the formula, the formula with the numbers put in, the result. Every number comes from the
// server's step of the exercise's state (its trace); this module only writes them out.

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

const FEEDS = {
  w1: ["h1", "i1"], w2: ["h1", "i2"], w3: ["h2", "i1"], w4: ["h2", "i2"],
  w5: ["o1", "h1"], w6: ["o1", "h2"], w7: ["o2", "h1"], w8: ["o2", "h2"],
};
const WEIGHTS = Object.keys(FEEDS);

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

  const hidden = (h, wa, wb) => {
    add(`net_${h}`, `net_${h} = ${wa}·i1 + ${wb}·i2 + b1`,
      `${n(w[wa])} × ${n(x.i1)} + ${n(w[wb], true)} × ${n(x.i2)} + ${n(b.b1, true)}`, f[`net_${h}`]);
    add(`out_${h}`, `out_${h} = 1/(1 + e^−net_${h})`, `1/(1 + e<sup>${n(-f[`net_${h}`])}</sup>)`, f[`out_${h}`]);
  };
  const output = (o, wa, wb) => {
    add(`net_${o}`, `net_${o} = ${wa}·out_h1 + ${wb}·out_h2 + b2`,
      `${n(w[wa])} × ${n(f.out_h1)} + ${n(w[wb], true)} × ${n(f.out_h2)} + ${n(b.b2, true)}`, f[`net_${o}`]);
    add(`out_${o}`, `out_${o} = 1/(1 + e^−net_${o})`, `1/(1 + e<sup>${n(-f[`net_${o}`])}</sup>)`, f[`out_${o}`]);
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
  const backToHidden = (h, wa, wb) => {
    add(`dE_dout_${h}`, `∂E_total/∂out_${h} = δ_o1·${wa} + δ_o2·${wb}`,
      `${n(deltas.o1)} × ${n(w[wa], true)} + ${n(deltas.o2, true)} × ${n(w[wb], true)}`, k[`dE_dout_${h}`]);
    add(`dout_${h}_dnet_${h}`, `∂out_${h}/∂net_${h} = out_${h}·(1 − out_${h})`,
      `${n(f[`out_${h}`])} × (1 − ${n(f[`out_${h}`], true)})`, k[`dout_${h}_dnet_${h}`]);
  };
  const gradient = (weight) => {
    const [to, from] = FEEDS[weight];
    const source = from.startsWith("i") ? from : `out_${from}`;
    const sourceValue = from.startsWith("i") ? x[from] : f[`out_${from}`];
    add(`dnet_${to}_d${weight}`, `∂net_${to}/∂${weight} = ${source}`, n(sourceValue), k[`dnet_${to}_d${weight}`]);
    add(`dE_d${weight}`, `∂E_total/∂${weight} = ∂E_total/∂out_${to} · ∂out_${to}/∂net_${to} · ∂net_${to}/∂${weight}`,
      `${n(k[`dE_dout_${to}`])} × ${n(k[`dout_${to}_dnet_${to}`], true)} × ${n(sourceValue, true)}`, gradients[weight]);
  };
  const update = (weight) =>
    add(`${weight}_new`, `${weight}⁺ = ${weight} − η·∂E_total/∂${weight}`,
      `${n(w[weight])} − ${n(eta)} × ${n(gradients[weight], true)}`, after[weight]);

  hidden("h1", "w1", "w2");
  hidden("h2", "w3", "w4");
  output("o1", "w5", "w6");
  if (level >= 3) output("o2", "w7", "w8");
  outputFactors("o1");
  if (level === 1) {
    add("dnet_o1_dw5", "∂net_o1/∂w5 = out_h1", n(f.out_h1), k.dnet_o1_dw5);
  } else if (level === 2) {
    gradient("w5");
    update("w5");
  } else if (level === 3) {
    outputFactors("o2");
    delta("o1");
    delta("o2");
    backToHidden("h1", "w5", "w7");
    gradient("w1");
    update("w1");
  } else {
    outputFactors("o2");
    delta("o1");
    delta("o2");
    backToHidden("h1", "w5", "w7");
    backToHidden("h2", "w6", "w8");
    for (const weight of WEIGHTS) gradient(weight);
    for (const weight of WEIGHTS) update(weight);
  }
  return lines;
}

const O1_FACTORS = { dE_dout_o1: "∂E_total/∂out_o1", dout_o1_dnet_o1: "∂out_o1/∂net_o1", dnet_o1_dw5: "∂net_o1/∂w5" };

/** The values shown beside a level-1 question, [{id, label, value}]: the two o1 factors it
 * does not ask (none at the other levels). */
export function givenFactors(level, asks, step) {
  if (level !== 1) return [];
  const asked = new Set(asks.map((ask) => ask.id));
  return Object.entries(O1_FACTORS)
    .filter(([id]) => !asked.has(id))
    .map(([id, label]) => ({ id, label, value: step.trace.factors[id] }));
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
