// The practice slice's reducer, answer parser, link and serializer, under node's own runner.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  deserializePractice,
  fromQuery,
  initialPractice,
  parseAnswer,
  practiceReducer,
  randomSeed,
  serializePractice,
  solved,
  toQuery,
} from "../../../static/js/practice/state.js";

const ASKS = [{ id: "dE_dw5", label: "∂E_total/∂w5" }, { id: "w5_new", label: "w5⁺" }];

function loaded(level = 2, seed = 123) {
  let practice = practiceReducer(initialPractice(), { type: "practice/open", level, seed });
  practice = practiceReducer(practice, { type: "practice/loaded", level, seed, asks: ASKS });
  return practice;
}

const verdict = (id, correct, misconception = null) => ({ id, correct, misconception, message: "m" });

test("opening an exercise clears answers and verdicts but keeps progress", () => {
  let practice = loaded();
  practice = practiceReducer(practice, { type: "practice/type", id: "dE_dw5", text: "0.1" });
  practice = { ...practice, progress: { ...practice.progress, 1: [5] } };
  const opened = practiceReducer(practice, { type: "practice/open", level: 3, seed: 9 });
  assert.deepEqual(opened.answers, {});
  assert.deepEqual(opened.asks, []);
  assert.equal(opened.level, 3);
  assert.deepEqual(opened.progress[1], [5]);
  assert.ok(Object.isFrozen(opened));
});

test("an invalid level or seed is not opened", () => {
  const practice = loaded();
  assert.equal(practiceReducer(practice, { type: "practice/open", level: 5, seed: 1 }), practice);
  assert.equal(practiceReducer(practice, { type: "practice/open", level: 1, seed: 2 ** 31 }), practice);
  assert.equal(practiceReducer(practice, { type: "practice/open", level: 1, seed: -1 }), practice);
});

test("a verdict for another exercise is ignored (a late answer)", () => {
  const practice = loaded();
  const late = practiceReducer(practice, {
    type: "practice/verdict", level: 2, seed: 7, results: [verdict("dE_dw5", true)], texts: { dE_dw5: "1" },
  });
  assert.equal(late, practice);
});

test("typing something else forgets the verdict; typing the same keeps it", () => {
  let practice = loaded();
  practice = practiceReducer(practice, {
    type: "practice/verdict", level: 2, seed: 123, results: [verdict("dE_dw5", false, "sign_error")], texts: { dE_dw5: "0.1" },
  });
  assert.equal(practice.verdicts.dE_dw5.misconception, "sign_error");
  const same = practiceReducer(practice, { type: "practice/type", id: "dE_dw5", text: "0.1" });
  assert.ok(same.verdicts.dE_dw5);
  const edited = practiceReducer(practice, { type: "practice/type", id: "dE_dw5", text: "0.12" });
  assert.equal(edited.verdicts.dE_dw5, undefined);
  assert.equal(edited.answers.dE_dw5, "0.12");
});

test("every ask right solves the exercise and counts it once", () => {
  let practice = loaded();
  const right = (p, id) => practiceReducer(p, {
    type: "practice/verdict", level: 2, seed: 123, results: [verdict(id, true)], texts: { [id]: "1" },
  });
  practice = right(practice, "dE_dw5");
  assert.equal(solved(practice), false);
  assert.deepEqual(practice.progress[2], []);
  practice = right(practice, "w5_new");
  assert.equal(solved(practice), true);
  assert.deepEqual(practice.progress[2], [123]);
  practice = right(practice, "w5_new");
  assert.deepEqual(practice.progress[2], [123]);
});

test("the solution is revealed one step at a time, or all at once, within its length", () => {
  let practice = loaded();
  practice = practiceReducer(practice, { type: "practice/reveal", total: 2 });
  assert.equal(practice.solutionShown, 1);
  practice = practiceReducer(practice, { type: "practice/reveal", total: 2 });
  practice = practiceReducer(practice, { type: "practice/reveal", total: 2 });
  assert.equal(practice.solutionShown, 2);
  practice = practiceReducer(practice, { type: "practice/hide" });
  assert.equal(practice.solutionShown, 0);
  practice = practiceReducer(practice, { type: "practice/reveal", all: true, total: 19 });
  assert.equal(practice.solutionShown, 19);
});

test("answers are read in the ways students type them", () => {
  assert.equal(parseAnswer("0.0821"), 0.0821);
  assert.equal(parseAnswer(" −0.5 "), -0.5);
  assert.equal(parseAnswer("-1.5e-3"), -0.0015);
  assert.equal(parseAnswer("1.5E−3"), 0.0015);
  assert.equal(parseAnswer("0,25"), 0.25);
  assert.equal(parseAnswer(".5"), 0.5);
  assert.equal(parseAnswer("+2"), 2);
  for (const bad of ["", "abc", "1.2.3", "1e", "0x10", "Infinity", "NaN", "1e999", "- 1", null]) {
    assert.equal(parseAnswer(bad), null, String(bad));
  }
});

test("the link names level and seed; anything else is null", () => {
  assert.deepEqual(fromQuery("?seed=123&level=3"), { level: 3, seed: 123 });
  assert.deepEqual(fromQuery("?level=9&seed=abc"), { level: null, seed: null });
  assert.deepEqual(fromQuery("?seed=2147483648&level=1"), { level: 1, seed: null });
  assert.deepEqual(fromQuery("?seed=-1"), { level: null, seed: null });
  assert.equal(toQuery({ level: 4, seed: 0 }), "?seed=0&level=4");
});

test("the serializer keeps level, seed and progress, versioned, and refuses what it did not write", () => {
  let practice = loaded(4, 77);
  practice = { ...practice, progress: { 1: [1, 2], 2: [], 3: [], 4: [77] } };
  const text = serializePractice(practice);
  assert.equal(JSON.parse(text).version, 1);
  const read = deserializePractice(text);
  assert.ok(read.ok);
  assert.equal(read.value.level, 4);
  assert.equal(read.value.seed, 77);
  assert.deepEqual(read.value.progress[1], [1, 2]);
  assert.deepEqual(read.value.answers, {});
  for (const bad of ["{", "null", '{"version": 2, "level": 1, "seed": 1}',
    '{"version": 1, "level": 0, "seed": 1}', '{"version": 1, "level": 1, "seed": 1.5}',
    '{"version": 1, "level": 1, "seed": 1, "progress": {"1": ["x"]}}']) {
    assert.equal(deserializePractice(bad).ok, false, bad);
  }
});

test("random seeds are whole numbers in range", () => {
  assert.equal(randomSeed(() => 0), 0);
  assert.equal(randomSeed(() => 0.999999999999), 2 ** 31 - 1);
});
