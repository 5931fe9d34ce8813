// The note beside E_total in the header: what the number is the sum or the mean of.

import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { lossNoteOf } from "../../static/js/controllers/controls.js";
import { useDefinition } from "../../static/js/state/definition.js";

const at = (iteration, extra = {}) => ({ iteration, ...extra });

test("E_total is the sum of the outputs' errors, one term an output", () => {
  useDefinition(copy(server.definition));
  assert.equal(lossNoteOf(at(0), 0), "= Eₒ₁ + Eₒ₂");
  useDefinition(copy(server.definitions["2-2-3"]));
  assert.equal(lossNoteOf(at(3), 3), "= Eₒ₁ + Eₒ₂ + Eₒ₃");
  useDefinition(copy(server.definitions["1-1-1"]));
  assert.equal(lossNoteOf(at(0), 0), "= Eₒ₁");
  useDefinition(copy(server.definition));
});

test("after an update it is the new weights'; with rows of data, the mean of the rows'", () => {
  useDefinition(copy(server.definition));
  assert.equal(lossNoteOf(at(1), 0), "new weights");
  assert.equal(lossNoteOf(at(1, { data: [{}, {}, {}, {}] }), 0), "mean of 4 rows");
  assert.equal(lossNoteOf(at(0, { data: [{}, {}] }), 0), "mean of 2 rows");
});
