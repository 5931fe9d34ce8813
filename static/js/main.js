// The controller: holds the network and its loss curve, asks the server for every number, and
// hands the answers to the views. The page computes nothing itself; it keeps what it was sent.

import * as api from "./api.js";
import { createCards, PARAMETERS } from "./cards.js";
import { createChart } from "./chart.js";
import { createControls } from "./controls.js";
import { LossCurve } from "./curve.js";
import { createDiagram } from "./diagram.js";
import { createEditor } from "./editor.js";
import { createLessons } from "./lessons.js";
import { DEFAULT_DIGITS, validDigits } from "./format.js";
import { History } from "./history.js";
import { t, translatePage } from "./i18n.js";
import { createLesson } from "./lesson.js";
import * as store from "./store.js";
import { createTeaching } from "./teaching.js";

const DEFAULT_CARDS = ["w5", "w1"];
const MAX_OPEN_CARDS = 4;
const PLAY_TICK_MS = 100; // above 1 / tick, Play runs several iterations per request
const SAVE_WHILE_PLAYING_MS = 1000;
const PATH_POINTS = 400; // points of the training path that Run asks for

const model = {
  initial: null, // the state Reset returns to (iteration 0)
  state: null, // the network now
  forward: null, // the forward pass of `state`
  loss: null, // E_total of `state`
  last: null, // {sent, trace, diverged}: the update that led to `state`, when known
  curve: new LossCurve(),
  digits: DEFAULT_DIGITS,
  open: [...DEFAULT_CARDS],
  log: false,
  epochs: 10000,
  speed: 20,
  history: new History(), // every iteration done, for the timeline
  asking: false, // predict before reveal
};

let playing = false;
let chain = Promise.resolve();
let firstDrawn = false;
let lastSave = 0;

const controls = createControls(document, {
  onStep: () => teaching.fullStep(() => advance(1)),
  onRun: () => {
    stopPlaying();
    const n = controls.epochs();
    if (n !== null) {
      model.epochs = n;
      enqueue(() => advance(n));
    }
  },
  onPlay: () => (playing ? stopPlaying() : startPlaying()),
  onReset: () => { stopPlaying(); enqueue(() => resetTo(model.initial)); },
  onDigits: (digits) => {
    model.digits = validDigits(digits);
    chart.setDigits(model.digits);
    enqueue(() => render({ flash: false }));
  },
  onSpeed: (speed) => {
    model.speed = speed;
    save(true);
  },
});

const diagram = createDiagram(document.getElementById("diagram"), { onSelect: openCard });
const cards = createCards(document.getElementById("cards"), { onClose: closeCard });
const chart = createChart(document.getElementById("loss-chart"), {
  script: document.getElementById("plotly-script"),
});
const editor = createEditor(document.getElementById("editor"), {
  onApply: () => { stopPlaying(); enqueue(applyEdits); },
  onRestore: () => { stopPlaying(); enqueue(restoreExample); },
});
const lessons = createLessons(document.getElementById("lessons"), {
  onOptions: (options) => { stopPlaying(); enqueue(() => applyOptions(options)); },
  onReproduce: (target) => { stopPlaying(); enqueue(() => reproduce(target)); },
});
const logToggle = document.getElementById("log-scale");
logToggle.addEventListener("change", () => {
  model.log = logToggle.checked;
  chart.setLog(model.log);
  enqueue(() => render({ flash: false }));
});

// While the server is away the requests wait and retry; say so, and say when it is back.
api.onConnection(({ down, attempt }) => {
  if (down) {
    controls.say(t("message.serverDown", { attempt }), "warning");
  } else {
    controls.say(t("message.serverBack"), "info");
  }
});

/** Run `action` after every earlier one, showing any failure in the message bar. */
function enqueue(action) {
  chain = chain.then(action).catch((error) => {
    stopPlaying();
    controls.say(error instanceof api.ApiError ? error.message : t("message.wrong", { message: error.message }), "error");
    if (!(error instanceof api.ApiError)) console.warn(error);
  });
  return chain;
}

// --- Actions ---------------------------------------------------------------------------------

/** Show a network fresh from /api/reset: iteration 0, its forward pass, a one-point curve. */
function startFrom(answer) {
  model.initial = answer.state;
  model.state = answer.state;
  model.forward = answer.trace.forward;
  model.loss = answer.trace.forward.E_total;
  model.last = null;
  model.curve.clear();
  model.curve.push(0, model.loss);
  lessons.restart(answer.state);
  model.history.start(answer.state, answer.trace.forward);
  teaching.cancel();
}

async function resetTo(state) {
  const answer = await api.reset(state);
  startFrom(answer);
  controls.say(null);
  await render();
  save(true);
}

async function restoreExample() {
  const answer = await api.reset();
  startFrom(answer);
  editor.show(model.initial);
  editor.say(t("editor.restored"));
  controls.say(null);
  await render();
  save(true);
}

async function applyEdits() {
  const candidate = editor.read(model.initial);
  if (!candidate) return;
  let answer;
  try {
    answer = await api.reset(candidate);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 422) {
      editor.showServerErrors(error.errors);
      return;
    }
    throw error;
  }
  startFrom(answer);
  editor.show(model.initial);
  editor.say(t("editor.applied"));
  controls.say(null);
  await render();
  save(true);
}

/** Apply new options to the initial values: the network starts again; a refusal shows beside them. */
async function applyOptions(options) {
  let answer;
  try {
    answer = await api.reset({ ...model.initial, options });
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 422) return lessons.optionsRefused(error);
    throw error;
  }
  startFrom(answer);
  editor.show(model.initial);
  lessons.optionsApplied();
  controls.say(null);
  await render();
  save(true);
}

/** Show a published figure: the worked example with `rule` for the hidden deltas, `iterations` on. */
async function reproduce({ rule, iterations }) {
  startFrom(await api.reset({ options: { ...model.initial.options, activation: "sigmoid", loss: "squared", train_biases: false, hidden_deltas_use: rule } }));
  editor.show(model.initial);
  controls.say(null);
  if (iterations > 0) return advance(iterations, { flash: false });
  await render();
  save(true);
}

/**
 * Advance `n` iterations: the first n − 1 through /api/epoch, the last through /api/step, so
 * that the page can show every value of the latest update. Return false if training diverged.
 */
async function advance(n, { flash = true } = {}) {
  teaching.prepareToAdvance();
  const start = model.state.iteration;
  if (n > 1) {
    const run = await api.epoch(model.state, n - 1, playing ? 0 : Math.min(n - 1, PATH_POINTS));
    if (model.curve.length === 0) model.curve.push(start, run.losses[0]);
    model.curve.pushMany(start + 1, run.losses.slice(1));
    model.curve.push(run.state.iteration, run.loss);
    lessons.extendPath(run.path);
    if (run.diverged) {
      model.state = run.state;
      model.forward = run.forward;
      model.loss = run.loss;
      model.last = null;
      return diverged(run.diverged);
    }
    model.state = run.state;
    model.loss = run.loss;
    model.history.record(run.state);
  }
  const sent = model.state;
  return applyStep(sent, await api.step(sent), { flash });
}

/** Show the answer of /api/step from `sent`: the new state, its trace, one more point. */
async function applyStep(sent, result, { flash = true } = {}) {
  if (result.diverged) {
    model.last = { sent, trace: result.trace, diverged: result.diverged };
    return diverged(result.diverged);
  }
  model.state = result.state;
  model.forward = result.forward;
  model.loss = result.loss;
  model.last = { sent, trace: result.trace, diverged: null };
  model.curve.push(result.state.iteration, result.loss);
  lessons.extendPath([result.state]);
  model.history.record(result.state);
  controls.say(null);
  await render({ flash });
  save(!playing);
  return true;
}

async function diverged(divergence) {
  stopPlaying();
  controls.say(t("message.diverged", { message: divergence.message }), "error");
  await render();
  save(true);
  return false;
}

// --- Play ------------------------------------------------------------------------------------

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function startPlaying() {
  if (playing) return;
  playing = true;
  controls.setPlaying(true);
  enqueue(async () => {
    while (playing) {
      const began = performance.now();
      const speed = controls.speed();
      const perTick = speed * (PLAY_TICK_MS / 1000);
      const n = perTick > 1 ? Math.round(perTick) : 1;
      const interval = perTick > 1 ? PLAY_TICK_MS : 1000 / speed;
      const ok = await advance(n, { flash: speed <= 5 });
      if (!ok) break;
      const wait = interval - (performance.now() - began);
      if (wait > 0) await sleep(wait);
    }
    stopPlaying();
  });
}

function stopPlaying() {
  if (!playing) return;
  playing = false;
  controls.setPlaying(false);
  save(true);
}

// --- Cards -------------------------------------------------------------------------------------

function openCard(name) {
  if (!model.open.includes(name)) {
    model.open.unshift(name);
    model.open.length = Math.min(model.open.length, MAX_OPEN_CARDS);
  }
  enqueue(async () => {
    await render({ flash: false });
    cards.highlight(name);
    save(true);
  });
}

function closeCard(name) {
  model.open = model.open.filter((p) => p !== name);
  enqueue(async () => {
    await render({ flash: false });
    save(true);
  });
}

// --- Drawing and keeping -----------------------------------------------------------------------

async function render({ flash = true } = {}) {
  // After an update every neuron shows the forward pass its δ came from (the network before the
  // update), so that no box mixes two iterations; the weights are the updated ones.
  const forward = model.last ? model.last.trace.forward : model.forward;
  const view = teaching.view() ?? { state: model.state, forward, last: model.last };
  const options = { digits: model.digits, flash };
  diagram.render(view, options);
  diagram.setSelected(model.open);
  if (!teaching.walking()) cards.render(model.open, view, options);
  controls.show(model.state, model.loss, options);
  lessons.render(view, options);
  teaching.show(options);
  lesson.show(options);
  document.dispatchEvent(new CustomEvent("backprop:numbers", { detail: { iteration: model.state.iteration } }));
  if (!firstDrawn) {
    firstDrawn = true;
    performance.mark("network-drawn");
  }
  chart.setMarker({ x: model.state.iteration, y: model.loss });
  try {
    await chart.draw(model.curve);
  } catch (error) {
    document.getElementById("loss-chart").textContent = `The loss curve cannot be drawn: ${error.message}`;
  }
  document.dispatchEvent(new CustomEvent("backprop:rendered", { detail: { iteration: model.state.iteration } }));
}

function snapshot() {
  return {
    initial: model.initial,
    state: model.state,
    forward: model.forward,
    loss: model.loss,
    last: model.last,
    curve: model.curve.toJSON(),
    digits: model.digits,
    open: model.open,
    log: model.log,
    epochs: model.epochs,
    speed: model.speed,
    history: model.history.toJSON(),
    asking: model.asking,
  };
}

/** Keep the page in localStorage; while playing, at most once a second unless `now`. */
function save(now = false) {
  if (!model.state) return;
  const time = performance.now();
  if (!now && time - lastSave < SAVE_WHILE_PLAYING_MS) return;
  lastSave = time;
  lessons.savePath();
  if (!store.save(snapshot())) {
    controls.say("This browser would not keep the page's state (storage full or disabled): a reload will start again.", "warning");
  }
}

function restore(saved) {
  if (!saved || !saved.initial || !saved.state || !saved.forward || typeof saved.loss !== "number") return false;
  model.initial = saved.initial;
  model.state = saved.state;
  model.forward = saved.forward;
  model.loss = saved.loss;
  model.last = saved.last ?? null;
  try {
    model.curve = LossCurve.fromJSON(saved.curve);
  } catch {
    model.curve = new LossCurve();
  }
  if (model.curve.length === 0) model.curve.push(model.state.iteration, model.loss);
  if (Number.isInteger(saved.digits)) model.digits = validDigits(saved.digits);
  if (Array.isArray(saved.open)) model.open = saved.open.filter((p) => PARAMETERS.includes(p)).slice(0, MAX_OPEN_CARDS);
  model.log = Boolean(saved.log);
  if (Number.isInteger(saved.epochs)) model.epochs = saved.epochs;
  if (typeof saved.speed === "number") model.speed = saved.speed;
  model.history = History.fromJSON(saved.history) ?? new History();
  if (!model.history.points.length) model.history.start(model.state, model.forward);
  model.asking = Boolean(saved.asking);
  return true;
}

const teaching = createTeaching({ model, api, enqueue, render, commit: applyStep, stopPlaying, save });
const lesson = createLesson({
  model, api, enqueue, render, save, say: (text, kind) => controls.say(text, kind), teaching, startFrom, editor,
  actions: {
    next: () => teaching.nextSubstep(),
    fullStep: () => teaching.fullStep(() => advance(1)),
    back: () => teaching.goBack(),
    reset: () => { stopPlaying(); enqueue(() => resetTo(model.initial)); },
    play: () => (playing ? stopPlaying() : startPlaying()),
  },
});

translatePage();
controls.setDigits(model.digits);
addEventListener("pagehide", () => save(true));
enqueue(async () => {
  const restored = (await lesson.fromLink()) || restore(store.load());
  controls.setDigits(model.digits);
  controls.setEpochs(model.epochs);
  controls.setSpeed(model.speed);
  logToggle.checked = model.log;
  chart.setLog(model.log);
  chart.setDigits(model.digits);
  if (!restored) startFrom(await api.reset());
  editor.show(model.initial);
  await render({ flash: false });
  if (!restored) save(true);
});
