import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { ACTIONS, initialState, reduce } from "../../static/js/state/reducers.js";
import { DEFAULT_SETTINGS, MAX_OPEN_CARDS } from "../../static/js/state/settings.js";

const started = () => reduce(initialState(), { type: "started", answer: copy(server.reset) });
const stepped = (page = started()) => reduce(page, { type: "stepped", sent: page.network.state, result: copy(server.step) });

test("before the server answers there is no network and the settings are the defaults", () => {
  const page = initialState();
  assert.equal(page.network, null);
  assert.deepEqual(page.settings, { ...DEFAULT_SETTINGS });
});

test("started: iteration 0 of the answer, one point of curve, history and path", () => {
  const page = started();
  assert.equal(page.network.state.iteration, 0);
  assert.equal(page.network.initial, page.network.state);
  assert.equal(page.network.loss, server.reset.trace.forward.E_total);
  assert.equal(page.network.last, null);
  assert.deepEqual(Array.from(page.curve.y), [server.reset.trace.forward.E_total]);
  assert.equal(page.history.points.length, 1);
  assert.equal(page.path.length, 1);
});

test("stepped: the new state, the update it came from, one more point everywhere", () => {
  const before = started();
  const page = stepped(before);
  assert.equal(page.network.state.weights.w5, 0.35891647971788465);
  assert.equal(page.network.last.sent, before.network.state);
  assert.equal(page.network.last.diverged, null);
  assert.deepEqual(Array.from(page.curve.x), [0, 1]);
  assert.deepEqual(page.history.points.map((p) => p.iteration), [0, 1]);
  assert.deepEqual(page.path.map((p) => p.iteration), [0, 1]);
  assert.equal(page.network.initial, before.network.initial);
});

test("a diverged step keeps the network and records why", () => {
  const page = started();
  const result = { ...copy(server.step), diverged: { iteration: 1, parameter: "w1", message: "w1 left the bounds" } };
  const next = reduce(page, { type: "stepped", sent: page.network.state, result });
  assert.equal(next.network.state, page.network.state);
  assert.equal(next.network.last.diverged.parameter, "w1");
  assert.equal(next.curve, page.curve);
});

test("trained: the losses of a Run join the curve, its path the landscape's, its end the history", () => {
  const page = reduce(started(), { type: "trained", run: copy(server.epoch) });
  assert.equal(page.network.state.iteration, 5);
  assert.deepEqual(Array.from(page.curve.x), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(page.curve.y).slice(0, 5), server.epoch.losses);
  assert.equal(page.curve.y[5], server.epoch.loss);
  assert.deepEqual(page.history.points.map((p) => p.iteration), [0, 5]);
  assert.ok(page.path.length > 1);
});

test("shown: an earlier iteration on screen, the history and curve unchanged", () => {
  const page = stepped();
  const earlier = { state: page.history.points[0].state, forward: server.reset.trace.forward, loss: 0.29, last: null };
  const next = reduce(page, { type: "shown", view: earlier });
  assert.equal(next.network.state.iteration, 0);
  assert.equal(next.history, page.history);
  assert.equal(next.curve, page.curve);
});

test("laterForgotten: stepping from an earlier iteration forgets the later ones", () => {
  const page = stepped();
  const back = reduce(page, { type: "shown", view: { state: page.history.points[0].state, forward: server.reset.trace.forward, loss: 0.29, last: null } });
  const next = reduce(back, { type: "laterForgotten" });
  assert.deepEqual(next.history.points.map((p) => p.iteration), [0]);
  assert.deepEqual(Array.from(next.curve.x), [0]);
  assert.equal(reduce(page, { type: "laterForgotten" }), page); // nothing later: unchanged
});

test("a walk starts at sub-step 0, moves, records answers, and ends below 0", () => {
  let page = started();
  page = reduce(page, { type: "walkStarted", sent: page.network.state, result: copy(server.step) });
  assert.equal(page.walk.index, 0);
  page = reduce(page, { type: "walkMoved", index: 3 });
  page = reduce(page, { type: "walkAnswered", question: "w5-direction", choice: "down" });
  assert.deepEqual(page.walk.answers, { "w5-direction": "down" });
  assert.equal(page.walk.index, 3);
  assert.equal(reduce(page, { type: "walkMoved", index: -1 }).walk, null);
  assert.equal(reduce(page, { type: "walkLeft" }).walk, null);
  assert.equal(reduce(stepped(page), { type: "walkLeft" }).walk, null);
});

test("settings are checked: invalid values and unknown keys are ignored", () => {
  const page = reduce(started(), {
    type: "settingsChanged",
    settings: { digits: 42, language: "fr", speed: 7, epochs: 0, tab: "nowhere", log: "yes", open: ["w9", "w3", "w3"], colour: "red" },
  });
  assert.equal(page.settings.digits, 9);
  assert.equal(page.settings.language, DEFAULT_SETTINGS.language);
  assert.equal(page.settings.speed, DEFAULT_SETTINGS.speed);
  assert.equal(page.settings.epochs, DEFAULT_SETTINGS.epochs);
  assert.equal(page.settings.tab, DEFAULT_SETTINGS.tab);
  assert.equal(page.settings.log, false);
  assert.deepEqual(page.settings.open, ["w3"]);
  assert.equal("colour" in page.settings, false);
  const chosen = reduce(page, { type: "settingsChanged", settings: { language: "zh-Hans", speed: 2000, epochs: 100000, tab: "landscape" } });
  assert.deepEqual([chosen.settings.language, chosen.settings.speed, chosen.settings.epochs, chosen.settings.tab], ["zh-Hans", 2000, 100000, "landscape"]);
});

test("cards open first in line, at most four, and close", () => {
  let page = started();
  for (const name of ["w2", "w3", "b1", "w8"]) page = reduce(page, { type: "cardOpened", name });
  assert.equal(page.settings.open.length, MAX_OPEN_CARDS);
  assert.deepEqual(page.settings.open, ["w8", "b1", "w3", "w2"]);
  assert.equal(reduce(page, { type: "cardOpened", name: "w8" }), page);
  assert.deepEqual(reduce(page, { type: "cardClosed", name: "b1" }).settings.open, ["w8", "w3", "w2"]);
});

test("opened: a network from a link starts its curve, history and path at the iteration it carries", () => {
  const state = { ...copy(server.step.state), iteration: 40 };
  const page = reduce(initialState(), { type: "opened", initial: copy(server.reset.state), state, forward: copy(server.step.forward) });
  assert.equal(page.network.initial.iteration, 0);
  assert.deepEqual(Array.from(page.curve.x), [40]);
  assert.equal(page.history.first.iteration, 40);
});

test("reducers are pure: the state given is never changed", () => {
  const page = structuredClone(stepped());
  const frozen = structuredClone(page);
  for (const action of [
    { type: "stepped", sent: page.network.state, result: copy(server.step) },
    { type: "trained", run: copy(server.epoch) },
    { type: "cardOpened", name: "w2" },
    { type: "settingsChanged", settings: { digits: 3 } },
    { type: "laterForgotten" },
  ]) reduce(page, action);
  assert.deepEqual(page, frozen);
});

test("an unknown action is a programming error", () => {
  assert.throws(() => reduce(initialState(), { type: "teleported" }), /unknown action teleported/);
  assert.ok(ACTIONS.includes("stepped") && ACTIONS.includes("restored"));
});

test("started with undoable: a Reset keeps what it discards, and undone brings it back", () => {
  const before = reduce(started(), { type: "trained", run: copy(server.epoch) });
  const reset = reduce(before, { type: "started", answer: copy(server.reset), undoable: true });
  assert.equal(reset.network.state.iteration, 0);
  assert.deepEqual({ reason: reset.undo.reason, from: reset.undo.from, to: reset.undo.to }, { reason: "reset", from: 1, to: 5 });
  const back = reduce(reset, { type: "undone" });
  assert.equal(back.network, before.network);
  assert.equal(back.curve, before.curve);
  assert.equal(back.history, before.history);
  assert.equal(back.path, before.path);
  assert.equal(back.undo, null);
  assert.equal(reduce(back, { type: "undone" }), back); // nothing left to undo
});

test("a Reset at iteration 0 offers no undo, nor does a start that is not a Reset", () => {
  const page = reduce(started(), { type: "started", answer: copy(server.reset), undoable: true });
  assert.equal(page.undo, null);
  const trained = reduce(started(), { type: "trained", run: copy(server.epoch) });
  assert.equal(reduce(trained, { type: "started", answer: copy(server.reset) }).undo, null);
});

test("laterForgotten keeps the iterations it forgets for an undo; undoDismissed lets them go", () => {
  const trained = reduce(started(), { type: "trained", run: copy(server.epoch) });
  const earlier = reduce(trained, { type: "shown", view: { state: trained.history.points[0].state ?? trained.network.initial, forward: trained.network.forward, loss: trained.network.loss, last: null } });
  const forgot = reduce(earlier, { type: "laterForgotten" });
  assert.deepEqual({ reason: forgot.undo.reason, from: forgot.undo.from, to: forgot.undo.to }, { reason: "later", from: 1, to: 5 });
  assert.deepEqual(Array.from(forgot.curve.x), [0]);
  const back = reduce(forgot, { type: "undone" });
  assert.deepEqual(Array.from(back.curve.x), [0, 1, 2, 3, 4, 5]);
  assert.equal(reduce(forgot, { type: "undoDismissed" }).undo, null);
});
