// What the stage withholds while the class answers: the value a question asks for and every
// value computed from it. Two things ask: Ask first's question pending at the walk's sub-step
// (predict.js), and a live class's poll from its opening until its reveal. Both withhold
// through this module, on every view (the diagram, the sub-step, the cards, the lessons) and in
// the state a teacher sends the class, so that neither the screen, the DOM nor the socket holds
// the answer before it is given.
//
// A value is named by its key in the trace: delta_o1, dE_dout_h1_via_o1, dE_dout_h1,
// dnet_o1_dout_h1, gradient_w5, change_w5, new_w5 (the updated parameter), and "after" (the
// forward pass and E_total at the updated parameters). The edges between them are read from
// the network's definition, as network.py computes them.

import { askedAt } from "./predict.js";
import { buildSubsteps } from "./substeps.js";
import { definition, pathsOf } from "../state/definition.js";

/** The sub-steps of a walk under `options`, built once per set of options. */
export const stepsFor = (() => {
  const built = new Map();
  return (options) => {
    const key = JSON.stringify(options);
    if (!built.has(key)) built.set(key, buildSubsteps(options));
    return built.get(key);
  };
})();

/** key -> the keys computed directly from it, under `options`. */
function dependents(options) {
  const { hidden, outputs, weights, biases, parameters } = definition();
  const edges = new Map();
  const add = (from, to) => edges.set(from, [...(edges.get(from) ?? []), to]);
  const feeding = (n) => [...weights.filter((w) => w.to === n), ...biases.filter((b) => b.to.includes(n))];
  for (const n of [...outputs, ...hidden]) {
    for (const p of feeding(n)) add(`delta_${n}`, `gradient_${p.name}`);
  }
  // a hidden neuron's error comes along one path through each neuron it feeds
  for (const h of hidden) {
    for (const path of pathsOf(h)) {
      add(`delta_${path.through}`, path.factor);
      add(path.factor, `dE_dout_${h}`);
    }
    add(`dE_dout_${h}`, `delta_${h}`);
  }
  for (const p of parameters) {
    add(`gradient_${p}`, `change_${p}`);
    add(`change_${p}`, `new_${p}`);
    add(`new_${p}`, "after");
  }
  if (options.hidden_deltas_use === "updated") {
    // the hidden deltas then read the updated weights above them (w5…w8 in the example)
    for (const h of hidden) {
      for (const path of pathsOf(h)) {
        add(`new_${path.weight}`, path.local);
        add(path.local, path.factor);
      }
    }
  }
  return edges;
}

/** `seeds` and every key computed from them, under `options`. */
export function closure(seeds, options) {
  const edges = dependents(options);
  const found = new Set();
  const queue = [...seeds];
  while (queue.length) {
    const key = queue.pop();
    if (found.has(key)) continue;
    found.add(key);
    queue.push(...(edges.get(key) ?? []));
  }
  return found;
}

/** What shows a poll's `quantity` at once besides itself: the paths that sum to a hidden
 * ∂E/∂out, the change that makes a new weight, the other output's δ under softmax (−δ). */
function givesAway(quantity, options) {
  const { hidden, outputs } = definition();
  const found = /^(dE_dout|new|delta)_(.+)$/.exec(quantity);
  if (!found) return [quantity];
  const [, kind, name] = found;
  if (kind === "dE_dout" && hidden.includes(name)) return [quantity, ...pathsOf(name).map((path) => path.factor)];
  if (kind === "new") return [quantity, `change_${name}`];
  if (kind === "delta" && outputs.includes(name) && options.loss === "cross_entropy") return outputs.map((o) => `delta_${o}`);
  return [quantity];
}

/** The keys sub-step `step` computes (its own and the values it writes). */
const computedBy = (step) => step.computes ?? [];

/**
 * What `page` withholds: a Map from an update's iteration (the sent state's iteration + 1) to
 * the set of keys withheld in it. Ask first's pending question withholds what its sub-step
 * computes; an open poll that is not revealed withholds its quantity; each with what follows.
 */
export function withheldOf(page) {
  const held = new Map();
  const hold = (iteration, keys) => {
    if (!keys.size) return;
    held.set(iteration, new Set([...(held.get(iteration) ?? []), ...keys]));
  };
  const { walk, settings, classroom } = page;
  // a walk received from a teacher lists what it was sent without
  if (walk?.withheld?.length) hold(walk.sent.iteration + 1, new Set(walk.withheld));
  if (walk && settings?.asking) {
    const step = stepsFor(walk.sent.options)[walk.index];
    const question = step && askedAt(step.id);
    if (question && !(question in walk.answers)) hold(walk.sent.iteration + 1, closure(computedBy(step), walk.sent.options));
  }
  const poll = classroom?.poll;
  if (poll && !poll.revealed && poll.question) {
    const { iteration, quantity } = poll.question;
    const options = walk?.sent.options ?? page.network?.state.options ?? definition().example.options;
    hold(iteration, closure(givesAway(quantity, options), options));
  }
  return held;
}

/** The keys of the walk's sub-steps not reached yet (the one shown is reached). */
export function unreachedOf(walk) {
  const steps = stepsFor(walk.sent.options);
  return closure(steps.slice(walk.index + 1).flatMap(computedBy), walk.sent.options);
}

// --- Taking the values out --------------------------------------------------------------------

const PARTS = [["delta_", "deltas"], ["gradient_", "gradients"], ["change_", "changes"]];

/** `trace` with the values of `keys` set to null (a new object; `trace` is left as it is). */
export function redactTrace(trace, keys) {
  if (!trace || !keys?.size) return trace;
  const out = { ...trace, factors: { ...trace.factors } };
  for (const [, part] of PARTS) out[part] = { ...trace[part] };
  for (const key of keys) {
    const part = PARTS.find(([prefix]) => key.startsWith(prefix));
    if (part) out[part[1]][key.slice(part[0].length)] = null;
    else if (key in out.factors) out.factors[key] = null;
  }
  return out;
}

/** The updated `state` with the parameters of `keys` (new_p) set to null. */
export function redactState(state, keys) {
  if (!state || !keys?.size) return state;
  const weights = { ...state.weights };
  const biases = { ...state.biases };
  for (const key of keys) {
    if (!key.startsWith("new_")) continue;
    const p = key.slice(4);
    if (p in weights) weights[p] = null;
    else if (p in biases) biases[p] = null;
  }
  return { ...state, weights, biases };
}


/** The diagram's view ({state, forward, last}) of `page` with what it withholds taken out;
 * `withheld` then lists the keys, so that a view can say "?" where a value was. */
export function withholdView(view, held) {
  const last = view.last;
  if (!last?.trace) return view;
  const keys = held.get(last.sent.iteration + 1);
  if (!keys?.size) return view;
  const updated = view.state !== last.sent;
  return {
    ...view,
    state: updated ? redactState(view.state, keys) : view.state,
    last: { ...last, trace: redactTrace(last.trace, keys) },
    withheld: keys,
  };
}

/** `page`'s walk as a live class may be sent it: what the walk has not reached and what the
 * page withholds are taken out, and listed in `withheld`. */
export function walkToSend(page) {
  const { walk } = page;
  if (!walk) return null;
  const keys = new Set([...unreachedOf(walk), ...(withheldOf(page).get(walk.sent.iteration + 1) ?? [])]);
  if (!keys.size) return walk;
  const { result } = walk;
  const after = keys.has("after");
  return {
    ...walk,
    result: {
      ...result,
      state: redactState(result.state, keys),
      trace: redactTrace(result.trace, keys),
      forward: after ? null : result.forward,
      loss: after ? null : result.loss,
    },
    withheld: [...keys].sort(),
  };
}
