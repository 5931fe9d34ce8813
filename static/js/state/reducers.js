// The page state's reducers: pure functions (state, action) → state. Every change the page
// makes is one of the actions below; nothing else writes the state.
//
// State: {
//   network: null | {initial, state, forward, loss, last}
//     initial: the state Reset returns to (iteration 0); state: the network now; forward and
//     loss: its forward pass and E_total; last: {sent, trace, diverged} of the update that led
//     to `state`, when known,
//   curve: {x, y} (E_total per iteration), history: {first, points} (checkpoints),
//   path: [{iteration, weights, biases}] (for the landscape),
//   walk: null | {sent, result, index, answers} (an iteration unfolded sub-step by sub-step),
//   onStage: null | {card, page}: the chain-rule card the presenter opened to talk through, in
//     place of the explanation, and the page of it shown (the presenter's keys turn its pages),
//   undo: null | {reason, from, to, saved}: what Reset or a step from an earlier iteration put
//     aside (iterations from … to), and `saved` = {network, curve, history, path} to bring back,
//   settings: see settings.js,
//   practice: see practice.js (the exercise on the practice view, and the exercises solved),
// }

import { classReducers, following } from "./classroom.js";
import { appendEvery, appendLosses, emptyCurve, truncateCurve } from "./curve.js";
import { latest, recordState, startHistory, truncateHistory } from "./history.js";
import { extendPath, startPath } from "./path.js";
import { PRACTICE_ACTIONS, initialPractice, practiceReducer } from "./practice.js";
import { updatesPerEpoch } from "./row.js";
import { DEFAULT_SETTINGS, MAX_OPEN_CARDS, validSettings } from "./settings.js";

/** The state before the first answer of the server. */
export function initialState() {
  return {
    network: null,
    curve: emptyCurve(),
    history: { first: { iteration: 0, forward: null }, points: [] },
    path: [],
    walk: null,
    onStage: null,
    undo: null,
    settings: { ...DEFAULT_SETTINGS },
    classroom: null, // a live class: see classroom.js
    practice: initialPractice(),
  };
}

/** What an undo brings back: the network shown, with its history, curve and path. */
const kept = (page) => ({ network: page.network, curve: page.curve, history: page.history, path: page.path });

/** The settings kept when a network starts again: the cards open that it has, its first row. */
function settingsFor(settings) {
  return validSettings({ open: settings.open, row: 0 }, { ...settings, open: [] });
}

/** A network shown from scratch at `state`: one point of curve, history and path. */
function beginAt(page, initial, state, forward, rowsLoss = null) {
  const loss = rowsLoss ?? forward.E_total; // with rows of data, the mean of their E_total
  return {
    ...page,
    network: { initial, state, forward, loss, last: null },
    curve: appendLosses(emptyCurve(), state.iteration, [loss]),
    history: startHistory(state, forward),
    path: startPath(state),
    walk: null,
  };
}

const reducers = {
  /** A network fresh from /api/reset: `answer` = {state, trace}. `undoable`: a Reset, which
   * keeps what it discards (iterations 1 … latest) for an undo. */
  started(page, { answer, undoable = false }) {
    const next = { ...beginAt(page, answer.state, answer.state, answer.trace.forward, answer.loss), settings: settingsFor(page.settings) };
    const done = page.network ? latest(page.history) : 0;
    if (!undoable || done === 0) return { ...next, undo: null };
    return { ...next, undo: { reason: "reset", from: 1, to: done, saved: kept(page) } };
  },

  /** A network from a link: `initial` to reset to, `state` (with its `forward`) now. */
  opened(page, { initial, state, forward }) {
    return { ...beginAt(page, initial, state, forward), undo: null };
  },

  /** The answer of /api/epoch from the network now: its losses, path and end state. */
  trained(page, { run }) {
    const { network } = page;
    const start = network.state.iteration;
    // losses[k] is pass k + 1's: with rows of data trained online, a pass is an update per row
    const every = updatesPerEpoch(network.state);
    let curve = page.curve;
    if (curve.x.length === 0) curve = appendLosses(curve, start, [run.losses[0]]);
    curve = appendEvery(curve, start + every, every, run.losses.slice(1));
    curve = appendLosses(curve, run.state.iteration, [run.loss]);
    const next = {
      ...page,
      network: { ...network, state: run.state, forward: run.forward, loss: run.loss, last: null },
      curve,
      path: extendPath(page.path, run.path ?? []),
      walk: null,
    };
    return run.diverged ? next : { ...next, history: recordState(page.history, run.state) };
  },

  /** The answer of /api/step from `sent`: the new state, its trace, one more point. */
  stepped(page, { sent, result, walked = false }) {
    const { network } = page;
    if (result.diverged) {
      return { ...page, network: { ...network, last: { sent, trace: result.trace, diverged: result.diverged } }, walk: null };
    }
    return {
      ...page,
      network: {
        ...network, state: result.state, forward: result.forward, loss: result.loss,
        last: { sent, trace: result.trace, diverged: null, ...(walked ? { walked } : {}) },
      },
      curve: appendLosses(page.curve, result.state.iteration, [result.loss]),
      history: recordState(page.history, result.state),
      path: extendPath(page.path, [result.state]),
      walk: null,
    };
  },

  /** An earlier iteration shown again (`view` = {state, forward, loss, last}); the history stays. */
  shown(page, { view }) {
    const { state, forward, loss, last } = view;
    return { ...page, network: { ...page.network, state, forward, loss, last }, walk: null };
  },

  /** Forget the iterations after the one shown, keeping that one as a checkpoint. */
  laterForgotten(page) {
    const now = page.network.state.iteration;
    const done = latest(page.history);
    if (now >= done) return page;
    let history = truncateHistory(page.history, now);
    if (latest(history) < now) history = recordState(history, page.network.state);
    const undo = { reason: "later", from: now + 1, to: done, saved: kept(page) };
    return { ...page, history, curve: truncateCurve(page.curve, now), undo };
  },

  /** Bring back what the last Reset or step from an earlier iteration put aside. */
  undone(page) {
    if (!page.undo) return page;
    return { ...page, ...page.undo.saved, walk: null, undo: null };
  },

  /** The offer to undo is dismissed; what was put aside is let go. */
  undoDismissed(page) {
    return page.undo ? { ...page, undo: null } : page;
  },

  /** An iteration unfolded from `sent`, its /api/step answer `result`, at sub-step 0. */
  walkStarted(page, { sent, result }) {
    return { ...page, walk: { sent, result, index: 0, answers: {} } };
  },

  /** Sub-step `index` of the walk (0 … count − 1); below 0 the walk ends. */
  walkMoved(page, { index }) {
    if (!page.walk) return page;
    if (index < 0) return { ...page, walk: null };
    return { ...page, walk: { ...page.walk, index } };
  },

  /** The class's answer to `question` (null: shown without an answer). */
  walkAnswered(page, { question, choice }) {
    if (!page.walk) return page;
    return { ...page, walk: { ...page.walk, answers: { ...page.walk.answers, [question]: choice } } };
  },

  /** A walk of the update already on screen done: the next walk is of the next iteration. */
  walkFinished(page) {
    if (!page.walk) return page;
    const { last } = page.network;
    return { ...page, walk: null, network: last ? { ...page.network, last: { ...last, walked: true } } : page.network };
  },

  walkLeft(page) {
    return page.walk ? { ...page, walk: null } : page;
  },

  /** `settings`: some of the settings, each checked. */
  settingsChanged(page, { settings }) {
    return { ...page, settings: validSettings(settings, page.settings) };
  },

  /** The chain-rule card of `name` opened first (the oldest closes past MAX_OPEN_CARDS). */
  cardOpened(page, { name }) {
    const { open } = page.settings;
    if (open.includes(name)) return page;
    return reducers.settingsChanged(page, { settings: { open: [name, ...open].slice(0, MAX_OPEN_CARDS) } });
  },

  cardClosed(page, { name }) {
    const next = reducers.settingsChanged(page, { settings: { open: page.settings.open.filter((p) => p !== name) } });
    return page.onStage?.card === name ? { ...next, onStage: null } : next;
  },

  /** The card of `name` opened and put on the stage, at its first page. */
  cardStaged(page, { name }) {
    const opened = reducers.cardOpened(page, { name });
    return { ...opened, onStage: { card: name, page: 0 } };
  },

  /** Page `page` (from 0) of the card on the stage. */
  cardPaged(page, { page: index }) {
    if (!page.onStage || !Number.isInteger(index) || index < 0) return page;
    return { ...page, onStage: { ...page.onStage, page: index } };
  },

  /** The card leaves the stage (it stays open below, with the others). */
  cardUnstaged(page) {
    return page.onStage ? { ...page, onStage: null } : page;
  },

  ...classReducers,

  /** A snapshot read back by the serializer (`value`, already validated); a walk comes back
   * at its sub-step unless values were withheld from it (a teacher's, received in a class). */
  restored(page, { value }) {
    const walk = value.walk && !value.walk.withheld ? value.walk : null;
    return { ...page, ...value, walk, undo: null, settings: validSettings(value.settings, page.settings) };
  },
};

// The practice view's actions change its slice only.
for (const type of PRACTICE_ACTIONS) {
  reducers[type] = (page, action) => {
    const practice = practiceReducer(page.practice, action);
    return practice === page.practice ? page : { ...page, practice };
  };
}

export const ACTIONS = Object.keys(reducers);

// What a page does with its own network; a following student who does one stops following,
// so that the page never says "following" while it shows another iteration than the teacher's.
const OWN_MOVES = new Set([
  "started", "opened", "trained", "stepped", "shown", "laterForgotten", "undone",
  "walkStarted", "walkMoved", "walkAnswered",
]);

/** Apply `action` ({type, ...}) to `page`; an unknown type is a programming error. */
export function reduce(page, action) {
  const reducer = reducers[action.type];
  if (!reducer) throw new Error(`unknown action ${action.type}`);
  const own = OWN_MOVES.has(action.type) && following(page);
  return reducer(own ? reducers.classFollow(page, { follow: false }) : page, action);
}
