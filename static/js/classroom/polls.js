// Polls from a walk's sub-step: the value the sub-step computes, and the values the typical
// mistakes give instead: the activation derivative left out, one of the two paths into a
// hidden neuron missed, the sign flipped, the updated weight used where the original belongs.
// Each is named by its code in the server's catalogue of mistakes (the practice check names the
// same ones); the values are built from the server's trace (the same factors the formulas
// show), never recomputed.

import { definition, mistake, weight } from "../state/definition.js";

// The catalogue's codes this module offers (mistake() throws for a code the server lacks).
const SIGN = "sign_error";
const ACTIVATION = "missing_activation_derivative";
const PATH = "missed_second_path";
const UPDATED = "used_updated_weight";
const UPHILL = "added_update";

/** The weights leaving hidden neuron `h`, in the order of the outputs they reach. */
const leaving = (h) => definition().weights.filter((w) => w.from === h);

/** For sub-step `id` of a walk with context {sent, trace, after}: the quantity it computes and
 * its candidates [{value, mistake}] (the correct one first, mistake null), or null when the
 * sub-step computes no single number worth a vote. */
export function candidatesAt(id, { sent, trace, after }) {
  const f = trace.factors;
  const known = (...values) => values.every((v) => typeof v === "number" && Number.isFinite(v));
  const [kind, name] = id.split(/-(.+)/);
  const list = [];
  const add = (value, code) => known(value) && list.push({ value, mistake: code === null ? null : mistake(code).code });
  let quantity;

  // a hidden neuron's ∂E/∂out: both paths, with the original w5…w8; `one` and `other` are
  // each path alone
  const hiddenDerivatives = (h) => {
    const paths = leaving(h).map((w) => ({ w: w.name, to: w.to }));
    const one = f[`dE_dout_${h}_via_${paths[0].to}`];
    const other = f[`dE_dout_${h}_via_${paths[1].to}`];
    const updated = paths.reduce((sum, p) => sum + trace.deltas[p.to] * after.weights[p.w], 0);
    return { all: f[`dE_dout_${h}`], one, other, updated, act: f[`dout_${h}_dnet_${h}`] };
  };

  if (kind === "delta" && name.startsWith("o")) {
    quantity = `delta_${name}`;
    add(trace.deltas[name], null);
    add(f[`dE_dout_${name}`], ACTIVATION);
  } else if (kind === "paths") {
    quantity = `dE_dout_${name}`;
    const h = hiddenDerivatives(name);
    add(h.all, null);
    add(h.one, PATH);
    add(h.other, PATH);
    add(h.updated, UPDATED);
  } else if (kind === "delta" && name.startsWith("h")) {
    quantity = `delta_${name}`;
    const h = hiddenDerivatives(name);
    add(trace.deltas[name], null);
    add(h.all, ACTIVATION);
    if (known(h.one, h.act)) add(h.one * h.act, PATH);
    if (known(h.act)) add(h.updated * h.act, UPDATED);
  } else if (kind === "gradient" && weight(name)) {
    quantity = `gradient_${name}`;
    const { to } = weight(name);
    const source = f[`dnet_${to}_d${name}`];
    add(trace.gradients[name], null);
    if (to.startsWith("o")) {
      if (known(f[`dE_dout_${to}`], source)) add(f[`dE_dout_${to}`] * source, ACTIVATION);
    } else {
      const h = hiddenDerivatives(to);
      if (known(h.all, source)) add(h.all * source, ACTIVATION);
      if (known(h.one, h.act, source)) add(h.one * h.act * source, PATH);
      if (known(h.act, source)) add(h.updated * h.act * source, UPDATED);
    }
  } else if (id === "updates") {
    // the update of w5, asked where the page predicts whether E_total falls
    quantity = "new_w5";
    const eta = sent.learning_rate;
    const g = trace.gradients.w5;
    add(after.weights.w5, null);
    if (known(f.dE_dout_o1, f.dnet_o1_dw5)) add(sent.weights.w5 - eta * f.dE_dout_o1 * f.dnet_o1_dw5, ACTIVATION);
    add(sent.weights.w5 + eta * g, UPHILL);
  } else {
    return null;
  }
  if (!list.length) return null;
  if (quantity !== "new_w5") add(-list[0].value, SIGN);
  // two mistakes may land on the same number (or on the right one): keep each value once
  const seen = new Set();
  const choices = list.filter(({ value }) => {
    const key = Object.is(value, -0) ? "0" : String(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (choices.length < 2) return null;
  return { quantity, iteration: sent.iteration + 1, choices };
}

/** A poll-open message for sub-step `id`, the choices shuffled by `random`; or null. */
export function pollFor(id, context, random = Math.random) {
  const found = candidatesAt(id, context);
  if (!found) return null;
  const choices = [...found.choices];
  for (let k = choices.length - 1; k > 0; k -= 1) {
    const j = Math.floor(random() * (k + 1));
    [choices[k], choices[j]] = [choices[j], choices[k]];
  }
  return {
    type: "poll-open",
    question: { substep: id, quantity: found.quantity, iteration: found.iteration },
    choices,
    correct: choices.findIndex((choice) => choice.mistake === null),
  };
}
