// The one serializer: the only code that turns the page state into text (localStorage, the
// shared link, the JSON export, the worksheet, a live class's message) or back. Every text it
// writes carries a version; the reader checks every field against the network's definition and
// returns {ok: true, value} or {ok: false, error}, never a half-read state.
//
// Version 3. JSON for storage (read back whole), a live class's message (read back as
// {purpose: "message", network, walk, settings}), the export and the worksheet (written only):
//   {"version": 3, "purpose": "storage", "network": {initial, state, forward, loss, last},
//    "curve": {x, y}, "history": {first, points}, "path": [...], "walk": null | {...},
//    "settings": {...}}
// A message's walk may come with `withheld`: the values taken out of it (null) while the class
// has not reached them or answers them (views/withheld.js).
// Every state carries its network's shape (`layers`, absent for the worked example's 2-2-2) and
// may carry rows of data (`data`, in place of its own inputs and targets); every state of one
// text has the same shape, and is checked against that shape's definition, which the page must
// hold before reading (peekShape says which; controllers/shapes.js readShaped loads it first).
// Loss curves are stored as the base64 of their float64 bytes (exact, and compact). A link is
// a URL fragment, each number the shortest text that reads back as the same float64:
//   v=3&layers=2,3,1&i1=…&t1=…&…&w1=…&…&b2=…&eta=…&activation=…&…&training=…&iteration=…&now.w1=…
// (`layers` only for another shape than 2-2-2); a network with data carries its rows in place
// of i1…, t1…: d0.i1=…&d0.i2=…&d0.o1=…&d1.i1=…
// Versions 1 and 2 (the unversioned snapshots, v=1 and v=2 links, all of the 2-2-2 network) are
// read as well.
// The practice view keeps its own text (it may have no network): {"version": 2, "purpose":
// "practice", "practice": {level, seed, progress, mistakes, record: {answers, verdicts, attempts,
// seen, solutionShown}}, "language"} (a text without mistakes or record reads as none kept).

import { definition, definitionOf, shapeKey } from "./definition.js";
import { LIMIT } from "./history.js";
import { MAX_POINTS } from "./path.js";
import { CAPACITY } from "./curve.js";
import { LEVELS, MISTAKES_KEPT, SOLVED_KEPT, emptyProgress, emptyRecord, isLevel, isSeed } from "./practice.js";
import { validSettings } from "./settings.js";

export const VERSION = 3;
const READ_VERSIONS = [1, 2, 3];
export const PURPOSES = ["storage", "link", "export", "worksheet", "message", "practice"];
const MAX_TEXT = 64 * 1024 * 1024; // far above what the page writes; refuses absurd input quickly

// --- Writing -----------------------------------------------------------------------------------

/** Return the plain object `serialize` writes for `purpose` (the export and the worksheet use it too). */
export function snapshot(page, purpose) {
  const { network } = page;
  const head = { version: VERSION, purpose };
  if (purpose === "storage") {
    // the walk too: a reload in front of a class comes back to the same sub-step
    return {
      ...head, network, curve: { x: encodeFloats(page.curve.x), y: encodeFloats(page.curve.y) },
      history: page.history, path: page.path, walk: page.walk, settings: page.settings,
    };
  }
  if (purpose === "export") {
    const update = shownUpdate(page);
    return {
      ...head,
      iteration: network.state.iteration,
      initial: network.initial,
      state: network.state,
      forward: network.forward,
      E_total: network.loss,
      update: update ? { from: update.sent, trace: update.trace, to: update.after, E_total_after: update.loss } : null,
      history: {
        E_total: Array.from(page.curve.x, (iteration, k) => ({ iteration, E_total: page.curve.y[k] })),
        checkpoints: page.history.points,
      },
    };
  }
  if (purpose === "worksheet") {
    return { ...head, update: shownUpdate(page), digits: page.settings.digits, language: page.settings.language };
  }
  if (purpose === "practice") {
    const { level, seed, progress, mistakes, answers, verdicts, attempts, seen, solutionShown } = page.practice;
    const record = { answers, verdicts, attempts, seen, solutionShown };
    return { ...head, practice: { level, seed, progress, mistakes, record }, language: page.settings.language };
  }
  if (purpose === "message") {
    const { open, tab, digits, row } = page.settings;
    return { ...head, network, walk: page.walk, settings: { open, tab, digits, row } };
  }
  throw new Error(`unknown purpose ${purpose}`);
}

/** The update the page shows: a walk's, the last step's, or null before the first one. */
export function shownUpdate(page) {
  if (page.walk) {
    const { sent, result } = page.walk;
    return { sent, trace: result.trace, after: result.state, loss: result.loss };
  }
  const { network } = page;
  if (network?.last && !network.last.diverged) {
    return { sent: network.last.sent, trace: network.last.trace, after: network.state, loss: network.loss };
  }
  return null;
}

/** Return `page` as text for `purpose` ("storage", "link", "export", "worksheet", "message"). */
export function serialize(page, purpose = "storage") {
  if (purpose === "link") return linkText(page.network.initial, page.network.state);
  return JSON.stringify(snapshot(page, purpose));
}

function linkText(initial, state) {
  const d = definitionOf(initial.layers) ?? definition();
  const p = new URLSearchParams();
  p.set("v", String(VERSION));
  if (initial.layers) p.set("layers", initial.layers.join(","));
  if (initial.data) {
    initial.data.forEach((row, k) => {
      for (const i of d.inputs) p.set(`d${k}.${i}`, row.inputs[i]);
      for (const o of d.outputs) p.set(`d${k}.${o}`, row.targets[o]);
    });
  } else {
    for (const i of d.inputs) p.set(i, initial.inputs[i]);
    d.outputs.forEach((o, k) => p.set(`t${k + 1}`, initial.targets[o]));
  }
  for (const name of d.weights.map((w) => w.name)) p.set(name, initial.weights[name]);
  for (const name of d.biases.map((b) => b.name)) p.set(name, initial.biases[name]);
  p.set("eta", initial.learning_rate);
  for (const option of Object.keys(d.options)) p.set(option, state.options[option]);
  p.set("iteration", state.iteration);
  for (const name of d.weights.map((w) => w.name)) p.set(`now.${name}`, state.weights[name]);
  for (const name of d.biases.map((b) => b.name)) p.set(`now.${name}`, state.biases[name]);
  return p.toString();
}

// --- Reading ---------------------------------------------------------------------------------

class Invalid extends Error {}

function fail(message) {
  throw new Invalid(message);
}

// The definition of the network whose text is being read (a read is synchronous, start to end).
let reading = null;
const shape = () => reading ?? definition();

/** The shape of the network `text` holds, read without the rest of it: {ok: true, value:
 * layers} (null for the worked example's 2-2-2, or for a text without a network) or {ok:
 * false, error}. The page loads that shape's definition before `deserialize` reads the text. */
export function peekShape(text, purpose = "storage") {
  try {
    return { ok: true, value: shapeIn(parse(text, purpose), purpose) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, error: error.message };
    throw error;
  }
}

/** Read `text` written for `purpose` ("link": a URL fragment; otherwise JSON):
 * {ok: true, value} or {ok: false, error}. A link without a network reads as {ok: true, value: null}.
 * The page must hold the definition of the shape the text holds (see peekShape). */
export function deserialize(text, purpose = "storage") {
  try {
    const data = parse(text, purpose);
    if (purpose === "practice") return { ok: true, value: readPractice(data) };
    const layers = shapeIn(data, purpose);
    reading = definitionOf(layers) ?? fail(`the page holds no definition of the network ${shapeKey(layers)}`);
    if (purpose === "link") return { ok: true, value: readLink(data) };
    return { ok: true, value: readSnapshot(data) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, error: error.message };
    throw error;
  } finally {
    reading = null;
  }
}

/** The text as data: a link's parameters (null without a network), or a JSON object. */
function parse(text, purpose) {
  if (typeof text !== "string") fail("the text is not a string");
  if (text.length > MAX_TEXT) fail("the text is too long");
  if (purpose === "link") {
    const p = new URLSearchParams(text.replace(/^#/, ""));
    return READ_VERSIONS.map(String).includes(p.get("v")) ? p : null;
  }
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    fail("the text is not JSON");
  }
  if (!isObject(data)) fail("the snapshot is not an object");
  return data;
}

/** The layers of the network in parsed `data` (null: 2-2-2), within the bounds of any shape. */
function shapeIn(data, purpose) {
  if (data === null) return null;
  if (purpose === "link") {
    const text = data.get("layers");
    if (text === null) return null;
    if (text.length > 40 || !/^\d+(,\d+)*$/.test(text)) fail("layers in the link is not a list of whole numbers");
    return readLayers(text.split(",").map(Number), "layers");
  }
  const state = data.version === undefined || data.version === 1 ? data.state : data.network?.state;
  const layers = isObject(state) ? state.layers : undefined;
  return layers === undefined ? null : readLayers(layers, "network.state.layers");
}

/** `value` if it is a shape the app draws: [inputs, hidden…, outputs] within the bounds. */
function readLayers(value, where) {
  const { bounds } = definition(); // every shape's definition has the same bounds
  if (!Array.isArray(value) || value.length < 3 || value.length > bounds.hidden_layers_max + 2) {
    fail(`${where} is not [inputs, 1 to ${bounds.hidden_layers_max} hidden layers, outputs]`);
  }
  const last = value.length - 1;
  return value.map((width, k) => {
    const most = k === 0 ? bounds.inputs_max : k === last ? bounds.outputs_max : bounds.hidden_width_max;
    if (!Number.isInteger(width) || width < 1 || width > most) fail(`${where}[${k}] is not a whole number from 1 to ${most}`);
    return width;
  });
}

function readSnapshot(data) {
  const version = data.version ?? 1;
  if (!READ_VERSIONS.includes(version)) fail(`version ${JSON.stringify(version)} is not one this page reads`);
  if (version > 1 && data.purpose === "message") return readMessage(data);
  if (version > 1 && data.purpose !== "storage") fail(`a ${JSON.stringify(data.purpose)} text is not a page to restore`);
  // version 1 kept the network's parts and the settings side by side at the top
  const source = version === 1 ? { network: data, settings: data } : data;
  const network = readNetwork(field(source, "network"));
  const curve = readCurve(source.curve, version === 1 ? data.curve : undefined, network);
  const history = source.history === undefined && version === 1 ? null : readHistory(field(source, "history"));
  const path = source.path === undefined ? [network.state] : readPath(source.path);
  const settings = isObject(source.settings) ? pickSettings(source.settings) : {};
  const walk = version > 1 && isObject(source.walk) ? readWalk(source.walk) : null;
  // a walk goes through the update still to make from the state now, or the one just made
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  if (walk && !same(walk.sent, network.state) && !same(walk.sent, network.last?.sent)) fail("walk.sent is not the network's state");
  return {
    network,
    walk,
    curve,
    history: history ?? { first: { iteration: network.state.iteration, forward: network.forward }, points: [{ iteration: network.state.iteration, state: network.state }] },
    path: path.map(({ iteration, weights, biases }) => ({ iteration, weights, biases })),
    settings,
  };
}

/** A live class's message: the network, the walk under way and the settings it shares. */
function readMessage(data) {
  const network = readNetwork(field(data, "network"));
  return {
    purpose: "message",
    network,
    walk: data.walk === null || data.walk === undefined ? null : readWalk(data.walk),
    settings: isObject(data.settings) ? pickSettings(data.settings) : {},
  };
}

/** A walk: {sent, result, index, answers}, and in a live class's message `withheld`, the keys
 * of the values taken out (null) because the class has not reached them or is answering them
 * (see views/withheld.js). */
function readWalk(value) {
  if (!isObject(value)) fail("walk is not an object");
  const result = field(value, "result", "walk.result");
  if (!isObject(result)) fail("walk.result is not an object");
  const answers = isObject(value.answers) ? value.answers : fail("walk.answers is not an object");
  const withheld = value.withheld === undefined ? [] : value.withheld;
  if (!Array.isArray(withheld) || withheld.length > 200 || !withheld.every((key) => typeof key === "string" && /^\w{1,40}$/.test(key))) {
    fail("walk.withheld is not a list of value names");
  }
  const held = new Set(withheld);
  const after = held.has("after");
  const read = {
    sent: readState(value.sent, "walk.sent"),
    result: {
      state: readState(result.state, "walk.result.state", held),
      trace: readTrace(result.trace, "walk.result.trace"),
      forward: after && result.forward === null ? null : readForward(result.forward, "walk.result.forward"),
      loss: after && result.loss === null ? null : finite(result.loss, "walk.result.loss"),
      diverged: null,
    },
    index: count(value.index, "walk.index", 100),
    answers: Object.fromEntries(Object.entries(answers).map(([question, choice]) => {
      if (!/^[\w-]{1,40}$/.test(question) || !(choice === null || /^[\w-]{1,40}$/.test(choice))) fail("walk.answers holds something that is not an answer");
      return [question, choice];
    })),
  };
  if (held.size) read.withheld = [...held];
  return read;
}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

function field(object, key, where = key) {
  if (!isObject(object) || !(key in object)) fail(`${where} is missing`);
  return object[key];
}

function finite(value, where) {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(`${where} is not a finite number`);
  return value;
}

function bounded(value, where) {
  finite(value, where);
  if (Math.abs(value) > shape().bounds.value) fail(`${where} is out of bounds`);
  return value;
}

function count(value, where, max) {
  if (!Number.isInteger(value) || value < 0 || value > max) fail(`${where} is not a whole number from 0 to ${max}`);
  return value;
}

function numbers(object, names, where, check = bounded) {
  if (!isObject(object)) fail(`${where} is not an object`);
  return Object.fromEntries(names.map((name) => [name, check(object[name], `${where}.${name}`)]));
}

/** A network state as the server reads it, rebuilt from the known fields only, of the shape
 * being read (its `layers` kept as given, absent for 2-2-2); a parameter p may be null when
 * `held` (a walk's withheld keys) holds new_p. */
function readState(value, where = "state", held = null) {
  const d = shape();
  if (!isObject(value)) fail(`${where} is not an object`);
  const options = field(value, "options", `${where}.options`);
  if (!isObject(options)) fail(`${where}.options is not an object`);
  const rate = finite(value.learning_rate, `${where}.learning_rate`);
  if (rate <= 0 || rate > d.bounds.learning_rate_max) fail(`${where}.learning_rate is out of bounds`);
  const layers = value.layers === undefined ? {} : { layers: readLayers(value.layers, `${where}.layers`) };
  if (shapeKey(layers.layers) !== shapeKey(d.layers)) fail(`${where}.layers is not the shape of the network read (${shapeKey(d.layers)})`);
  let own = {};
  let data = {};
  if (value.data === undefined) {
    own = { inputs: numbers(value.inputs, d.inputs, `${where}.inputs`), targets: numbers(value.targets, d.outputs, `${where}.targets`) };
  } else {
    for (const group of ["inputs", "targets"]) {
      if (value[group] !== undefined) fail(`${where}.${group} is given beside data, whose rows hold them`);
    }
    data = { data: readRows(value.data, `${where}.data`) };
  }
  // in the server's order, so that a state read back is the same text as the one written
  return {
    ...layers,
    ...own,
    weights: numbers(value.weights, d.weights.map((w) => w.name), `${where}.weights`, heldOr(held)),
    biases: numbers(value.biases, d.biases.map((b) => b.name), `${where}.biases`, heldOr(held)),
    ...data,
    learning_rate: rate,
    options: Object.fromEntries(Object.entries(d.options).map(([name, allowed]) => {
      if (!allowed.includes(options[name])) fail(`${where}.options.${name} is not one of ${allowed.join(", ")}`);
      return [name, options[name]];
    })),
    iteration: count(value.iteration, `${where}.iteration`, d.bounds.iteration_max),
  };
}

/** Rows of data: 1 to rows_max of {inputs, targets}, each with every input and output. */
function readRows(value, where) {
  const d = shape();
  if (!Array.isArray(value) || value.length < 1 || value.length > d.bounds.rows_max) fail(`${where} is not a list of 1 to ${d.bounds.rows_max} rows`);
  return value.map((row, k) => {
    if (!isObject(row)) fail(`${where}.${k} is not a row`);
    return { inputs: numbers(row.inputs, d.inputs, `${where}.${k}.inputs`), targets: numbers(row.targets, d.outputs, `${where}.${k}.targets`) };
  });
}

/** The check of a parameter: null passes where `held` withholds it (new_p). */
function heldOr(held) {
  if (!held?.size) return bounded;
  return (value, where) => (value === null && held.has(`new_${where.slice(where.lastIndexOf(".") + 1)}`) ? null : bounded(value, where));
}

const KEY = /^[A-Za-z0-9_]{1,40}$/;

/** A tree of numbers (and nulls) under plain names, as the server sends them (a forward pass,
 * a trace): a string where a number belongs is refused, whoever sent it. `strings` lets short
 * plain text through (a divergence's message), which the page only ever shows as text. */
function numberTree(value, where, depth = 0, strings = false) {
  if (depth > 4) fail(`${where} is nested too deeply`);
  if (value === null || (typeof value === "number" && Number.isFinite(value))) return value;
  if (strings && typeof value === "string" && value.length < 1000) return value;
  if (Array.isArray(value)) {
    if (value.length > 1000) fail(`${where} is too long`);
    return value.map((item, k) => numberTree(item, `${where}[${k}]`, depth + 1, strings));
  }
  if (!isObject(value)) fail(`${where} holds something that is not a number`);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => {
    if (!KEY.test(key)) fail(`${where} holds a field that is not a name`);
    return [key, numberTree(item, `${where}.${key}`, depth + 1, strings)];
  }));
}

function readForward(value, where) {
  const forward = numberTree(value, where);
  if (!isObject(forward)) fail(`${where} is not an object`);
  finite(forward.E_total, `${where}.E_total`);
  return forward;
}

/** An update's trace: one row's forward pass, factors and deltas, or (a batch) each row's in
 * `rows` with those three null; the gradients and changes of the update either way. */
function readTrace(value, where) {
  const trace = numberTree(value, where);
  const batch = Array.isArray(trace?.rows) && trace.forward === null;
  if (batch && trace.rows.length > shape().bounds.rows_max) fail(`${where}.rows has too many rows`);
  for (const part of ["forward", "factors", "deltas"]) {
    if (batch) trace.rows.forEach((row, k) => isObject(row?.[part]) || fail(`${where}.rows[${k}].${part} is missing`));
    else if (!isObject(trace?.[part])) fail(`${where}.${part} is missing`);
  }
  for (const part of ["gradients", "changes"]) {
    if (!isObject(trace?.[part])) fail(`${where}.${part} is missing`);
  }
  return trace;
}

function readNetwork(value) {
  if (!isObject(value)) fail("network is not an object");
  const state = readState(value.state, "network.state");
  const initial = readState(value.initial, "network.initial");
  const forward = readForward(value.forward, "network.forward");
  let last = null;
  if (value.last !== null && value.last !== undefined) {
    if (!isObject(value.last)) fail("network.last is not an object");
    last = {
      sent: readState(value.last.sent, "network.last.sent"),
      trace: readTrace(value.last.trace, "network.last.trace"),
      diverged: value.last.diverged ? numberTree(value.last.diverged, "network.last.diverged", 0, true) : null,
    };
  }
  return { initial, state, forward, loss: finite(value.loss, "network.loss"), last };
}

function readCurve(value, legacy, network) {
  const saved = value ?? legacy;
  if (saved === undefined || saved === null) {
    return { x: Float64Array.of(network.state.iteration), y: Float64Array.of(network.loss) };
  }
  if (!isObject(saved) || typeof saved.x !== "string" || typeof saved.y !== "string") fail("curve is not a pair of encoded series");
  const x = decodeFloats(saved.x, "curve.x");
  const y = decodeFloats(saved.y, "curve.y");
  if (x.length !== y.length) fail("curve.x and curve.y differ in length");
  if (x.length > CAPACITY) fail("curve has too many points");
  for (let k = 0; k < x.length; k += 1) {
    if (!Number.isInteger(x[k]) || x[k] < 0 || (k > 0 && x[k] <= x[k - 1])) fail("curve.x is not increasing iterations");
    if (Number.isNaN(y[k])) fail("curve.y holds a value that is not a number");
  }
  if (!x.length) return { x: Float64Array.of(network.state.iteration), y: Float64Array.of(network.loss) };
  return { x, y };
}

function readHistory(value) {
  if (!isObject(value)) fail("history is not an object");
  const first = field(value, "first", "history.first");
  const max = shape().bounds.iteration_max;
  const points = value.points;
  if (!Array.isArray(points) || points.length === 0) fail("history.points is empty");
  if (points.length > 2 * LIMIT) fail("history has too many points");
  const read = points.map((p, k) => ({
    iteration: count(p?.iteration, `history.points[${k}].iteration`, max),
    state: readState(p?.state, `history.points[${k}].state`),
  }));
  read.forEach((p, k) => {
    if (p.state.iteration !== p.iteration || (k > 0 && p.iteration <= read[k - 1].iteration)) fail("history.points are not in order");
  });
  return {
    first: { iteration: count(first?.iteration, "history.first.iteration", max), forward: readForward(first?.forward, "history.first.forward") },
    points: read,
  };
}

function readPath(value) {
  const d = shape();
  if (!Array.isArray(value) || value.length > 2 * MAX_POINTS) fail("path is not a list of points");
  return value.map((p, k) => ({
    iteration: count(p?.iteration, `path[${k}].iteration`, d.bounds.iteration_max),
    weights: numbers(p?.weights, d.weights.map((w) => w.name), `path[${k}].weights`),
    biases: numbers(p?.biases, d.biases.map((b) => b.name), `path[${k}].biases`),
  }));
}

const SETTINGS = ["digits", "language", "open", "log", "asking", "speed", "epochs", "tab", "presenting", "row"];

/** The practice view's text: {practice: {level, seed, progress, mistakes, record}, language}. */
function readPractice(data) {
  // the practice view's text came with version 2, and has not changed since
  if (![2, VERSION].includes(data.version) || data.purpose !== "practice") fail("the text is not the practice view's");
  const kept = field(data, "practice");
  const level = field(kept, "level", "practice.level");
  const seed = field(kept, "seed", "practice.seed");
  if (!isLevel(level)) fail("practice.level is not a level");
  if (!isSeed(seed)) fail("practice.seed is not a seed");
  const progress = emptyProgress();
  for (const each of LEVELS) {
    const seeds = kept.progress?.[each] ?? [];
    if (!Array.isArray(seeds) || !seeds.every(isSeed)) fail(`practice.progress.${each} is not a list of seeds`);
    progress[each] = seeds.slice(-SOLVED_KEPT);
  }
  const mistakes = readMistakes(kept.mistakes ?? []);
  const record = kept.record === undefined ? emptyRecord() : readRecord(kept.record);
  const { language } = validSettings({ language: data.language ?? null }, { language: null });
  return { practice: { level, seed, progress, mistakes, record }, language };
}

const ASK_ID = /^[A-Za-z][\w]{0,30}$/;
const CODE = /^[a-z_]{1,40}$/;
const SUBSTEP = /^$|^[a-z]+(-[a-z0-9]+)?$/;

function text(value, where, max) {
  if (typeof value !== "string" || value.length > max) fail(`${where} is not a text of at most ${max} characters`);
  return value;
}

/** id -> value, each id an ask's, each value read by `read`. */
function byAsk(value, where, read) {
  if (!isObject(value)) fail(`${where} is not an object`);
  const entries = Object.entries(value);
  if (entries.length > 64) fail(`${where} has too many entries`);
  return Object.fromEntries(entries.map(([id, item]) => {
    if (!ASK_ID.test(id)) fail(`${where} names something that is not a quantity`);
    return [id, read(item, `${where}.${id}`)];
  }));
}

function codes(value, where, pattern) {
  if (!Array.isArray(value) || value.length > 16) fail(`${where} is not a short list`);
  return value.map((item, k) => {
    if (typeof item !== "string" || !pattern.test(item)) fail(`${where}[${k}] is not a name`);
    return item;
  });
}

function readVerdict(value, where) {
  if (!isObject(value) || typeof value.correct !== "boolean") fail(`${where} is not a verdict`);
  const misconceptions = codes(value.misconceptions ?? [], `${where}.misconceptions`, CODE);
  return {
    correct: value.correct,
    misconception: misconceptions[0] ?? null,
    misconceptions,
    substeps: codes(value.substeps ?? [], `${where}.substeps`, SUBSTEP),
    message: text(value.message, `${where}.message`, 2000),
    answer: text(value.answer, `${where}.answer`, 200),
  };
}

function readRecord(value) {
  if (!isObject(value)) fail("practice.record is not an object");
  return {
    answers: byAsk(value.answers ?? {}, "practice.record.answers", (item, where) => text(item, where, 200)),
    verdicts: byAsk(value.verdicts ?? {}, "practice.record.verdicts", readVerdict),
    attempts: byAsk(value.attempts ?? {}, "practice.record.attempts", (item, where) => count(item, where, 1_000_000)),
    seen: byAsk(value.seen ?? {}, "practice.record.seen", (item, where) => (item === true ? true : fail(`${where} is not true`))),
    solutionShown: count(value.solutionShown ?? 0, "practice.record.solutionShown", 1000),
  };
}

function readMistakes(value) {
  if (!Array.isArray(value) || value.length > 2 * MISTAKES_KEPT) fail("practice.mistakes is not a list of mistakes");
  return value.slice(-MISTAKES_KEPT).map((made, k) => {
    const where = `practice.mistakes[${k}]`;
    if (!isObject(made) || !CODE.test(made.code ?? "") || !SUBSTEP.test(made.substep ?? "") || !ASK_ID.test(made.id ?? "")
      || !isLevel(made.level) || !isSeed(made.seed)) fail(`${where} is not a mistake`);
    return { code: made.code, substep: made.substep, id: made.id, level: made.level, seed: made.seed };
  });
}

/** The settings' known keys; their values are checked by the reducer (settings.js). */
function pickSettings(value) {
  return Object.fromEntries(SETTINGS.filter((key) => key in value).map((key) => [key, value[key]]));
}

function linkNumber(p, key) {
  const text = p.get(key);
  if (text === null || text.trim() === "") fail(`the link lacks ${key}`);
  const value = Number(text);
  if (!Number.isFinite(value)) fail(`${key} is not a number in the link`);
  return value;
}

/** A link's parameters: {initial, state}, or null when it carries no network. */
function readLink(p) {
  if (p === null) return null;
  const d = shape();
  const options = Object.fromEntries(Object.entries(d.options).map(([name, allowed]) => {
    const given = p.get(name);
    const value = typeof allowed[0] === "boolean" ? given === "true" : (given ?? allowed[0]);
    return [name, value];
  }));
  const parameters = (prefix) => ({
    weights: Object.fromEntries(d.weights.map((w) => [w.name, linkNumber(p, `${prefix}${w.name}`)])),
    biases: Object.fromEntries(d.biases.map((b) => [b.name, linkNumber(p, `${prefix}${b.name}`)])),
  });
  const initial = {
    ...(p.has("layers") ? { layers: d.layers } : {}),
    ...(p.has(`d0.${d.inputs[0]}`) ? { data: linkRows(p, d) } : {
      inputs: Object.fromEntries(d.inputs.map((i) => [i, linkNumber(p, i)])),
      targets: Object.fromEntries(d.outputs.map((o, k) => [o, linkNumber(p, `t${k + 1}`)])),
    }),
    ...parameters(""),
    learning_rate: linkNumber(p, "eta"),
    options,
    iteration: 0,
  };
  const iteration = linkNumber(p, "iteration");
  if (!Number.isInteger(iteration) || iteration < 0) fail("the iteration in the link is not a whole number");
  const state = { ...initial, ...parameters("now."), iteration };
  return { initial: readState(initial, "initial"), state: readState(state, "state") };
}

/** A link's rows of data: d0.i1, d0.i2, d0.o1, d1.i1, … */
function linkRows(p, d) {
  const most = d.bounds.rows_max;
  if (p.has(`d${most}.${d.inputs[0]}`)) fail(`the link has more than ${most} rows of data`);
  const rows = [];
  for (let k = 0; k < most && p.has(`d${k}.${d.inputs[0]}`); k += 1) {
    rows.push({
      inputs: Object.fromEntries(d.inputs.map((i) => [i, linkNumber(p, `d${k}.${i}`)])),
      targets: Object.fromEntries(d.outputs.map((o) => [o, linkNumber(p, `d${k}.${o}`)])),
    });
  }
  return rows;
}

// --- Float64 series as text ------------------------------------------------------------------

/** Return a Float64Array as base64 text. */
export function encodeFloats(values) {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Return the Float64Array that `encodeFloats` wrote as `text`. */
export function decodeFloats(text, where = "series") {
  let binary;
  try {
    binary = atob(text);
  } catch {
    fail(`${where} is not base64`);
  }
  if (binary.length % 8 !== 0) fail(`${where} is not a whole number of float64 values`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}
