// The CSV of an export: every number of the update shown, named so that a spreadsheet can find
// it, for the worked example and for networks with rows of data, online or batch.

import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { toCsv } from "../../static/js/controllers/share.js";
import { learnShape, useShape } from "../../static/js/state/definition.js";
import { reduce, initialState } from "../../static/js/state/reducers.js";
import { snapshot } from "../../static/js/state/serialize.js";

for (const definition of Object.values(server.definitions)) learnShape(definition);

function exported(id, training) {
  const { reset, step } = server.runs[`${id}/${training}`];
  useShape(reset.state.layers);
  let page = reduce(initialState(), { type: "started", answer: copy(reset) });
  page = reduce(page, { type: "stepped", sent: page.network.state, result: copy(step) });
  const lines = toCsv(snapshot(page, "export")).trim().split("\r\n");
  useShape(undefined);
  return { lines, step };
}

test("the worked example's CSV names each number as before, without a layers line", () => {
  const { lines, step } = exported("example", "online");
  assert.equal(lines[0], "iteration,section,quantity,value");
  assert.ok(lines.includes("1,before,i1,0.05"));
  assert.ok(lines.includes("1,before,target_o2,0.99"));
  assert.ok(lines.includes(`1,after,w5,${step.state.weights.w5}`));
  assert.ok(lines.includes(`1,forward,out_o1,${step.trace.forward.out_o1}`));
  assert.equal(lines.some((line) => line.includes("layers")), false);
});

test("a batch on rows of data: its shape, each row's numbers and each row's trace", () => {
  const { lines, step } = exported("xor-231", "batch");
  assert.equal(lines[1], "1,network,layers,2-3-1");
  assert.ok(lines.includes("1,before,row3_i2,1"));
  assert.ok(lines.includes("1,before,row3_target_o1,0"));
  assert.ok(lines.includes(`1,forward,row2_out_o1,${step.trace.rows[2].forward.out_o1}`));
  assert.ok(lines.includes(`1,delta,row1_o1,${step.trace.rows[1].deltas.o1}`));
  assert.ok(lines.includes(`1,gradient,w9,${step.trace.gradients.w9}`));
  assert.equal(lines.filter((line) => line.startsWith("1,forward,")).length, 4 * Object.keys(step.trace.rows[0].forward).length);
});

test("online on rows of data: the row the step used, its numbers unprefixed", () => {
  const { lines, step } = exported("deep-2332", "online");
  assert.equal(lines[1], "1,network,layers,2-3-3-2");
  assert.ok(lines.includes(`1,forward,out_h6,${step.trace.forward.out_h6}`));
  assert.ok(lines.includes("1,after,row0_i1,0"));
});
