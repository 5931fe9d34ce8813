// A network's shape and rows changed by hand: what still has its place keeps its value, what is
// new takes the new shape's example value, and the bounds hold.

import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { definitionOf, learnShape } from "../../static/js/state/definition.js";
import { editedLayers, reshaped, withRowAdded, withRowRemoved } from "../../static/js/state/reshape.js";

for (const definition of Object.values(server.definitions)) learnShape(definition);
const shape = (key) => definitionOf(key.split("-").map(Number));
const bounds = server.definition.bounds;
// the worked example after one Step: numbers no example holds, so a kept one is told apart
const stepped = () => copy(server.step.state);

test("a neuron or a hidden layer more or fewer, within the bounds", () => {
  assert.deepEqual(editedLayers([2, 2, 2], { layer: 1, change: 1 }, bounds), [2, 3, 2]);
  assert.deepEqual(editedLayers([2, 2, 2], { layer: 0, change: -1 }, bounds), [1, 2, 2]);
  assert.deepEqual(editedLayers([2, 3, 1], { layer: 2, change: 1 }, bounds), [2, 3, 2]);
  assert.deepEqual(editedLayers([2, 3, 1], { hidden: 1 }, bounds), [2, 3, 3, 1]);
  assert.deepEqual(editedLayers([2, 3, 4, 1], { hidden: -1 }, bounds), [2, 3, 1]);
  assert.equal(editedLayers([2, 4, 2], { layer: 1, change: 1 }, bounds), null);
  assert.equal(editedLayers([4, 2, 2], { layer: 0, change: 1 }, bounds), null);
  assert.equal(editedLayers([2, 2, 4], { layer: 2, change: 1 }, bounds), null);
  assert.equal(editedLayers([2, 1, 2], { layer: 1, change: -1 }, bounds), null);
  assert.equal(editedLayers([2, 2, 2], { hidden: -1 }, bounds), null);
  assert.equal(editedLayers([2, 2, 2, 2, 2], { hidden: 1 }, bounds), null);
  assert.equal(editedLayers([2, 2, 2], { layer: 3, change: 1 }, bounds), null);
});

test("a hidden neuron more: every weight between neurons joined before keeps its value, the new neuron's are the example's", () => {
  const before = stepped();
  const after = reshaped(before, shape("2-2-2"), shape("2-3-2"));
  const w = before.weights;
  const example = shape("2-3-2").example.weights;
  assert.deepEqual(after.weights, {
    w1: w.w1, w2: w.w2, w3: w.w3, w4: w.w4, w5: example.w5, w6: example.w6, // i → h1, h2, h3
    w7: w.w5, w8: w.w6, w9: example.w9, w10: w.w7, w11: w.w8, w12: example.w12, // h → o1, o2
  });
  assert.deepEqual(after.biases, before.biases);
  assert.deepEqual(after.layers, [2, 3, 2]);
  assert.deepEqual([after.inputs, after.targets, after.learning_rate, after.options], [before.inputs, before.targets, before.learning_rate, before.options]);
  assert.equal(after.iteration, 0);
  // and fewer again: the worked example's shape, its own numbers, without `layers`
  const back = reshaped(after, shape("2-3-2"), shape("2-2-2"));
  assert.deepEqual(back, { ...before, iteration: 0 });
  assert.equal("layers" in back, false);
});

test("a hidden layer more: the outputs keep their bias, the new layer's weights and bias are the example's", () => {
  const before = stepped();
  const after = reshaped(before, shape("2-2-2"), shape("2-2-2-2"));
  const example = shape("2-2-2-2").example;
  assert.deepEqual([after.weights.w1, after.weights.w4], [before.weights.w1, before.weights.w4]);
  for (const name of ["w5", "w6", "w7", "w8", "w9", "w10", "w11", "w12"]) assert.equal(after.weights[name], example.weights[name], name);
  assert.deepEqual(after.biases, { b1: before.biases.b1, b2: example.biases.b2, b3: before.biases.b2 });
  const back = reshaped(after, shape("2-2-2-2"), shape("2-2-2"));
  assert.deepEqual(back.biases, before.biases);
  assert.deepEqual([back.weights.w1, back.weights.w4, back.weights.w5], [before.weights.w1, before.weights.w4, shape("2-2-2").example.weights.w5]);
});

test("an input or an output more: rows of data get its example value, the rest stay", () => {
  const xor = copy(server.runs["xor-231/online"].reset.state);
  const xor221 = copy(server.runs["xor-221/online"].reset.state);
  const two = reshaped(xor221, shape("2-2-1"), shape("2-2-2"));
  assert.deepEqual(two.data, xor221.data.map((row) => ({ ...row, targets: { ...row.targets, o2: shape("2-2-2").example.targets.o2 } })));
  assert.deepEqual([two.weights.w1, two.weights.w4, two.weights.w5, two.biases.b2], [xor221.weights.w1, xor221.weights.w4, xor221.weights.w5, xor221.biases.b2]);
  const inputs = reshaped(copy(server.step.state), shape("2-2-2"), shape("3-2-2"));
  assert.deepEqual(inputs.inputs, { ...server.step.state.inputs, i3: shape("3-2-2").example.inputs.i3 });
  const outputs = reshaped(copy(server.step.state), shape("2-2-2"), shape("2-2-3"));
  assert.deepEqual(outputs.targets, { ...server.step.state.targets, o3: shape("2-2-3").example.targets.o3 });
  assert.equal(outputs.weights.w5, server.step.state.weights.w5);
  const tiny = reshaped(xor, shape("2-3-1"), shape("1-1-1"));
  assert.deepEqual(tiny.data.map((row) => [row.inputs, row.targets]), xor.data.map((row) => [{ i1: row.inputs.i1 }, row.targets]));
  assert.equal(tiny.weights.w1, xor.weights.w1);
  assert.equal(tiny.weights.w2, xor.weights.w7); // h1 → o1
  assert.equal("inputs" in tiny, false);
});

test("rows of data: one more is a copy of the last, the own inputs become the first row, at most rows_max", () => {
  const example = copy(server.reset.state);
  const two = withRowAdded(example, bounds.rows_max);
  assert.deepEqual(two.data, [{ inputs: example.inputs, targets: example.targets }, { inputs: example.inputs, targets: example.targets }]);
  assert.equal("inputs" in two || "targets" in two, false);
  two.data[1].inputs.i1 = 7;
  assert.equal(two.data[0].inputs.i1, example.inputs.i1); // a copy, not the same object
  let full = two;
  while (full.data.length < bounds.rows_max) full = withRowAdded(full, bounds.rows_max);
  assert.equal(withRowAdded(full, bounds.rows_max), full);
  const fewer = withRowRemoved(two, 0);
  assert.deepEqual(fewer.data.map((row) => row.inputs.i1), [7]);
  assert.equal(withRowRemoved(fewer, 0), fewer); // the one row stays
  assert.equal(withRowRemoved(two, 5), two);
});
