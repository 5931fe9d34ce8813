import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { useDefinition } from "../../static/js/state/definition.js";
import { cardHtml, lookup } from "../../static/js/views/cards.js";

const MODE = { softmax: false, activation: "sigmoid", updatedDeltas: false };
const keysOf = (markup) => new Set([...markup.matchAll(/data-(?:key|signed)="([^"]+)"/g)].map((match) => match[1]));

/** The view a card reads: the step from `shape`'s example. */
function viewOf(shape) {
  const { definition, step } = server.shapes[shape];
  return { state: step.state, last: { sent: definition.example, trace: step.trace } };
}

test("the card of a weight deep in the net writes the δ of each layer above, from the layer above it", () => {
  useDefinition(copy(server.shapes["2-3-3-2"].definition));
  const keys = keysOf(cardHtml("w1", MODE));
  // the outputs' δ, then each neuron of the second hidden layer from them
  for (const o of ["o1", "o2"]) assert.ok(keys.has(`delta_${o}`), o);
  for (const h of ["h4", "h5", "h6"]) {
    for (const key of [`dE_dout_${h}`, `delta_${h}`, `dout_${h}_dnet_${h}`]) assert.ok(keys.has(key), key);
    for (const o of ["o1", "o2"]) assert.ok(keys.has(`dnet_${o}_dout_${h}`), `${o} ${h}`);
  }
  // h1's own sum over its three paths, then its δ and the weight's gradient
  for (const h of ["h4", "h5", "h6"]) {
    assert.ok(keys.has(`dE_dout_h1_via_${h}`), h);
    assert.ok(keys.has(`dnet_${h}_dout_h1`), h);
  }
  for (const key of ["dE_dout_h1", "dout_h1_dnet_h1", "dnet_h1_dw1", "gradient_w1", "old_w1", "eta", "new_w1"]) {
    assert.ok(keys.has(key), key);
  }
  // nothing of a neuron w1's gradient does not come through
  assert.ok(!keys.has("delta_h2") && !keys.has("dE_dout_h2"));
  useDefinition(copy(server.definition));
});

test("every number of every card of a deep network is the server's, found in its trace", () => {
  for (const shape of ["2-3-3-2", "4-4-4-4-4", "2-2-1"]) {
    const { definition } = server.shapes[shape];
    useDefinition(copy(definition));
    const view = viewOf(shape);
    for (const p of definition.parameters) {
      for (const key of keysOf(cardHtml(p, MODE))) {
        const value = lookup(key, view);
        assert.equal(typeof value, "number", `${shape} ${p}: ${key}`);
        assert.ok(Number.isFinite(value), `${shape} ${p}: ${key}`);
      }
    }
  }
  useDefinition(copy(server.definition));
});

test("the error reaching a first-layer neuron of 4-4-4-4-4 sums one path through each neuron it feeds", () => {
  useDefinition(copy(server.shapes["4-4-4-4-4"].definition));
  const keys = keysOf(cardHtml("w1", MODE));
  const paths = [...keys].filter((key) => key.startsWith("dE_dout_h1_via_")).sort();
  assert.deepEqual(paths, ["dE_dout_h1_via_h5", "dE_dout_h1_via_h6", "dE_dout_h1_via_h7", "dE_dout_h1_via_h8"]);
  // and the δ of every neuron of the two layers above those, and of the outputs
  for (const n of ["h9", "h10", "h11", "h12", "o1", "o2", "o3", "o4"]) assert.ok(keys.has(`delta_${n}`), n);
  useDefinition(copy(server.definition));
});

test("a bias of a layer of three writes the three deltas it sums", () => {
  useDefinition(copy(server.shapes["2-3-1"].definition));
  const markup = cardHtml("b1", MODE);
  const keys = keysOf(markup);
  for (const h of ["h1", "h2", "h3"]) assert.ok(keys.has(`delta_${h}`), h);
  assert.ok(markup.includes("h1, h2, h3"));
  useDefinition(copy(server.definition));
});
