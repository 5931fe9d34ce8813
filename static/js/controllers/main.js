// The page's controller: asks the server for every number and hands the answers to the page
// state (state/store.js) as actions; the views subscribe and draw what the state holds. The
// page computes nothing itself; it keeps what it was sent.

import * as api from "./api.js";
import { createControls } from "./controls.js";
import { createLesson } from "./lesson.js";
import { edited, loadShape, readShaped, showShapeOf } from "./shapes.js";
import { createTeaching } from "./teaching.js";
import { browserLanguage, language, setLanguage, t, translatePage } from "../i18n/index.js";
import { following, pollHoldsIteration } from "../state/classroom.js";
import { definition } from "../state/definition.js";
import { rowShown, shownRow, updatesPerEpoch } from "../state/row.js";
import { serialize } from "../state/serialize.js";
import * as storage from "../state/storage.js";
import { change, state, subscribe } from "../state/store.js";
import { createCards } from "../views/cards.js";
import { createChart } from "../views/chart.js";
import { boxesFrom, createDiagram } from "../views/diagram.js";
import { createEditor } from "../views/editor.js";
import { createPlotlyLoader } from "../views/plotly.js";
import { createPresetPicker } from "../views/presets.js";
import { preset } from "../state/presets.js";
import { withheldOf, withholdView } from "../views/withheld.js";

const PLAY_TICK_MS = 100; // above 1 / tick, Play runs several iterations per request
const SAVE_WHILE_PLAYING_MS = 1000;
const PATH_POINTS = 400; // points of the training path that Run asks for

let playing = false;
let chain = Promise.resolve();
let lastSave = 0;
let advancing = false; // training several updates (advance): their changes are saved at most once a second

const network = () => state().network;

/**
 * Whether this page may move its network now (`leaves`: on from the iteration shown, not just
 * within its walk). A teacher's unrevealed poll holds the iteration, said in the message bar; a
 * following student stops following first, visibly (the Follow box and the class's status).
 */
function mayMove({ leaves = true } = {}) {
  const page = state();
  if (leaves && pollHoldsIteration(page)) {
    controls.say(t("poll.held"), "warning");
    return false;
  }
  if (following(page)) change({ type: "classFollow", follow: false });
  return true;
}

const controls = createControls(document, {
  onStep: () => teaching.fullStep(() => advance(1)),
  onRun: () => {
    if (!mayMove()) return;
    stopPlaying();
    const n = controls.epochs();
    if (n !== null) {
      change({ type: "settingsChanged", settings: { epochs: n } });
      enqueue(() => advance(n * updatesPerEpoch(network().state))); // n epochs
    }
  },
  onPlay: () => (playing ? stopPlaying() : mayMove() && startPlaying()),
  onReset: () => reset(),
  onUndo: () => undo(),
  onUndoDismissed: () => change({ type: "undoDismissed" }),
  onDigits: (digits) => change({ type: "settingsChanged", settings: { digits } }),
  onSpeed: (speed) => change({ type: "settingsChanged", settings: { speed } }),
});

const diagram = createDiagram(document.getElementById("diagram"), {
  onSelect: openCard,
  onLayout: () => scheduleDraw(), // turned for a narrow screen or back: its numbers again
});
const cards = createCards(document.getElementById("cards"), {
  onClose: (name) => change({ type: "cardClosed", name }),
  onLink: (cells) => diagram.link(cells),
  onStage: (name) => change({ type: "cardStaged", name }),
});
const plotly = createPlotlyLoader(document.querySelector("meta[name=plotly-script]").content);
const chart = createChart(document.getElementById("loss-chart"), {
  plotly, heading: document.querySelector("#chart-heading [data-i18n]"),
});
const editor = createEditor(document.getElementById("editor"), {
  onApply: () => { if (mayMove()) { stopPlaying(); enqueue(applyEdits); } },
  onRestore: () => { if (mayMove()) { stopPlaying(); enqueue(restoreExample); } },
  onReshape: (edit) => { if (mayMove()) { stopPlaying(); enqueue(() => reshape(edit)); } },
});
const presetPicker = createPresetPicker(document.getElementById("preset"), {
  onChoose: (id) => { if (mayMove()) { stopPlaying(); enqueue(() => choosePreset(id)); } },
});
const logToggle = document.getElementById("log-scale");
logToggle.addEventListener("change", () => change({ type: "settingsChanged", settings: { log: logToggle.checked } }));

// While the server is away the requests wait and retry; say so, and say when it is back.
api.onConnection(({ down, attempt }) => {
  if (down) {
    controls.say(t("message.serverDown", { attempt }), "warning");
  } else {
    controls.say(t("message.serverBack"), "info");
  }
});

let queued = 0; // actions waiting or under way; <body data-busy> says so (tests wait on it)

/** Run `action` after every earlier one, showing any failure in the message bar. */
function enqueue(action) {
  queued += 1;
  document.body.dataset.busy = "";
  chain = chain.then(action).catch((error) => {
    stopPlaying();
    if (error instanceof api.ApiError && error.status === 422) return recover(error.message);
    controls.say(error instanceof api.ApiError ? error.message : t("message.wrong", { message: error.message }), "error");
    if (!(error instanceof api.ApiError)) console.warn(error);
  }).finally(() => {
    queued -= 1;
    if (queued === 0) drawn().then(() => { if (queued === 0) delete document.body.dataset.busy; });
  });
  return chain;
}

// --- Actions ---------------------------------------------------------------------------------

/** Back to iteration 0; what is discarded stays one Undo away. */
function reset() {
  if (!mayMove()) return;
  stopPlaying();
  enqueue(async () => {
    change({ type: "started", answer: await api.reset(network().initial), undoable: true });
    teaching.cancel();
    controls.say(null);
  });
}

/** Bring back what the last Reset or step from an earlier iteration put aside. */
function undo() {
  if (!mayMove()) return;
  stopPlaying();
  enqueue(async () => {
    if (!state().undo) return;
    teaching.cancel();
    change({ type: "undone" });
    await drawn();
  });
}

/** Show a network fresh from /api/reset, of whatever shape; the editor shows its initial values. */
async function startFrom(answer) {
  await loadShape(answer.state.layers);
  showShapeOf(answer.state);
  change({ type: "started", answer });
  teaching.cancel();
  controls.say(null);
}

async function restoreExample() {
  await startFrom(await api.reset());
  editor.say(t("editor.restored"));
}

/** The server refused the network the page holds (422): keep it aside, start from the example. */
async function recover(message) {
  storage.setAside(serialize(state(), "storage"));
  await startFrom(await api.reset());
  controls.say(t("message.setAside", { message }), "error");
}

async function applyEdits() {
  const candidate = editor.read(network().initial);
  if (candidate) await startEdited(candidate);
}

/** A neuron, a layer or a row of data more or fewer: the values typed so far, in the new
 * shape, start again at once. */
async function reshape(edit) {
  const typed = editor.read(network().initial);
  if (typed) await startEdited(await edited(typed, edit));
}

/** Start the network the editor made; a refusal shows beside the fields it names. */
async function startEdited(candidate) {
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
  await startFrom(answer);
  editor.say(t("editor.applied"));
}

/** Apply new options to the initial values: the network starts again; a refusal shows beside them. */
async function applyOptions(options) {
  let answer;
  try {
    answer = await api.reset({ ...network().initial, options });
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 422) return lessons.optionsRefused(error);
    throw error;
  }
  await startFrom(answer);
  lessons.optionsApplied();
}

/** Start the preset network `id` (the worked example, XOR, …) from its initial values. */
async function choosePreset(id) {
  const chosen = preset(id);
  if (!chosen) return;
  await startFrom(await api.reset(chosen.state));
}

/** Show a published figure: the worked example with `rule` for the hidden deltas, `iterations` on. */
async function reproduce({ rule, iterations }) {
  await startFrom(await api.reset({ options: { ...definition().example.options, hidden_deltas_use: rule } }));
  if (iterations > 0) await advance(iterations, { flash: false });
}

/**
 * Train `n` updates from the network now, in requests the server's bounds allow: whole passes
 * over the rows through /api/epoch, the last updates through /api/step, so that the page shows
 * every value of the latest update. An online pass over rows of data makes an update per row, a
 * batch pass one. Training is deterministic, so a link's initial values and iteration count
 * bring back the same weights, error and curve. Return false if training diverged.
 */
async function advance(n, { flash = true } = {}) {
  advancing = true; // the updates on the way are kept once, with the last
  try {
    teaching.prepareToAdvance();
    let left = n;
    const perPass = updatesPerEpoch(network().state);
    const { bounds, weights } = definition();
    const rows = network().state.data?.length ?? 1;
    const most = Math.max(1, Math.min(bounds.epochs_max, Math.floor(bounds.training_work_max / (rows * weights.length))));
    while (left > perPass) {
      const k = Math.min(Math.floor((left - 1) / perPass), most);
      const run = await api.epoch(network().state, k, playing ? 0 : Math.min(k, PATH_POINTS));
      change({ type: "trained", run });
      if (run.diverged) return diverged(run.diverged);
      left -= k * perPass;
    }
    // the last updates one at a time: from the row the passes stopped at
    for (; left > 1; left -= 1) {
      const sent = network().state;
      const result = await api.step(sent);
      change({ type: "stepped", sent, result, flash: false });
      if (result.diverged) return diverged(result.diverged);
    }
    const sent = network().state;
    return applyStep(sent, await api.step(sent), { flash });
  } finally {
    advancing = false;
    save(!playing);
  }
}

/** Show the answer of /api/step from `sent`: the new state, its trace, one more point. */
async function applyStep(sent, result, { flash = true, walked = false } = {}) {
  change({ type: "stepped", sent, result, flash, walked });
  if (result.diverged) return diverged(result.diverged);
  controls.say(null);
  await drawn();
  return true;
}

async function diverged(divergence) {
  stopPlaying();
  controls.say(t("message.diverged", { message: divergence.message }), "error");
  await drawn();
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
    let owed = 0; // updates the speed asks for that earlier ticks did not make
    while (playing) {
      const began = performance.now();
      const { speed } = state().settings;
      const perTick = speed * (PLAY_TICK_MS / 1000);
      owed += Math.max(perTick, 1);
      const n = updatesThisTick(Math.floor(owed), updatesPerEpoch(network().state));
      owed -= n;
      const interval = perTick > 1 ? PLAY_TICK_MS : 1000 / speed;
      const ok = await advance(n, { flash: speed <= 5 });
      if (!ok) break;
      const wait = interval - (performance.now() - began);
      if (wait > 0) await sleep(wait);
    }
    stopPlaying();
  });
}

/** Of the `owed` updates, those a tick makes: past a pass over the rows, whole passes and one
 * more (one /api/epoch and one /api/step), the rest owed to the next tick. */
function updatesThisTick(owed, perPass) {
  return owed > perPass ? 1 + perPass * Math.floor((owed - 1) / perPass) : owed;
}

function stopPlaying() {
  if (!playing) return;
  playing = false;
  controls.setPlaying(false);
  save(true);
}

// --- Cards -------------------------------------------------------------------------------------

/** A weight or bias clicked: its card opens. On the projector or during a walk it takes the
 * explanation's place (the stage), where the presenter's keys, or another click, turn its pages. */
function openCard(name) {
  if (state().onStage?.card === name) {
    turnCardPage(1); // clicked again (or Space on it): its next page
    return;
  }
  const staged = lesson.presentation.active() || Boolean(state().walk);
  change({ type: staged ? "cardStaged" : "cardOpened", name });
  drawn().then(() => cards.highlight(name));
}

/** The presenter's next (+1) or back (−1) key on a card on the stage: its next or previous
 * page; past its last page the card leaves the stage. Return whether a card took the key. */
function turnCardPage(direction) {
  const { onStage } = state();
  if (!onStage) return false;
  const page = onStage.page + direction;
  if (page >= cards.pageCount()) change({ type: "cardUnstaged" });
  else if (page >= 0) change({ type: "cardPaged", page });
  return true;
}

/** The numbers a card shows: the update under way in a walk (all of it), else the last one. */
function cardView(page, view) {
  const { walk } = page;
  if (!walk) return view;
  return { state: walk.result.state, forward: walk.result.trace.forward, last: { sent: walk.sent, trace: walk.result.trace, diverged: null } };
}

// --- Drawing: every change of the state is drawn, changes that come faster are coalesced -------

let pending = null; // {flash} of the changes not drawn yet
let epochsShown = null;
let drawing = null; // the drawing under way

/** Resolve once every change so far is drawn. */
function drawn() {
  return drawing ?? Promise.resolve();
}

function scheduleDraw({ flash = false } = {}) {
  pending = { flash: Boolean(pending?.flash || flash) };
  if (!drawing) {
    document.body.dataset.drawing = "";
    drawing = (async () => {
      await null; // changes made together are drawn once, after the one that triggered this
      while (pending) {
        const options = pending;
        pending = null;
        await draw(options);
      }
    })().finally(() => {
      drawing = null;
      // while the lessons load, the page is still being drawn (tests wait on the attribute)
      if (!laterLoading) delete document.body.dataset.drawing;
    });
  }
  return drawing;
}

async function draw({ flash }) {
  const page = state();
  if (!page.network) return;
  const { settings } = page;
  if (settings.language && settings.language !== language()) {
    setLanguage(settings.language);
    presetPicker.translate();
  }
  const now = page.network;
  // After an update every neuron shows the forward pass its δ came from (the network before the
  // update), so that no box mixes two iterations; the weights are the updated ones.
  // What the class is answering stays off every view until it is given (withheld.js).
  const held = withheldOf(page);
  // With rows of data, the row the stage shows (state/row.js): its inputs, targets and numbers.
  const rows = api.rowsOf(now.state); // each row's forward pass, when known
  const raw = teaching.view(page) ?? { state: now.state, forward: now.forward, last: now.last, rows };
  if (!rows && !now.last && now.state.data && now.state.options.training === "batch") {
    // the row chosen before a batch's update needs its forward pass: drawn again with it
    api.rowsFor(now.state).then(() => { if (network()?.state === now.state) scheduleDraw(); }, (error) => console.warn(error));
  }
  const view = withholdView(shownRow(raw, settings), held);
  const options = { digits: settings.digits, flash };
  diagram.render(view, { ...options, iteration: now.state.iteration });
  diagram.setSelected(settings.open);
  controls.show(now.state, now.loss, { ...options, boxesFrom: boxesFrom(view) });
  controls.showUndo(page.undo);
  // the first minute: one cue, until the first update is on screen
  document.body.classList.toggle("fresh", !now.last && now.state.iteration === 0 && !page.walk);
  controls.setDigits(settings.digits);
  if (settings.epochs !== epochsShown) controls.setEpochs(settings.epochs); // never over what is being typed
  epochsShown = settings.epochs;
  controls.setSpeed(settings.speed);
  logToggle.checked = settings.log;
  teaching.show(page, options);
  // after the panels are placed: a card on the projector is split into pages that fit its room
  if (!page.walk || page.onStage) {
    cards.render(settings.open, withholdView(shownRow(cardView(page, raw), settings), held), { ...options, stage: page.onStage, paged: lesson.presentation.active() });
  }
  lesson.show(page, options);
  // the stage's numbers are drawn: let the frame that shows them be painted before the
  // lessons below and the curve, so that a Step reaches the screen within a frame or two
  document.dispatchEvent(new CustomEvent("backprop:numbers", { detail: { iteration: now.state.iteration } }));
  await afterPaint();
  if (state() !== page && pending) return; // changed meanwhile: the next drawing does the rest
  if (lessons) lessons.render(view, { ...options, path: page.path, tab: settings.tab, row: rowShown({ ...now, rows }, settings) });
  else loadLater();
  dataPanel?.render(page, options).catch((error) => console.warn(error));
  chart.setLog(settings.log);
  chart.setEpochs(now.state.data ? updatesPerEpoch(now.state) : null);
  chart.setDigits(settings.digits);
  chart.setMarker({ x: now.state.iteration, y: now.loss });
  await chart.draw(page.curve);
  document.dispatchEvent(new CustomEvent("backprop:rendered", { detail: { iteration: now.state.iteration } }));
}

// The lessons below the stage and the live class are loaded after the first numbers are
// painted, as a background task: neither is on screen at load, their modules are a third of the
// page's code, and a Step clicked meanwhile (its answer, its drawing) goes first.
let lessons = null;
let dataPanel = null; // the rows of data and the output map, loaded with the lessons
let laterAsked = false;
let laterLoading = false;

function loadLater() {
  if (laterAsked) return;
  laterAsked = true;
  laterLoading = true;
  const load = () => Promise.all([
    import("./lessons.js").then(({ createLessons }) => {
      lessons = createLessons(document.getElementById("lessons"), {
        plotly,
        onOptions: (options) => { if (mayMove()) { stopPlaying(); enqueue(() => applyOptions(options)); } },
        onReproduce: (target) => { if (mayMove()) { stopPlaying(); enqueue(() => reproduce(target)); } },
        onTab: (tab) => change({ type: "settingsChanged", settings: { tab } }),
      });
    }),
    import("./data.js").then(({ createDataPanel }) => {
      dataPanel = createDataPanel(document.getElementById("data-panel"), {
        plotly,
        onChoose: (row) => change({ type: "settingsChanged", settings: { row } }),
      });
    }),
    import("../classroom/controller.js").then(({ explainWith }) => explainWith((substep) => teaching.walkTo(substep))),
  ]);
  const background = globalThis.scheduler?.postTask
    ? globalThis.scheduler.postTask(load, { priority: "background" })
    : new Promise((resolve) => setTimeout(resolve, 0)).then(load);
  background.catch((error) => {
    controls.say(t("message.wrong", { message: error.message }), "error");
    console.warn(error);
  }).finally(() => {
    laterLoading = false;
    scheduleDraw(); // the lessons' first drawing, which ends <body data-drawing>
  });
}

/** Resolve once the frame now being prepared is painted: a requestAnimationFrame callback runs
 * just before that paint, a task it queues runs after it. */
function afterPaint() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    requestAnimationFrame(() => channel.port2.postMessage(null));
    setTimeout(resolve, 100); // a hidden page paints no frame: carry on all the same
  });
}

// --- Keeping: the serializer's text in localStorage ---------------------------------------------

/** Keep the page; while playing, at most once a second unless `now`. */
function save(now = false) {
  if (!network()) return;
  const time = performance.now();
  if (!now && time - lastSave < SAVE_WHILE_PLAYING_MS) return;
  lastSave = time;
  if (!storage.save(serialize(state(), "storage"))) {
    controls.say(t("message.notKept"), "warning");
  }
}

let setAsideBecause = null; // why the kept snapshot was set aside at the start, if it was

/** Read back the kept page, of whatever shape; a snapshot that fails validation is set aside
 * with a message (one that passes but that the server refuses is set aside at its first
 * request: see recover). Return whether a network was restored. */
async function restore() {
  const text = storage.load();
  if (text === null) return false;
  let read;
  try {
    read = await readShaped(text, "storage");
  } catch (error) {
    read = { ok: false, error: error.message }; // its shape could not be fetched: kept aside
  }
  if (!read.ok) {
    storage.setAside(text);
    setAsideBecause = read.error;
    return false;
  }
  showShapeOf(read.value.network.state);
  change({ type: "restored", value: read.value });
  return true;
}

const teaching = createTeaching({ api, enqueue, drawn, commit: applyStep, stopPlaying, mayMove });
const lesson = createLesson({
  api, enqueue, say: (text, kind) => controls.say(text, kind), redraw: () => scheduleDraw(),
  actions: {
    next: () => turnCardPage(1) || teaching.nextSubstep(),
    fullStep: () => teaching.fullStep(() => advance(1)),
    back: () => turnCardPage(-1) || teaching.goBack(),
    unstage: () => Boolean(state().onStage) && Boolean(change({ type: "cardUnstaged" })),
    reset,
    undo,
    replay: (n) => advance(n, { flash: false }),
    play: () => (playing ? stopPlaying() : mayMove() && startPlaying()),
  },
});

subscribe((page, action, previous) => {
  scheduleDraw(action);
  if (page.network?.initial !== previous.network?.initial && page.network) {
    editor.show(page.network.initial);
    presetPicker.show(page.network.initial);
  }
  save(!playing && !advancing); // the walk too: a reload mid-walk comes back to its sub-step
});

addEventListener("pagehide", () => save(true));
translatePage();
// A link may ask for a sub-step of the next iteration's walk (&walk=paths-h1): the practice
// page's way to the step that explains a mistake.
const linkedWalk = new URLSearchParams(location.hash.slice(1)).get("walk");
enqueue(async () => {
  const fromLink = await lesson.fromLink();
  const opened = fromLink || await restore();
  if (!opened) await startFrom(await api.reset());
  if (setAsideBecause) controls.say(t("message.setAside", { message: setAsideBecause }), "error");
  if (!state().settings.language) change({ type: "settingsChanged", settings: { language: browserLanguage() } });
  setLanguage(state().settings.language);
  await drawn();
  if (fromLink && linkedWalk) teaching.walkTo(linkedWalk);
});
