// Which preset a network started from: the same start whatever the order of its keys, and a
// network of one's own as soon as one value differs.

import assert from "node:assert/strict";
import { test } from "node:test";

import { presetOf, usePresets } from "../../static/js/state/presets.js";

const xor = {
  layers: [2, 2, 1],
  data: [{ inputs: { i1: 0, i2: 1 }, targets: { o1: 1 } }],
  weights: { w1: 0.7, w2: 0.5 },
  biases: { b1: 0.3, b2: -0.2 },
  learning_rate: 2,
  options: { activation: "sigmoid", training: "online" },
  iteration: 0,
};

usePresets([{ id: "xor-221", name: { en: "XOR" }, state: xor }]);

test("a network is the preset it started from, whatever the order of its keys", () => {
  const reordered = { options: { training: "online", activation: "sigmoid" }, iteration: 5, ...xor, weights: { w2: 0.5, w1: 0.7 } };
  assert.equal(presetOf(reordered), "xor-221");
});

test("one value changed makes it a network of one's own", () => {
  assert.equal(presetOf({ ...xor, weights: { w1: 0.7, w2: 0.51 } }), null);
  assert.equal(presetOf({ ...xor, data: [{ inputs: { i1: 1, i2: 1 }, targets: { o1: 1 } }] }), null);
  assert.equal(presetOf({ ...xor, layers: undefined }), null);
});
