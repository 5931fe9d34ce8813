import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { reduce, initialState } from "../../static/js/state/reducers.js";
import { decodeFloats, deserialize, encodeFloats, serialize, snapshot, VERSION } from "../../static/js/state/serialize.js";

/** The page after the worked example's first Step, as the reducers build it. */
function stepped() {
  let page = reduce(initialState(), { type: "started", answer: copy(server.reset) });
  page = reduce(page, { type: "stepped", sent: page.network.state, result: copy(server.step) });
  return reduce(page, { type: "settingsChanged", settings: { digits: 4, language: "zh-Hant", open: ["w2"], log: true } });
}

const stored = (mutate) => {
  const data = JSON.parse(serialize(stepped(), "storage"));
  mutate(data);
  return JSON.stringify(data);
};

test("storage round trip: network, curve, history, path and settings come back exactly", () => {
  const page = stepped();
  const read = deserialize(serialize(page, "storage"));
  assert.equal(read.ok, true, read.error);
  const { value } = read;
  assert.deepEqual(value.network, page.network);
  assert.equal(value.network.state.weights.w5, 0.35891647971788465);
  assert.deepEqual(Array.from(value.curve.y), Array.from(page.curve.y));
  assert.deepEqual(value.history, page.history);
  assert.deepEqual(value.path, page.path);
  assert.equal(value.settings.language, "zh-Hant");
  assert.deepEqual(value.settings.open, ["w2"]);
});

test("every text written carries the version", () => {
  const page = stepped();
  for (const purpose of ["storage", "export", "worksheet", "message"]) {
    assert.equal(JSON.parse(serialize(page, purpose)).version, VERSION, purpose);
  }
  assert.match(serialize(page, "link"), new RegExp(`^v=${VERSION}&`));
});

test("a link carries the initial values and the network now, and reads back exactly", () => {
  const page = stepped();
  const read = deserialize(`#${serialize(page, "link")}`, "link");
  assert.equal(read.ok, true, read.error);
  assert.deepEqual(read.value.initial, page.network.initial);
  assert.deepEqual(read.value.state, page.network.state);
});

test("a page without a network in its link reads as nothing to open", () => {
  assert.deepEqual(deserialize("", "link"), { ok: true, value: null });
  assert.deepEqual(deserialize("#section-2", "link"), { ok: true, value: null });
});

test("a damaged link is refused with the field it lacks", () => {
  const text = serialize(stepped(), "link").replace(/&now\.w3=[^&]*/, "");
  const read = deserialize(text, "link");
  assert.equal(read.ok, false);
  assert.match(read.error, /now\.w3/);
  const hostile = deserialize(serialize(stepped(), "link").replace(/activation=\w+/, "activation=__proto__"), "link");
  assert.equal(hostile.ok, false);
});

test("links written before versions (v=1) still open", () => {
  const text = serialize(stepped(), "link").replace(`v=${VERSION}`, "v=1");
  assert.equal(deserialize(text, "link").ok, true);
});

test("snapshots written by the earlier page (no version) are read", () => {
  const page = stepped();
  const legacy = {
    initial: page.network.initial, state: page.network.state, forward: page.network.forward, loss: page.network.loss,
    last: page.network.last, curve: { x: encodeFloats(page.curve.x), y: encodeFloats(page.curve.y) },
    digits: 3, open: ["w5"], log: false, epochs: 100, speed: 5, history: page.history, asking: true,
  };
  const read = deserialize(JSON.stringify(legacy));
  assert.equal(read.ok, true, read.error);
  assert.deepEqual(read.value.network.state, page.network.state);
  assert.equal(read.value.settings.digits, 3);
  assert.equal(read.value.settings.asking, true);
});

test("a version this page does not know is refused", () => {
  const read = deserialize(stored((d) => { d.version = 99; }));
  assert.deepEqual(read, { ok: false, error: "version 99 is not one this page reads" });
});

test("text that is not JSON, or not an object, is refused", () => {
  for (const text of ["{", "null", "[]", "42", '"text"', ""]) {
    assert.equal(deserialize(text).ok, false, text);
  }
  assert.equal(deserialize(undefined).ok, false);
});

test("a state the server would refuse is refused on reading, naming the field", () => {
  const cases = [
    [(d) => { d.network.state.weights.w1 = "0.15"; }, /network\.state\.weights\.w1/],
    [(d) => { d.network.state.weights.w1 = 1e300; }, /network\.state\.weights\.w1 is out of bounds/],
    [(d) => { delete d.network.initial.biases.b2; }, /network\.initial\.biases\.b2/],
    [(d) => { d.network.state.learning_rate = 0; }, /learning_rate/],
    [(d) => { d.network.state.options.activation = "softplus"; }, /options\.activation/],
    [(d) => { d.network.state.iteration = -1; }, /iteration/],
    [(d) => { d.network.state.iteration = 1.5; }, /iteration/],
    [(d) => { d.network.loss = null; }, /network\.loss/],
    [(d) => { d.network.state = null; }, /network\.state/],
  ];
  for (const [mutate, error] of cases) {
    const read = deserialize(stored(mutate));
    assert.equal(read.ok, false);
    assert.match(read.error, error);
  }
});

test("a corrupted loss curve is refused", () => {
  assert.equal(deserialize(stored((d) => { d.curve.x = "not base64!"; })).ok, false);
  assert.equal(deserialize(stored((d) => { d.curve.y = btoa("abc"); })).ok, false);
  assert.equal(deserialize(stored((d) => { d.curve.x = encodeFloats(Float64Array.of(1, 0)); })).ok, false);
});

test("a history out of order, or without checkpoints, is refused", () => {
  assert.equal(deserialize(stored((d) => { d.history.points.reverse(); })).ok, false);
  assert.equal(deserialize(stored((d) => { d.history.points = []; })).ok, false);
});

test("hostile keys are dropped: only the known fields are rebuilt", () => {
  const text = stored((d) => {
    d.network.state.weights.extra = 1;
    d.settings.evil = "<script>";
  }).replace('"settings":{', '"settings":{"__proto__":{"polluted":true},');
  assert.match(text, /"__proto__"/);
  const read = deserialize(text);
  assert.equal(read.ok, true, read.error);
  assert.equal("extra" in read.value.network.state.weights, false);
  assert.equal("evil" in read.value.settings, false);
  assert.equal({}.polluted, undefined);
});

test("a trace that is not a tree of numbers is refused", () => {
  const read = deserialize(stored((d) => { d.network.last.trace.deltas = { o1: { f: "x".repeat(2000) } }; }));
  assert.equal(read.ok, false);
});

test("the export holds the iteration shown, its whole update and the history", () => {
  const data = snapshot(stepped(), "export");
  assert.equal(data.iteration, 1);
  assert.equal(data.update.to.weights.w5, 0.35891647971788465);
  assert.equal(data.update.from.iteration, 0);
  assert.deepEqual(data.history.E_total.map((p) => p.iteration), [0, 1]);
  assert.equal(data.history.checkpoints.length, 2);
});

test("the worksheet data is the update shown and the digits", () => {
  const data = snapshot(stepped(), "worksheet");
  assert.equal(data.digits, 4);
  assert.equal(data.update.sent.iteration, 0);
  assert.equal(data.update.after.iteration, 1);
  assert.equal(snapshot(reduce(initialState(), { type: "started", answer: copy(server.reset) }), "worksheet").update, null);
});

test("float64 series survive the text encoding bit for bit", () => {
  const values = Float64Array.of(0.1, -0, 5e-324, 1.7976931348623157e308, 0.2983711087600027);
  const back = decodeFloats(encodeFloats(values));
  assert.deepEqual(Array.from(back), Array.from(values));
  assert.ok(Object.is(back[1], -0));
});

test("a live class's message carries the network, the walk under way and the shared settings", () => {
  let page = stepped();
  page = reduce(page, { type: "walkStarted", sent: page.network.state, result: copy(server.step) });
  page = reduce(page, { type: "walkMoved", index: 8 });
  page = reduce(page, { type: "walkAnswered", question: "w5-direction", choice: "down" });
  const read = deserialize(serialize(page, "message"));
  assert.equal(read.ok, true, read.error);
  assert.equal(read.value.purpose, "message");
  assert.deepEqual(read.value.network, page.network);
  assert.equal(read.value.walk.index, 8);
  assert.deepEqual(read.value.walk.answers, { "w5-direction": "down" });
  assert.deepEqual(read.value.settings, { open: ["w2"], tab: "graph", digits: 4 });
  const hostile = JSON.parse(serialize(page, "message"));
  hostile.walk.answers = { "<img src=x>": "down" };
  assert.equal(deserialize(JSON.stringify(hostile)).ok, false);
});

test("an export or a worksheet is not a page to restore", () => {
  for (const purpose of ["export", "worksheet"]) {
    const read = deserialize(serialize(stepped(), purpose));
    assert.equal(read.ok, false, purpose);
    assert.match(read.error, /not a page to restore/);
  }
});
