import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { learnShape, useShape } from "../../static/js/state/definition.js";
import { reduce, initialState } from "../../static/js/state/reducers.js";
import { decodeFloats, deserialize, encodeFloats, peekShape, serialize, snapshot, VERSION } from "../../static/js/state/serialize.js";

for (const definition of Object.values(server.definitions)) learnShape(definition);

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
  assert.deepEqual(read.value.settings, { open: ["w2"], tab: "graph", digits: 4, row: 0 });
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

// --- Networks of any shape (version 3) ------------------------------------------------------

/** The page after preset `id`'s first Step with `training`, as the reducers build it. */
function presetStepped(id, training = "online") {
  const { reset, step } = server.runs[`${id}/${training}`];
  useShape(reset.state.layers);
  let page = reduce(initialState(), { type: "started", answer: copy(reset) });
  page = reduce(page, { type: "stepped", sent: page.network.state, result: copy(step) });
  return reduce(page, { type: "settingsChanged", settings: { row: 2 } });
}

// JSON writes −0 (a product with an input of 0) as 0: the values compared are the text's
const viaJson = (value) => JSON.parse(JSON.stringify(value));

const RUNS = Object.keys(server.runs).map((key) => key.split("/"));

/** Read `text` the way the page does: with the example's shape shown, whatever the text's. */
function readAsPage(text, purpose = "storage") {
  useShape(undefined);
  return deserialize(text, purpose);
}

test("every preset, online and batch, comes back from storage exactly, its shape and rows too", () => {
  assert.ok(RUNS.length >= 12);
  for (const [id, training] of RUNS) {
    const page = presetStepped(id, training);
    const text = serialize(page, "storage");
    assert.deepEqual(peekShape(text), { ok: true, value: page.network.state.layers ?? null }, id);
    const read = readAsPage(text);
    assert.equal(read.ok, true, `${id}/${training}: ${read.error}`);
    assert.deepEqual(read.value.network, viaJson(page.network), `${id}/${training}`);
    assert.deepEqual(read.value.history, viaJson(page.history), `${id}/${training}`);
    assert.deepEqual(read.value.path, page.path, `${id}/${training}`);
    assert.equal(read.value.settings.row, 2);
    // the same text again: nothing lost, nothing reordered
    useShape(page.network.state.layers);
    assert.equal(serialize({ ...page, ...read.value }, "storage"), text, `${id}/${training}`);
    if (id !== "example") {
      assert.deepEqual(read.value.network.state.layers, page.network.state.layers);
      assert.equal(read.value.network.state.data.length, 4);
      assert.equal(read.value.network.state.options.training, training);
    }
  }
});

test("a batch update's trace (each row's values, none of its own) is kept", () => {
  const page = presetStepped("deep-2332", "batch");
  assert.equal(page.network.last.trace.forward, null);
  const read = readAsPage(serialize(page, "storage"));
  assert.equal(read.ok, true, read.error);
  assert.equal(read.value.network.last.trace.rows.length, 4);
  assert.deepEqual(read.value.network.last.trace, viaJson(page.network.last.trace));
  const broken = JSON.parse(serialize(page, "storage"));
  broken.network.last.trace.rows[1].deltas = null;
  assert.match(readAsPage(JSON.stringify(broken)).error, /trace\.rows\[1\]\.deltas/);
});

test("every preset's link, online and batch, reads back the same initial values and state", () => {
  for (const [id, training] of RUNS) {
    const page = presetStepped(id, training);
    const text = serialize(page, "link");
    const read = readAsPage(`#${text}`, "link");
    assert.equal(read.ok, true, `${id}/${training}: ${read.error}`);
    assert.deepEqual(read.value.initial, page.network.initial, `${id}/${training}`);
    assert.deepEqual(read.value.state, page.network.state, `${id}/${training}`);
  }
});

test("a data network's link carries its shape and its rows, each number as short as it reads back", () => {
  const page = presetStepped("xor-231");
  const p = new URLSearchParams(serialize(page, "link"));
  assert.equal(p.get("layers"), "2,3,1");
  assert.deepEqual([p.get("d1.i1"), p.get("d1.i2"), p.get("d1.o1"), p.get("d3.o1")], ["0", "1", "1", "0"]);
  assert.equal(p.has("i1") || p.has("t1") || p.has("d4.i1"), false);
  assert.equal(p.get("training"), "online");
  const odd = structuredClone(page);
  odd.network.initial.data[0].inputs.i1 = 0.1 + 0.2;
  const text = serialize(odd, "link");
  assert.match(text, /d0\.i1=0\.30000000000000004&/);
  assert.equal(readAsPage(text, "link").value.initial.data[0].inputs.i1, 0.1 + 0.2);
  assert.ok(text.length < 700, text.length);
});

test("a link with too many rows, a row short of a number, or a shape out of bounds is refused", () => {
  const text = serialize(presetStepped("xor-231"), "link");
  const extra = Array.from({ length: 13 }, (_, k) => `d${k + 4}.i1=0&d${k + 4}.i2=0&d${k + 4}.o1=0`).join("&");
  assert.match(readAsPage(`${text}&${extra}`, "link").error, /more than 16 rows/);
  assert.match(readAsPage(text.replace(/&d2\.o1=[^&]*/, ""), "link").error, /d2\.o1/);
  for (const layers of ["2,99999999,1", "2,3", "2,3,3,3,3,1", "0,3,1", "2,3,9", "2,-3,1", "2,3,1e3", "2,,1", "x".repeat(5000)]) {
    const read = readAsPage(text.replace("layers=2%2C3%2C1", `layers=${layers}`), "link");
    assert.equal(read.ok, false, layers);
    assert.match(read.error, /layers/, layers);
  }
});

test("links and storage written by version 2 and version 1 still open", () => {
  const v2 = "v=2&i1=0.05&i2=0.1&t1=0.01&t2=0.99&w1=0.15&w2=0.2&w3=0.25&w4=0.3&w5=0.4&w6=0.45&w7=0.5&w8=0.55"
    + "&b1=0.35&b2=0.6&eta=0.5&activation=sigmoid&loss=squared&train_biases=false&hidden_deltas_use=original&iteration=1"
    + "&now.w1=0.1497807161327628&now.w2=0.19956143226552567&now.w3=0.24975114363236958&now.w4=0.29950228726473915"
    + "&now.w5=0.35891647971788465&now.w6=0.4086661860762334&now.w7=0.5113012702387375&now.w8=0.5613701211079891"
    + "&now.b1=0.35&now.b2=0.6";
  for (const link of [v2, v2.replace("v=2", "v=1")]) {
    const read = readAsPage(`#${link}`, "link");
    assert.equal(read.ok, true, read.error);
    assert.deepEqual(read.value.state, stepped().network.state);
    assert.equal(read.value.state.options.training, "online");
    assert.equal("layers" in read.value.state, false);
  }
  const page = stepped();
  const v2Storage = JSON.parse(serialize(page, "storage"));
  v2Storage.version = 2;
  const read = readAsPage(JSON.stringify(v2Storage));
  assert.equal(read.ok, true, read.error);
  assert.deepEqual(read.value.network, page.network);
});

test("a text of a shape the page holds no definition of is refused, naming the shape", () => {
  const data = JSON.parse(serialize(presetStepped("xor-231"), "storage"));
  for (const state of [data.network.state, data.network.initial]) state.layers = [3, 1, 4, 1];
  const text = JSON.stringify(data);
  assert.deepEqual(peekShape(text), { ok: true, value: [3, 1, 4, 1] });
  assert.match(readAsPage(text).error, /no definition of the network 3-1-4-1/);
});

test("every state of a text has the text's shape and the fields that shape names", () => {
  const cases = [
    [(d) => { d.network.initial.layers = [2, 2, 1]; }, /network\.initial\.layers is not the shape/],
    [(d) => { delete d.network.initial.layers; }, /network\.initial\.layers is not the shape/],
    [(d) => { d.history.points[0].state.layers = [2, 2, 1]; }, /history\.points\[0\]\.state\.layers/],
    [(d) => { delete d.network.state.weights.w9; }, /network\.state\.weights\.w9/],
    [(d) => { d.network.state.data[2].inputs = { i1: 1 }; }, /network\.state\.data\.2\.inputs\.i2/],
    [(d) => { delete d.network.state.data[3].targets.o1; }, /network\.state\.data\.3\.targets\.o1/],
    [(d) => { d.network.state.data = []; }, /network\.state\.data is not a list of 1 to 16 rows/],
    [(d) => { d.network.state.data = Array(17).fill(d.network.state.data[0]); }, /network\.state\.data is not a list/],
    [(d) => { d.network.state.data[0] = 7; }, /network\.state\.data\.0 is not a row/],
    [(d) => { d.network.state.inputs = { i1: 0, i2: 0 }; }, /network\.state\.inputs is given beside data/],
    [(d) => { d.network.state.options.training = "minibatch"; }, /options\.training/],
    [(d) => { d.network.state.layers = [2, 3, "1"]; }, /network\.state\.layers\[2\]/],
    [(d) => { d.network.state.layers = Array(1e5).fill(4); }, /network\.state\.layers is not \[inputs/],
    [(d) => { d.network.state.layers = { length: 3 }; }, /network\.state\.layers/],
  ];
  for (const [mutate, error] of cases) {
    const data = JSON.parse(serialize(presetStepped("xor-231"), "storage"));
    mutate(data);
    const read = readAsPage(JSON.stringify(data));
    assert.equal(read.ok, false, String(mutate));
    assert.match(read.error, error);
  }
  const hostile = JSON.parse(serialize(presetStepped("xor-231"), "storage"));
  hostile.network.state.data[0].inputs.i9 = 1;
  hostile.network.state.extra = { a: 1 };
  const read = readAsPage(JSON.stringify(hostile));
  assert.equal(read.ok, true, read.error);
  assert.equal("i9" in read.value.network.state.data[0].inputs, false);
  assert.equal("extra" in read.value.network.state, false);
});

test("a live class's message carries the network's shape and rows; absurd shapes are refused before anything else is read", () => {
  const page = presetStepped("deep-2332", "batch");
  const text = serialize(page, "message");
  assert.deepEqual(peekShape(text, "message"), { ok: true, value: [2, 3, 3, 2] });
  const read = readAsPage(text, "message");
  assert.equal(read.ok, true, read.error);
  assert.deepEqual(read.value.network, viaJson(page.network));
  assert.equal(read.value.settings.row, 2);
  for (const layers of [[2, 1e9, 1], Array(1000).fill(2), [2, 3.5, 1], [], "2,3,1", null, [[2], 3, 1]]) {
    const hostile = JSON.parse(text);
    hostile.network.state.layers = layers;
    const peeked = peekShape(JSON.stringify(hostile), "message");
    assert.equal(peeked.ok, false, JSON.stringify(layers));
    assert.match(peeked.error, /network\.state\.layers/);
  }
});

test("the export and the worksheet carry the network's shape and rows", () => {
  const page = presetStepped("xor-231", "batch");
  const data = snapshot(page, "export");
  assert.deepEqual(data.initial.layers, [2, 3, 1]);
  assert.equal(data.state.data.length, 4);
  assert.equal(data.state.options.training, "batch");
  const sheet = snapshot(page, "worksheet");
  assert.deepEqual(sheet.update.sent.layers, [2, 3, 1]);
  assert.equal(sheet.update.trace.rows.length, 4);
  useShape(undefined);
});
