// A network's shape and rows changed by hand (the editor's buttons): pure functions from one
// state to the next, which the page then sends to /api/reset. A value that still has a place
// in the new network keeps it; a new one takes the new shape's example value (the server's
// `example`: the worked example's numbers in turn).

import { shapeKey } from "./definition.js";

/** The layers of `definition`, inputs first: [["i1", "i2"], ["h1", "h2"], ["o1", "o2"]]. */
const neuronsOf = (definition) => definition.neurons ?? [definition.inputs, definition.hidden, definition.outputs];

/**
 * The layers after `edit` ({layer, change: +1 | -1}: a neuron more or fewer in layer `layer`,
 * 0 the inputs, the last the outputs; {hidden: +1 | -1}: a hidden layer more, as wide as the
 * last, before the outputs, or the last one fewer), or null when the bounds do not allow it.
 */
export function editedLayers(layers, edit, bounds) {
  const next = [...layers];
  if (edit.hidden !== undefined) {
    const hidden = layers.length - 2 + edit.hidden;
    if (hidden < 1 || hidden > bounds.hidden_layers_max) return null;
    if (edit.hidden > 0) next.splice(layers.length - 1, 0, layers[layers.length - 2]);
    else next.splice(layers.length - 2, 1);
    return next;
  }
  const last = layers.length - 1;
  const most = edit.layer === 0 ? bounds.inputs_max : edit.layer === last ? bounds.outputs_max : bounds.hidden_width_max;
  const width = layers[edit.layer] + edit.change;
  if (!(edit.layer >= 0 && edit.layer <= last) || width < 1 || width > most) return null;
  next[edit.layer] = width;
  return next;
}

/**
 * `state` (of the network `from` defines) as a state of the network `to` defines: each neuron
 * keeps its place (layer, position in it), the inputs and outputs their layers, a hidden layer
 * its index; a weight between two neurons that were joined before keeps its value, a layer's
 * bias too; every other number is `to`'s example's. Rows of data keep their values likewise.
 */
export function reshaped(state, from, to) {
  const before = neuronsOf(from);
  const after = neuronsOf(to);
  // the layer of `from` that layer k of `to` was: inputs and outputs stay, hidden layers by index
  const lastBefore = before.length - 1;
  const lastAfter = after.length - 1;
  const earlier = (k) => (k === lastAfter ? lastBefore : k < lastBefore ? k : null);
  const place = new Map(); // neuron of `to` → the neuron of `from` at its place
  after.forEach((layer, k) => layer.forEach((neuron, p) => {
    const old = earlier(k) === null ? undefined : before[earlier(k)][p];
    if (old !== undefined) place.set(neuron, old);
  }));
  const oldWeight = new Map(from.weights.map((w) => [`${w.from}>${w.to}`, w.name]));
  const example = to.example;
  const weights = Object.fromEntries(to.weights.map((w) => {
    const name = oldWeight.get(`${place.get(w.from)}>${place.get(w.to)}`);
    return [w.name, name !== undefined && name in state.weights ? state.weights[name] : example.weights[w.name]];
  }));
  const biases = Object.fromEntries(to.biases.map((b, k) => {
    const old = earlier(k + 1) === null ? undefined : from.biases[earlier(k + 1) - 1]?.name;
    return [b.name, old !== undefined && old in state.biases ? state.biases[old] : example.biases[b.name]];
  }));
  const values = (given, names, fallback) => Object.fromEntries(names.map((name) => {
    const old = place.get(name);
    return [name, old !== undefined && old in given ? given[old] : fallback[name]];
  }));
  const inputsOf = (given) => values(given, to.inputs, example.inputs);
  const targetsOf = (given) => values(given, to.outputs, example.targets);
  const { layers: _layers, inputs: _inputs, targets: _targets, data: _data, ...rest } = state;
  const own = state.data
    ? { data: state.data.map((row) => ({ inputs: inputsOf(row.inputs), targets: targetsOf(row.targets) })) }
    : { inputs: inputsOf(state.inputs), targets: targetsOf(state.targets) };
  // the worked example's shape goes without `layers`, as the server writes it
  const shape = shapeKey(to.layers) === shapeKey(undefined) ? {} : { layers: [...to.layers] };
  return { ...shape, ...own, ...rest, weights, biases, iteration: 0 };
}

/** `state` with one more row of data, a copy of its last (a state without rows gets two: its
 * own inputs and targets, and a copy), or unchanged at `most` rows. */
export function withRowAdded(state, most) {
  const rows = state.data ?? [{ inputs: state.inputs, targets: state.targets }];
  if (rows.length >= most) return state;
  const { inputs: _inputs, targets: _targets, ...rest } = state;
  const last = rows[rows.length - 1];
  return { ...rest, data: [...rows, structuredClone(last)], iteration: 0 };
}

/** `state` without row `k` of its data; its one row stays. */
export function withRowRemoved(state, k) {
  if (!state.data || state.data.length <= 1 || !(k >= 0 && k < state.data.length)) return state;
  return { ...state, data: state.data.filter((_, j) => j !== k), iteration: 0 };
}
