import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { buildSubsteps } from "../../static/js/views/substeps.js";
import { askedAt } from "../../static/js/views/predict.js";
import { useDefinition } from "../../static/js/state/definition.js";

const OPTIONS = { activation: "sigmoid", loss: "squared", train_biases: false, hidden_deltas_use: "original" };

test("an iteration unfolds in the worked example's order, twenty sub-steps", () => {
  const ids = buildSubsteps(OPTIONS).map((s) => s.id);
  assert.deepEqual(ids, [
    "forward-h1", "forward-h2", "forward-o1", "forward-o2", "errors",
    "delta-o1", "delta-o2", "gradient-w5", "gradient-w6", "gradient-w7", "gradient-w8",
    "paths-h1", "paths-h2", "delta-h1", "delta-h2",
    "gradient-w1", "gradient-w2", "gradient-w3", "gradient-w4", "updates",
  ]);
});

test("trained biases add their gradients after each layer's weights", () => {
  const ids = buildSubsteps({ ...OPTIONS, train_biases: true }).map((s) => s.id);
  assert.equal(ids.length, 22);
  assert.equal(ids.indexOf("gradient-b2"), ids.indexOf("gradient-w8") + 1);
  assert.equal(ids.indexOf("gradient-b1"), ids.indexOf("gradient-w4") + 1);
});

test("stages run forward, backward, update, and only the last shows the updated weights", () => {
  const steps = buildSubsteps(OPTIONS);
  const stages = steps.map((s) => s.stage);
  assert.equal(stages.lastIndexOf("forward") < stages.indexOf("backward"), true);
  assert.equal(stages.at(-1), "update");
  assert.deepEqual(steps.filter((s) => s.showsAfter).map((s) => s.id), ["updates"]);
});

test("each weight's gradient reads the neurons it joins and writes the weight", () => {
  const w5 = buildSubsteps(OPTIONS).find((s) => s.id === "gradient-w5");
  assert.deepEqual(w5.reads, ["h1", "o1"]);
  assert.deepEqual(w5.writes, ["w5"]);
  const paths = buildSubsteps(OPTIONS).find((s) => s.id === "paths-h1");
  assert.deepEqual(paths.reads, ["o1", "o2", "w5", "w7"]);
});

test("with softmax both outputs appear once net_o2 is known", () => {
  const steps = buildSubsteps({ ...OPTIONS, loss: "cross_entropy" });
  assert.deepEqual(steps.find((s) => s.id === "forward-o1").reveals, ["net-o1"]);
  assert.deepEqual(steps.find((s) => s.id === "forward-o2").reveals, ["net-o2", "out-o1", "out-o2"]);
});

test("every diagram value is revealed by exactly one sub-step", () => {
  const reveals = buildSubsteps(OPTIONS).flatMap((s) => s.reveals);
  assert.equal(new Set(reveals).size, reveals.length);
  assert.ok(reveals.includes("grad-w1") && reveals.includes("change-w8"));
});

test("the formulas carry the server's numbers, exactly, in data-value", () => {
  const { trace, state: after } = copy(server.step);
  const ctx = { sent: copy(server.reset.state), trace, after, loss: server.step.loss };
  const g = (value, key = null) => `<mn data-key="${key}" data-value="${value}">${value}</mn>`;
  const html = buildSubsteps(OPTIONS).find((s) => s.id === "updates").lines(ctx, g).join("");
  assert.match(html, /data-value="0\.35891647971788465"/);
  const errors = buildSubsteps(OPTIONS).find((s) => s.id === "errors").lines(ctx, g).join("");
  assert.match(errors, new RegExp(`data-value="${trace.forward.E_total}"`));
});

test("predictions are asked at three sub-steps", () => {
  const asked = buildSubsteps(OPTIONS).map((s) => askedAt(s.id)).filter(Boolean);
  assert.deepEqual(asked, ["w5-direction", "h1-path", "loss-falls"]);
});

test("a deeper network's walk goes back one hidden layer at a time, each from the layer above", () => {
  useDefinition(copy(server.shapes["2-3-3-2"].definition));
  const ids = buildSubsteps(OPTIONS).map((s) => s.id);
  const at = (id) => ids.indexOf(id);
  assert.ok(at("gradient-w21") < at("paths-h4"));
  assert.ok(at("paths-h6") < at("delta-h4") && at("delta-h6") < at("gradient-w10"));
  assert.ok(at("gradient-w18") < at("paths-h1") && at("paths-h3") < at("delta-h1"));
  assert.ok(at("gradient-w6") < at("updates"));
  assert.equal(ids.filter((id) => id.startsWith("gradient-w")).length, 21);
  const paths = buildSubsteps(OPTIONS).find((s) => s.id === "paths-h1");
  assert.deepEqual(paths.reads, ["h4", "h5", "h6", "w7", "w10", "w13"]);
  useDefinition(copy(server.definition));
});

test("every sub-step of any shape writes the server's numbers: none is missing from its trace", () => {
  for (const shape of Object.keys(server.shapes)) {
    const { definition, step } = server.shapes[shape];
    useDefinition(copy(definition));
    const ctx = { sent: definition.example, trace: step.trace, after: step.state, loss: step.loss };
    const written = [];
    const g = (value) => {
      written.push(value);
      return "<mn>x</mn>";
    };
    for (const options of [OPTIONS, { ...OPTIONS, train_biases: true }]) {
      for (const s of buildSubsteps(options)) s.lines(ctx, g);
    }
    assert.ok(written.length > 0);
    for (const value of written) assert.equal(typeof value, "number", shape);
    // the forward pass of the second hidden layer reads the first's outs, not the inputs
    if (shape === "2-3-3-2") {
      const forward = buildSubsteps(OPTIONS).find((s) => s.id === "forward-h4");
      written.length = 0;
      forward.lines(ctx, g);
      assert.ok(written.includes(step.trace.forward.out_h1));
    }
  }
  useDefinition(copy(server.definition));
});

test("a network of another shape is asked only what it has: whether the loss falls", () => {
  useDefinition(copy(server.shapes["2-3-3-2"].definition));
  assert.equal(askedAt("gradient-w5"), null);
  assert.equal(askedAt("paths-h1"), null);
  assert.equal(askedAt("updates"), "loss-falls");
  useDefinition(copy(server.definition));
  assert.equal(askedAt("gradient-w5"), "w5-direction");
  assert.equal(askedAt("paths-h1"), "h1-path");
});
