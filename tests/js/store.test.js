import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { createStore } from "../../static/js/state/store.js";
import * as page from "../../static/js/state/store.js";

test("change applies the reducer and tells every listener (state, action, previous)", () => {
  const store = createStore();
  const seen = [];
  store.subscribe((state, action, previous) => seen.push([state, action.type, previous]));
  const before = store.state();
  const after = store.change({ type: "started", answer: copy(server.reset) });
  assert.equal(store.state(), after);
  assert.deepEqual(seen.map(([, type]) => type), ["started"]);
  assert.equal(seen[0][2], before);
});

test("the state is read-only", () => {
  const store = createStore();
  store.change({ type: "started", answer: copy(server.reset) });
  const state = store.state();
  assert.throws(() => { state.network.state.weights.w5 = 1; }, TypeError);
  assert.throws(() => { state.settings.open.push("w2"); }, TypeError);
  assert.equal(Object.isFrozen(state.history.points[0].state), true);
});

test("a change that changes nothing tells no one", () => {
  const store = createStore();
  store.change({ type: "started", answer: copy(server.reset) });
  let calls = 0;
  store.subscribe(() => { calls += 1; });
  store.change({ type: "walkLeft" });
  assert.equal(calls, 0);
});

test("unsubscribe stops the listener", () => {
  const store = createStore();
  let calls = 0;
  const stop = store.subscribe(() => { calls += 1; });
  store.change({ type: "settingsChanged", settings: { digits: 3 } });
  stop();
  store.change({ type: "settingsChanged", settings: { digits: 4 } });
  assert.equal(calls, 1);
});

test("the page's own store offers state, change and subscribe", () => {
  assert.equal(page.state().network, null);
  const stop = page.subscribe(() => {});
  page.change({ type: "settingsChanged", settings: { log: true } });
  assert.equal(page.state().settings.log, true);
  stop();
});
