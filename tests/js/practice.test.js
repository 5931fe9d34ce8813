// The practice slice: its reducer (alone and inside the page's), the answer parser, the link,
// and what the one serializer keeps of it.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  MISTAKES_KEPT,
  fromQuery,
  initialPractice,
  parseAnswer,
  practiceReducer,
  randomSeed,
  recurringMistakes,
  solved,
  solvedAlone,
  toQuery,
} from "../../static/js/state/practice.js";
import { initialState, reduce } from "../../static/js/state/reducers.js";
import { deserialize, serialize, VERSION } from "../../static/js/state/serialize.js";

const ASKS = [{ id: "dE_dw5", label: "∂E_total/∂w5", decimals: 5 }, { id: "w5_new", label: "w5⁺", decimals: 5 }];

function loaded(level = 2, seed = 123) {
  let practice = practiceReducer(initialPractice(), { type: "practiceOpened", level, seed });
  practice = practiceReducer(practice, { type: "practiceLoaded", level, seed, asks: ASKS });
  return practice;
}

const verdict = (id, correct, misconception = null) => ({
  id, correct, misconception, misconceptions: misconception ? [misconception] : [], substeps: misconception ? ["delta-o1"] : [], message: "m",
});

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

test("the link names level and seed; anything else is null, and said to be wrong when given", () => {
  assert.deepEqual(fromQuery("?seed=123&level=3"), { level: 3, seed: 123, wrong: [] });
  assert.deepEqual(fromQuery("?level=4"), { level: 4, seed: null, wrong: [] });
  assert.deepEqual(fromQuery("?level=9&seed=abc"), { level: null, seed: null, wrong: ["seed", "level"] });
  assert.deepEqual(fromQuery("?seed=2147483648&level=1"), { level: 1, seed: null, wrong: ["seed"] });
  assert.deepEqual(fromQuery("?seed=-1&level=9"), { level: null, seed: null, wrong: ["seed", "level"] });
  assert.deepEqual(fromQuery("?seed=2.0&level=1"), { level: 1, seed: null, wrong: ["seed"] });
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
  assert.equal(JSON.parse(text).version, VERSION);
  assert.equal(JSON.parse(text).purpose, "practice");
  const read = deserialize(text, "practice");
  assert.ok(read.ok, read.error);
  assert.deepEqual(read.value.practice.progress, { 1: [1, 2], 2: [], 3: [], 4: [77] });
  assert.equal(read.value.language, "zh-Hant");
  const restored = reduce(initialState(), { type: "practiceRestored", value: read.value.practice });
  assert.equal(restored.practice.seed, 77);
  assert.deepEqual(restored.practice.answers, {});
  const base = { version: 2, purpose: "practice", practice: { level: 1, seed: 1 } };
  assert.ok(deserialize(JSON.stringify(base), "practice").ok); // written before the record was kept
  assert.equal(deserialize(JSON.stringify({ ...base, language: "fr" }), "practice").value.language, null);
  const record = (value) => JSON.stringify({ ...base, practice: { ...base.practice, record: value } });
  for (const bad of ["{", "null", JSON.stringify({ ...base, version: 1 }), JSON.stringify({ ...base, purpose: "storage" }),
    JSON.stringify({ ...base, practice: { level: 0, seed: 1 } }), JSON.stringify({ ...base, practice: { level: 1, seed: 1.5 } }),
    JSON.stringify({ ...base, practice: { level: 1, seed: 1, progress: { 1: ["x"] } } }),
    JSON.stringify({ version: 2, purpose: "practice" }),
    record({ answers: { dE_dw5: 5 } }), record({ answers: { "<img>": "1" } }), record({ attempts: { dE_dw5: -1 } }),
    record({ verdicts: { dE_dw5: { correct: "yes", message: "m", answer: "1" } } }),
    record({ verdicts: { dE_dw5: { correct: false, misconceptions: ["<b>"], message: "m", answer: "1" } } }),
    record({ seen: { dE_dw5: 1 } }), record({ solutionShown: 1.5 }), record([]),
    JSON.stringify({ ...base, practice: { ...base.practice, mistakes: [{ code: "sign_error", substep: "x y", id: "dE_dw5", level: 1, seed: 1 }] } })]) {
    assert.equal(deserialize(bad, "practice").ok, false, bad);
  }
});

/** A slice with work under way: typed, checked (a mistake, then right), solution half shown. */
function worked() {
  let practice = loaded();
  const checked = (p, result, text) => practiceReducer(p, {
    type: "answersChecked", level: 2, seed: 123, results: [result], texts: { [result.id]: text }, attempted: [result.id],
  });
  practice = practiceReducer(practice, { type: "answerTyped", id: "dE_dw5", text: "-0.0102" });
  practice = checked(practice, verdict("dE_dw5", false, "sign_error"), "-0.0102");
  practice = checked(practice, verdict("dE_dw5", true), "0.0102");
  practice = practiceReducer(practice, { type: "solutionRevealed", total: 3, keys: ["net_h1", "dE_dw5", "w5_new"], all: true });
  return practice;
}

test("each check of an ask counts; verdicts sent again for context or words do not", () => {
  let practice = worked();
  assert.equal(practice.attempts.dE_dw5, 2);
  practice = practiceReducer(practice, {
    type: "answersChecked", level: 2, seed: 123, results: [verdict("dE_dw5", true)], texts: { dE_dw5: "0.0102" }, attempted: [],
  });
  assert.equal(practice.attempts.dE_dw5, 2);
  assert.deepEqual(practice.mistakes.map((m) => [m.code, m.substep, m.id, m.level, m.seed]), [["sign_error", "delta-o1", "dE_dw5", 2, 123]]);
});

test("an answer the solution showed before it was found is marked so, and the exercise is not counted as solved", () => {
  let practice = worked();
  assert.deepEqual(practice.seen, { w5_new: true }); // dE_dw5 was right before the solution showed it
  practice = practiceReducer(practice, {
    type: "answersChecked", level: 2, seed: 123, results: [verdict("w5_new", true)], texts: { w5_new: "-0.2202" }, attempted: ["w5_new"],
  });
  assert.equal(solved(practice), true);
  assert.equal(solvedAlone(practice), false);
  assert.deepEqual(practice.progress[2], []);
  // one step at a time: only what is shown counts as seen
  let fresh = loaded();
  fresh = practiceReducer(fresh, { type: "solutionRevealed", total: 3, keys: ["net_h1", "dE_dw5", "w5_new"] });
  assert.deepEqual(fresh.seen, {});
});

test("the record of an exercise survives the serializer and a reopening of the same exercise", () => {
  let page = reduce(initialState(), { type: "practiceOpened", level: 2, seed: 123 });
  page = { ...page, practice: worked() };
  const read = deserialize(serialize(page, "practice"), "practice");
  assert.ok(read.ok, read.error);
  let restored = reduce(initialState(), { type: "practiceRestored", value: read.value.practice });
  restored = reduce(restored, { type: "practiceOpened", level: 2, seed: 123 }); // the reload opens it again
  const before = page.practice;
  for (const key of ["answers", "verdicts", "attempts", "seen", "solutionShown", "mistakes"]) {
    assert.deepEqual(restored.practice[key], before[key], key);
  }
  const other = reduce(restored, { type: "practiceOpened", level: 3, seed: 123 });
  assert.deepEqual(other.practice.answers, {});
  assert.deepEqual(other.practice.mistakes, before.mistakes); // the summary spans exercises
});

test("the summary ranks recurring mistakes, the latest place of each kept, rounding last", () => {
  const made = (code, seed) => ({ code, substep: code === "rounding" ? "" : "paths-h1", id: "dE_dw1", level: 3, seed });
  const practice = initialPractice({
    mistakes: [made("rounding", 1), made("rounding", 2), made("rounding", 3), made("missed_second_path", 4), made("sign_error", 5), made("missed_second_path", 6)],
  });
  assert.deepEqual(recurringMistakes(practice).map(({ code, count, seed }) => [code, count, seed]), [
    ["missed_second_path", 2, 6], ["sign_error", 1, 5], ["rounding", 3, 3],
  ]);
  let many = loaded();
  for (let k = 0; k < MISTAKES_KEPT + 5; k += 1) {
    many = practiceReducer(many, {
      type: "answersChecked", level: 2, seed: 123, results: [verdict("dE_dw5", false, "sign_error")], texts: { dE_dw5: String(k) }, attempted: ["dE_dw5"],
    });
  }
  assert.equal(many.mistakes.length, MISTAKES_KEPT);
});

test("random seeds are whole numbers in range", () => {
  assert.equal(randomSeed(() => 0), 0);
  assert.equal(randomSeed(() => 0.999999999999), 2 ** 31 - 1);
});
