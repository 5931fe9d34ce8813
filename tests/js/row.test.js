import assert from "node:assert/strict";
import { test } from "node:test";

import "./server.js";
import { rowShown, stateOfRow, traceOfRow, viewOfRow } from "../../static/js/state/row.js";

const DATA = [
  { inputs: { i1: 0, i2: 0 }, targets: { o1: 0 } },
  { inputs: { i1: 0, i2: 1 }, targets: { o1: 1 } },
  { inputs: { i1: 1, i2: 0 }, targets: { o1: 1 } },
];
const state = { inputs: { i1: 0, i2: 0 }, targets: { o1: 0 }, data: DATA, iteration: 4, weights: {}, biases: {} };
const perRow = (k) => ({ row: k, forward: { E_total: k }, terms: { k }, factors: { f: k }, deltas: { o1: k } });
const batch = { forward: null, terms: null, factors: null, deltas: null, rows: DATA.map((_, k) => perRow(k)),
  gradients: { w1: 0.5 }, changes: { w1: -0.25 }, row: null };

test("a batch's step shows the row chosen, its own numbers beside the batch's update", () => {
  const trace = traceOfRow(batch, 2);
  assert.deepEqual(trace.forward, { E_total: 2 });
  assert.deepEqual(trace.factors, { f: 2 });
  assert.deepEqual(trace.deltas, { o1: 2 });
  assert.deepEqual(trace.gradients, { w1: 0.5 });
  assert.equal(trace.row, 2);
  // a row past the data is its last
  assert.equal(traceOfRow(batch, 9).row, 2);
  assert.equal(rowShown({ state, last: { sent: state, trace: batch } }, { row: 1 }), 1);
});

test("an online step shows the row it used; no step, the row of the forward pass held", () => {
  const online = { ...perRow(1), gradients: {}, changes: {} };
  assert.equal(traceOfRow(online, 2), online);
  assert.equal(rowShown({ state, last: { sent: state, trace: online } }, { row: 2 }), 1);
  assert.equal(rowShown({ state, last: null }, { row: 2 }), 4 % 3);
  assert.equal(rowShown({ state: { ...state, data: undefined }, last: null }, { row: 2 }), 0);
});

test("a row's state holds its inputs and targets; the view keeps one object for one state", () => {
  assert.deepEqual(stateOfRow(state, 2).inputs, { i1: 1, i2: 0 });
  assert.equal(stateOfRow({ ...state, data: undefined }, 2).inputs.i1, 0);
  const view = viewOfRow({ state, forward: { E_total: 9 }, last: { sent: state, trace: batch } }, 1);
  assert.equal(view.state, view.last.sent); // the step's result not shown yet: still the state sent
  assert.deepEqual(view.state.targets, { o1: 1 });
  assert.deepEqual(view.forward, { E_total: 1 });
  const fresh = viewOfRow({ state, forward: { E_total: 9 }, last: null }, 0);
  assert.deepEqual(fresh.forward, { E_total: 9 });
});

test("before a batch's first update: the row chosen once every row's forward pass is known", () => {
  const batchState = { ...state, options: { training: "batch" } };
  const rows = DATA.map((_, k) => ({ E_total: 10 + k }));
  // not known yet: the forward pass held (iteration mod rows)
  assert.equal(rowShown({ state: batchState, forward: { E_total: 99 }, last: null }, { row: 2 }), 4 % 3);
  const view = { state: batchState, forward: { E_total: 99 }, last: null, rows };
  assert.equal(rowShown(view, { row: 2 }), 2);
  const shown = viewOfRow(view, 2);
  assert.deepEqual(shown.forward, { E_total: 12 });
  assert.deepEqual(shown.state.inputs, { i1: 1, i2: 0 });
  // online, before a step, the next update's row whatever is chosen
  const online = { ...state, options: { training: "online" } };
  assert.equal(rowShown({ state: online, last: null, rows }, { row: 2 }), 4 % 3);
});
