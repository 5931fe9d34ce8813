// The lessons' computational graph and matrix form laid out for networks of any shape, from the
// server's definition: every number they show is one a step of that network answers, and no
// two boxes of the graph overlap.

import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { answersFor } from "./shapes.js";
import { useDefinition } from "../../static/js/state/definition.js";
import { boxOf, graphOf } from "../../static/js/views/graph.js";
import { equations } from "../../static/js/views/matrix.js";

const SHAPES = [
  { layers: [2, 3, 3, 2] },
  { layers: [2, 3, 3, 2], options: { loss: "cross_entropy", activation: "tanh" } },
  { layers: [2, 2, 1] },
  { layers: [1, 1, 1] },
  { layers: [3, 4, 2] },
  { layers: [4, 4, 4, 4, 4] },
  { layers: [2, 4, 1, 3], options: { loss: "cross_entropy" } },
];
const ANSWERS = answersFor(SHAPES);

/** What the lessons are given after a step: the state sent and every value of the trace. */
const lessonData = ({ reset, step }) => ({ state: reset.state, ...step.trace });
const read = (data, path) => path.reduce((node, key) => (node == null ? null : node[key]), data);

for (const [k, shape] of SHAPES.entries()) {
  const name = `${shape.layers.join("-")} ${shape.options?.loss ?? "squared"}`;

  test(`the graph of ${name} shows a number of the step in every box, no box over another`, () => {
    useDefinition(ANSWERS[k].definition);
    const data = lessonData(ANSWERS[k]);
    const graph = graphOf(data.state.options);
    const ids = new Set(graph.nodes.map((node) => node.id));
    assert.equal(ids.size, graph.nodes.length, "every node once");
    const weights = ANSWERS[k].definition.weights.map((w) => w.name);
    for (const w of weights) assert.ok(ids.has(`mul_${w}`), w);
    for (const node of graph.nodes) {
      for (const from of node.edges ?? []) assert.ok(ids.has(from), `${node.id} ← ${from}`);
      for (const [, label, slot, value] of node.rows) {
        const number = value(data);
        assert.ok(Number.isFinite(number), `${node.id} ${label} ${slot}: ${number}`);
      }
    }
    const boxes = graph.nodes.map((node) => ({ id: node.id, ...boxOf(node, graph) }));
    for (const box of boxes) {
      assert.ok(box.x >= 0 && box.y >= 0, `${box.id} inside`);
      assert.ok(box.x + box.w <= graph.width && box.y + box.h <= graph.height, `${box.id} inside`);
    }
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        assert.ok(apart, `${a.id} and ${b.id} overlap`);
      }
    }
  });

  test(`the matrix form of ${name} reads a number of the step in every slot`, () => {
    useDefinition(ANSWERS[k].definition);
    const data = lessonData(ANSWERS[k]);
    const markup = equations(data.state.options).map((eq) => eq.math + eq.scalars.join("")).join("");
    const paths = [...markup.matchAll(/data-[ms]="([^"]+)"/g)].map((match) => match[1]);
    assert.ok(paths.length > 0);
    for (const path of paths) {
      assert.ok(Number.isFinite(read(data, path.split("."))), path);
    }
    // every weight's gradient and every neuron's delta is shown
    for (const w of ANSWERS[k].definition.weights) assert.ok(paths.includes(`gradients.${w.name}`), w.name);
    for (const neuron of ANSWERS[k].definition.neurons.slice(1).flat()) assert.ok(paths.includes(`deltas.${neuron}`), neuron);
  });
}

test("the worked example keeps its own graph: eight columns on a 2120 × 1080 canvas", () => {
  useDefinition(copy(server.definition));
  const graph = graphOf(server.reset.state.options);
  assert.equal(graph.width, 2120);
  assert.equal(graph.height, 1080);
  assert.equal(graph.nodes.find((node) => node.id === "add_h1").y, 540 - 298);
});

test("a deeper network's matrix form has one BP2 line per hidden layer, the top one first", () => {
  const k = 0; // 2-3-3-2
  useDefinition(ANSWERS[k].definition);
  const bp2 = equations(ANSWERS[k].reset.state.options).find((eq) => eq.id === "bp2");
  const lines = bp2.math.split('<div class="eq-line">').slice(1);
  assert.equal(lines.length, 3); // the rule, then layers 2 and 1
  assert.ok(lines[1].includes('data-m="deltas.h4"') && lines[1].includes('data-m="deltas.o1"'));
  assert.ok(lines[2].includes('data-m="deltas.h1"') && lines[2].includes('data-m="deltas.h4"'));
  assert.ok(!lines[2].includes('data-m="deltas.o1"'));
});
