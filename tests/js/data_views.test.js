// The data panel's pure parts: the rows table's cells and the output map's traces, read from a
// 2-3-1 network's definition and the server's answers for XOR's rows.

import assert from "node:assert/strict";
import { test } from "node:test";

import "./server.js";
import { XOR_ROWS, answersFor } from "./shapes.js";
import { useDefinition } from "../../static/js/state/definition.js";
import { initialState, reduce } from "../../static/js/state/reducers.js";
import { colourRange, outputTraces } from "../../static/js/views/outputmap.js";
import { rowsTable } from "../../static/js/views/rows.js";

const [XOR] = answersFor([{ layers: [2, 3, 1], data: XOR_ROWS, learning_rate: 2 }]);

test("the rows table holds each row's inputs, targets, the server's outputs and errors", () => {
  useDefinition(XOR.definition);
  const { data } = XOR.step.state;
  const { columns, rows } = rowsTable(data, XOR.step.rows);
  assert.deepEqual(columns.map((c) => c.key), ["i1", "i2", "t_o1", "out_o1", "E_total"]);
  assert.equal(rows.length, 4);
  rows.forEach((cells, k) => {
    assert.equal(cells.i1, XOR_ROWS[k].inputs.i1);
    assert.equal(cells.i2, XOR_ROWS[k].inputs.i2);
    assert.equal(cells.t_o1, XOR_ROWS[k].targets.o1);
    assert.equal(cells.out_o1, XOR.step.rows[k].out_o1);
    assert.equal(cells.E_total, XOR.step.rows[k].E_total);
  });
  // the mean of the rows' errors is the loss the step answers with
  const mean = rows.reduce((sum, cells) => sum + cells.E_total, 0) / rows.length;
  assert.ok(Math.abs(mean - XOR.step.loss) <= 1e-15);
  // before the forward passes arrive the outputs are unknown, never zero
  const waiting = rowsTable(data, null).rows;
  assert.ok(waiting.every((cells) => cells.out_o1 === null && cells.E_total === null));
});

test("the output map marks every row, filled by its target, over the heatmap the server drew", () => {
  useDefinition(XOR.definition);
  const grid = { output: "o1", x: { name: "i1", values: [0, 0.5, 1] }, y: { name: "i2", values: [0, 1] },
    out: [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]] };
  const range = colourRange(XOR.step.state.options, grid);
  assert.deepEqual(range, [0, 1]);
  const [heatmap, rows] = outputTraces(grid, XOR_ROWS, XOR.step.rows, "o1", range, 0);
  assert.equal(heatmap.type, "heatmap");
  assert.equal(heatmap.z, grid.out);
  assert.deepEqual(rows.x, [0, 0, 1, 1]);
  assert.deepEqual(rows.y, [0, 1, 0, 1]);
  assert.deepEqual(rows.marker.color, [0, 1, 1, 0]);
  assert.equal(rows.customdata[1][0], 2);
});

test("the colours span what the output layer can give", () => {
  const grid = { out: [[0, 2.5], [1, 0]] };
  assert.deepEqual(colourRange({ activation: "tanh", loss: "squared" }, grid), [-1, 1]);
  assert.deepEqual(colourRange({ activation: "relu", loss: "cross_entropy" }, grid), [0, 1]);
  assert.deepEqual(colourRange({ activation: "relu", loss: "squared" }, grid), [0, 2.5]);
  assert.deepEqual(colourRange({ activation: "relu", loss: "squared" }, { out: [[0, 0]] }), [0, 1]);
});

test("with rows trained online the curve puts each pass's loss an epoch of iterations apart", () => {
  useDefinition(XOR.definition);
  let page = reduce(initialState(), { type: "started", answer: XOR.reset });
  assert.equal(page.network.loss, XOR.reset.loss);
  page = reduce(page, { type: "trained", run: XOR.epoch });
  // the start: the mean of the rows' E_total, as the reset answers it
  const mean = XOR.reset.rows.reduce((sum, row) => sum + row.E_total, 0) / 4;
  assert.ok(Math.abs(XOR.reset.loss - mean) <= 1e-15);
  // 3 passes over 4 rows: the start, passes 2 and 3 at iterations 4 and 8, the state reached at 12
  assert.equal(XOR.epoch.state.iteration, 12);
  assert.deepEqual([...page.curve.x], [0, 4, 8, 12]);
  assert.deepEqual([...page.curve.y], [XOR.reset.loss, ...XOR.epoch.losses.slice(1), XOR.epoch.loss]);
});
