import assert from "node:assert/strict";
import { test } from "node:test";

import "./server.js"; // hands the server's definition, with its catalogue of mistakes, to the page's modules
import { classMistakes } from "../../static/js/classroom/practice.js";
import { createStore } from "../../static/js/state/store.js";

const row = (number, attempts, mistakes = {}, substeps = {}) => ({
  number, nickname: null, seed: number, attempts, solved: 0, asks: 5, mistakes, substeps,
});

function teacher() {
  const store = createStore();
  store.change({ type: "classJoined", role: "teacher", code: "K7M2QX9PA", joinUrl: "x" });
  store.change({ type: "classPracticed", practice: { id: "p1", level: 2 }, board: [] });
  return store;
}

test("a row counts once, in number order, and an older row never overtakes a newer one", () => {
  const store = teacher();
  store.change({ type: "classRowChanged", practice: "p1", row: row(2, 1) });
  store.change({ type: "classRowChanged", practice: "p1", row: row(1, 3) });
  store.change({ type: "classRowChanged", practice: "p1", row: row(1, 2) }); // late, older
  store.change({ type: "classRowChanged", practice: "other", row: row(3, 9) }); // another practice
  assert.deepEqual(store.state().classroom.board.map((r) => [r.number, r.attempts]), [[1, 3], [2, 1]]);
  store.change({ type: "classPracticed", practice: { id: "p2", level: 1 }, board: [] });
  assert.deepEqual(store.state().classroom.board, []);
});

test("the class's mistakes are the rows' summed, most frequent first, with their sub-step", () => {
  const board = [
    row(1, 3, { sign_error: 2, rounding: 1 }, { sign_error: "gradient-w5" }),
    row(2, 2, { sign_error: 1, kept_half: 1 }, { sign_error: "delta-o1", kept_half: "delta-o1" }),
    row(3, 4, { kept_half: 3 }, { kept_half: "delta-o1" }),
  ];
  assert.deepEqual(classMistakes(board), [
    { code: "kept_half", count: 4, students: 2, substep: "delta-o1" },
    { code: "sign_error", count: 3, students: 2, substep: "gradient-w5" },
    { code: "rounding", count: 1, students: 1, substep: null },
  ]);
});
