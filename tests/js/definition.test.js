// The page reads the network's shape from the server's definition: the helpers, and the views
// built from them, which follow a definition of another shape without a line of their own.

import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import {
  biasOf, factorLabel, factorsOf, layers, neuronsOf, passedOn, passedOnPath, pathsOf, useDefinition, weightsInto, weightsOutOf,
} from "../../static/js/state/definition.js";
import { solutionLines } from "../../static/js/practice/solution.js";
import { buildSubsteps } from "../../static/js/views/substeps.js";

const names = (edges) => edges.map((edge) => edge.name);

test("the helpers read the worked example's shape from the server's definition", () => {
  useDefinition(copy(server.definition));
  assert.deepEqual(layers(), [["i1", "i2"], ["h1", "h2"], ["o1", "o2"]]);
  assert.deepEqual(neuronsOf(1), ["h1", "h2"]);
  assert.deepEqual(names(weightsInto("o1")), ["w5", "w6"]);
  assert.deepEqual(names(weightsOutOf("h1")), ["w5", "w7"]);
  assert.equal(biasOf("h2"), "b1");
  assert.equal(biasOf("o1"), "b2");
  assert.equal(passedOn("i2"), "i2");
  assert.equal(passedOn("h1"), "out_h1");
  assert.deepEqual(passedOnPath("h1"), ["forward", "out_h1"]);
  assert.deepEqual(factorsOf("w5"), ["dE_dout_o1", "dout_o1_dnet_o1", "dnet_o1_dw5"]);
  assert.deepEqual(factorsOf("w1"), ["dE_dout_h1", "dout_h1_dnet_h1", "dnet_h1_dw1"]);
  assert.deepEqual(pathsOf("h2").map((p) => [p.through, p.weight, p.factor, p.local]), [
    ["o1", "w6", "dE_dout_h2_via_o1", "dnet_o1_dout_h2"], ["o2", "w8", "dE_dout_h2_via_o2", "dnet_o2_dout_h2"],
  ]);
  assert.equal(factorLabel("dnet_o1_dw5"), "∂net_o1/∂w5");
  // every factor the definition names is one the server's trace computes
  for (const weight of server.definition.weights) {
    for (const factor of factorsOf(weight.name)) assert.ok(factor in server.step.trace.factors, factor);
  }
});

/** The server's definition of a 2-3-2 network. */
const twoThreeTwo = () => copy(server.shapes["2-3-2"].definition);

/** A trace with a number for every name asked. */
const anything = () => new Proxy({}, { get: (_, key) => (typeof key === "string" ? 0.25 : undefined) });

test("a definition of another shape gives its own sub-steps, with no name of the example's left", () => {
  useDefinition(twoThreeTwo());
  const steps = buildSubsteps(server.reset.state.options);
  const ids = steps.map((step) => step.id);
  assert.ok(ids.includes("forward-h3") && ids.includes("paths-h3") && ids.includes("gradient-w12"), ids.join(" "));
  const paths = steps.find((step) => step.id === "paths-h3");
  assert.deepEqual(paths.reads, ["o1", "o2", "w9", "w12"]);
  const forward = steps.find((step) => step.id === "forward-o2");
  assert.deepEqual(forward.reads, ["h1", "h2", "h3", "w10", "w11", "w12", "b2"]);
  useDefinition(copy(server.definition));
});

test("the practice solution writes a neuron's net from the weights the definition gives it", () => {
  useDefinition(twoThreeTwo());
  const trace = { forward: anything(), factors: anything(), deltas: anything(), gradients: anything() };
  const state = { weights: anything(), biases: anything(), inputs: anything(), targets: anything(), learning_rate: 0.5 };
  const lines = solutionLines(4, [], state, { trace, state: { weights: anything() } });
  const formula = (key) => lines.find((line) => line.key === key)?.formula;
  assert.equal(formula("net_o1"), "net_o1 = w7·out_h1 + w8·out_h2 + w9·out_h3 + b2");
  assert.equal(formula("dE_dout_h3"), "∂E_total/∂out_h3 = δ_o1·w9 + δ_o2·w12");
  assert.equal(formula("dE_dw12"), "∂E_total/∂w12 = ∂E_total/∂out_o2 · ∂out_o2/∂net_o2 · ∂net_o2/∂w12");
  assert.equal(lines.filter((line) => line.key.endsWith("_new")).length, 12);
  useDefinition(copy(server.definition));
});

test("where the definition says how each gradient is made (its chain), the helpers read it there", () => {
  const entry = (name, kind, terms) => ({ name, kind, terms, at: [] });
  useDefinition({ ...copy(server.definition), chain_rule: undefined, chain: [
    entry("dE_dout_o1", "leaf", ["out_o1", "target_o1"]),
    entry("dout_o1_dnet_o1", "leaf", ["net_o1"]),
    entry("delta_o1", "product", ["dE_dout_o1", "dout_o1_dnet_o1"]),
    entry("delta_o1", "leaf", ["out_o1", "target_o1"]),
    entry("dnet_o1_dw5", "leaf", ["out_h1"]),
    entry("dE_dw5", "product", ["delta_o1", "dnet_o1_dw5"]),
    entry("dnet_o2_dout_h1", "leaf", ["w7"]),
    entry("dE_dout_h1_via_o2", "product", ["delta_o2", "dnet_o2_dout_h1"]),
    entry("dnet_o1_dout_h1", "leaf", ["w5"]),
    entry("dE_dout_h1_via_o1", "product", ["delta_o1", "dnet_o1_dout_h1"]),
    entry("dE_dout_h1", "sum", ["dE_dout_h1_via_o2", "dE_dout_h1_via_o1"]),
  ] });
  assert.deepEqual(factorsOf("w5"), ["dE_dout_o1", "dout_o1_dnet_o1", "dnet_o1_dw5"]);
  // the paths in the chain's own order, which here is not the definition's
  assert.deepEqual(pathsOf("h1").map((p) => [p.through, p.weight, p.factor, p.local]), [
    ["o2", "w7", "dE_dout_h1_via_o2", "dnet_o2_dout_h1"], ["o1", "w5", "dE_dout_h1_via_o1", "dnet_o1_dout_h1"],
  ]);
  useDefinition({ ...copy(server.definition), neurons: [["i1"], ["h1"], ["h2"], ["o1"]] });
  assert.deepEqual(layers(), [["i1"], ["h1"], ["h2"], ["o1"]]);
  useDefinition(copy(server.definition));
});

test("a quantity's name on paper is read from its name: the example's formulas, and any shape's chain", () => {
  for (const [name, formula] of Object.entries(server.definition.chain_rule.formulas)) {
    assert.equal(factorLabel(name), formula.split(" = ")[0], name);
  }
  useDefinition(copy(server.shapes["2-3-3-2"].definition));
  assert.equal(factorLabel("dE_dout_h1_via_h4"), "δ_h4·∂net_h4/∂out_h1");
  assert.equal(factorLabel("dE_dout_h4_via_o2"), "∂E_o2/∂out_h4");
  assert.equal(factorLabel("dnet_h4_dout_h1"), "∂net_h4/∂out_h1");
  assert.equal(factorLabel("dE_dw21"), "∂E_total/∂w21");
  for (const entry of server.shapes["2-3-3-2"].definition.chain) assert.ok(factorLabel(entry.name).length > 0, entry.name);
  assert.throws(() => factorLabel("dE"), /no quantity/);
  useDefinition(copy(server.definition));
});
