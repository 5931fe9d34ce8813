// The practice slice: its reducer (alone and inside the page's), the answer parser, the link,
// and what the one serializer keeps of it.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  fromQuery,
  initialPractice,
  parseAnswer,
  practiceReducer,
  randomSeed,
  solved,
  toQuery,
} from "../../static/js/state/practice.js";
import { initialState, reduce } from "../../static/js/state/reducers.js";
import { deserialize, serialize } from "../../static/js/state/serialize.js";

const ASKS = [{ id: "dE_dw5", label: "∂E_total/∂w5" }, { id: "w5_new", label: "w5⁺" }];

function loaded(level = 2, seed = 123) {
  let practice = practiceReducer(initialPractice(), { type: "practiceOpened", level, seed });
  practice = practiceReducer(practice, { type: "practiceLoaded", level, seed, asks: ASKS });
  return practice;
}

const verdict = (id, correct, misconception = null) => ({ id, correct, misconception, message: "m" });

test("opening an exercise clears answers and verdicts but keeps progress", () => {
  let practice = loaded();
  practice = practiceReducer(practice, { type: "answerTyped", id: "dE_dw5", text: "0.1" });
  practice = { ...practice, progress: { ...practice.progress, 1: [5] } };
  const opened = practiceReducer(practice, { type: "practiceOpened", level: 3, seed: 9 });
  assert.deepEqual(opened.answers, {});
  assert.deepEqual(opened.asks, []);
  assert.equal(opened.level, 3);
  assert.deepEqual(opened.progress[1], [5]);
});

test("an invalid level or seed is not opened", () => {
  const practice = loaded();
  assert.equal(practiceReducer(practice, { type: "practiceOpened", level: 5, seed: 1 }), practice);
  assert.equal(practiceReducer(practice, { type: "practiceOpened", level: 1, seed: 2 ** 31 }), practice);
  assert.equal(practiceReducer(practice, { type: "practiceOpened", level: 1, seed: -1 }), practice);
});

test("a verdict for another exercise is ignored (a late answer)", () => {
  const practice = loaded();
  const late = practiceReducer(practice, {
    type: "answersChecked", level: 2, seed: 7, results: [verdict("dE_dw5", true)], texts: { dE_dw5: "1" },
  });
  assert.equal(late, practice);
});

test("typing something else forgets the verdict; typing the same keeps it", () => {
  let practice = loaded();
  practice = practiceReducer(practice, {
    type: "answersChecked", level: 2, seed: 123, results: [verdict("dE_dw5", false, "sign_error")], texts: { dE_dw5: "0.1" },
  });
  assert.equal(practice.verdicts.dE_dw5.misconception, "sign_error");
  const same = practiceReducer(practice, { type: "answerTyped", id: "dE_dw5", text: "0.1" });
  assert.ok(same.verdicts.dE_dw5);
  const edited = practiceReducer(practice, { type: "answerTyped", id: "dE_dw5", text: "0.12" });
  assert.equal(edited.verdicts.dE_dw5, undefined);
  assert.equal(edited.answers.dE_dw5, "0.12");
});

test("every ask right solves the exercise and counts it once", () => {
  let practice = loaded();
  const right = (p, id) => practiceReducer(p, {
    type: "answersChecked", level: 2, seed: 123, results: [verdict(id, true)], texts: { [id]: "1" },
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
  practice = practiceReducer(practice, { type: "solutionRevealed", total: 2 });
  assert.equal(practice.solutionShown, 1);
  practice = practiceReducer(practice, { type: "solutionRevealed", total: 2 });
  practice = practiceReducer(practice, { type: "solutionRevealed", total: 2 });
  assert.equal(practice.solutionShown, 2);
  practice = practiceReducer(practice, { type: "solutionHidden" });
  assert.equal(practice.solutionShown, 0);
  practice = practiceReducer(practice, { type: "solutionRevealed", all: true, total: 19 });
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

test("the page's reducer hands practice actions to the slice and leaves the rest alone", () => {
  const page = initialState();
  assert.deepEqual(page.practice, initialPractice());
  const opened = reduce(page, { type: "practiceOpened", level: 3, seed: 42 });
  assert.equal(opened.practice.level, 3);
  assert.equal(opened.network, page.network);
  assert.equal(opened.settings, page.settings);
  assert.equal(reduce(opened, { type: "practiceOpened", level: 9, seed: 1 }), opened);
});

test("the serializer keeps level, seed, progress and language, versioned, and refuses what it did not write", () => {
  let page = reduce(initialState(), { type: "practiceOpened", level: 4, seed: 77 });
  page = { ...page, practice: { ...page.practice, progress: { 1: [1, 2], 2: [], 3: [], 4: [77] } } };
  page = reduce(page, { type: "settingsChanged", settings: { language: "zh-Hant" } });
  const text = serialize(page, "practice");
  assert.equal(JSON.parse(text).version, 2);
  assert.equal(JSON.parse(text).purpose, "practice");
  const read = deserialize(text, "practice");
  assert.ok(read.ok, read.error);
  assert.deepEqual(read.value, { practice: { level: 4, seed: 77, progress: { 1: [1, 2], 2: [], 3: [], 4: [77] } }, language: "zh-Hant" });
  const restored = reduce(initialState(), { type: "practiceRestored", value: read.value.practice });
  assert.equal(restored.practice.seed, 77);
  assert.deepEqual(restored.practice.answers, {});
  const base = { version: 2, purpose: "practice", practice: { level: 1, seed: 1 } };
  assert.ok(deserialize(JSON.stringify(base), "practice").ok);
  assert.equal(deserialize(JSON.stringify({ ...base, language: "fr" }), "practice").value.language, null);
  for (const bad of ["{", "null", JSON.stringify({ ...base, version: 1 }), JSON.stringify({ ...base, purpose: "storage" }),
    JSON.stringify({ ...base, practice: { level: 0, seed: 1 } }), JSON.stringify({ ...base, practice: { level: 1, seed: 1.5 } }),
    JSON.stringify({ ...base, practice: { level: 1, seed: 1, progress: { 1: ["x"] } } }),
    JSON.stringify({ version: 2, purpose: "practice" })]) {
    assert.equal(deserialize(bad, "practice").ok, false, bad);
  }
});

test("random seeds are whole numbers in range", () => {
  assert.equal(randomSeed(() => 0), 0);
  assert.equal(randomSeed(() => 0.999999999999), 2 ** 31 - 1);
});
