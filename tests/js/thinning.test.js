// The three thinning rules: the loss curve (150,000 points), the history's checkpoints (2,000)
// and the landscape's training path (20,000).

import assert from "node:assert/strict";
import { test } from "node:test";

import { appendLosses, CAPACITY, emptyCurve, thinCurve, truncateCurve } from "../../static/js/state/curve.js";
import { LIMIT, MAX_GAP, nearest, recordState, startHistory, thinCheckpoints, truncateHistory } from "../../static/js/state/history.js";
import { extendPath, MAX_POINTS, startPath, thinPath } from "../../static/js/state/path.js";

const range = (n, f = (k) => k) => Array.from({ length: n }, (_, k) => f(k));

test("the curve keeps every exact pair until its capacity of 150,000 points", () => {
  assert.equal(CAPACITY, 150_000);
  const losses = range(CAPACITY, (k) => 1 / (k + 1));
  const curve = appendLosses(emptyCurve(), 0, losses);
  assert.equal(curve.x.length, CAPACITY);
  assert.equal(curve.y[12345], 1 / 12346);
  assert.equal(curve.x[CAPACITY - 1], CAPACITY - 1);
});

test("past its capacity the curve thins its older half to every other point, the first and the newer half whole", () => {
  const losses = range(CAPACITY + 1, (k) => k * 0.5);
  const curve = appendLosses(emptyCurve(), 0, losses);
  assert.ok(curve.x.length <= CAPACITY);
  assert.equal(curve.x[0], 0);
  assert.equal(curve.x[curve.x.length - 1], CAPACITY);
  const half = Math.floor((CAPACITY + 1) / 2);
  // the newer half is whole and each kept point is still its own exact pair
  const tail = Array.from(curve.x.slice(-10));
  assert.deepEqual(tail, range(10, (k) => CAPACITY - 9 + k));
  for (let k = 0; k < curve.x.length; k += 997) assert.equal(curve.y[k], curve.x[k] * 0.5);
  assert.equal(curve.x.length, 1 + Math.floor((half - 1) / 2) + (CAPACITY + 1 - half));
});

test("thinCurve on a small curve: first point, every other of the older half, the newer half", () => {
  const x = Float64Array.from(range(10));
  const thinned = thinCurve({ x, y: Float64Array.from(range(10, (k) => 10 * k)) });
  assert.deepEqual(Array.from(thinned.x), [0, 2, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(thinned.y), [0, 20, 40, 50, 60, 70, 80, 90]);
});

test("appending leaves the earlier curve value untouched (the state is immutable)", () => {
  const one = appendLosses(emptyCurve(), 0, [0.3]);
  const two = appendLosses(one, 1, [0.2]);
  assert.equal(one.x.length, 1);
  assert.deepEqual(Array.from(two.y), [0.3, 0.2]);
  assert.equal(appendLosses(two, 2, []), two);
});

test("truncating the curve forgets the points after an iteration", () => {
  const curve = appendLosses(emptyCurve(), 0, [5, 4, 3, 2]);
  assert.deepEqual(Array.from(truncateCurve(curve, 1).x), [0, 1]);
  assert.equal(truncateCurve(curve, 10), curve);
});

const state = (iteration) => ({ iteration, weights: { w1: iteration }, biases: {} });

test("the history keeps up to 2,000 checkpoints, then thins the older half where the gap stays bridgeable", () => {
  assert.equal(LIMIT, 2000);
  let history = startHistory(state(0), { E_total: 1 });
  for (let k = 1; k <= LIMIT; k += 1) history = recordState(history, state(k));
  assert.ok(history.points.length <= LIMIT);
  assert.equal(history.points[0].iteration, 0);
  assert.equal(history.points.at(-1).iteration, LIMIT);
  for (let k = 1; k < history.points.length; k += 1) {
    assert.ok(history.points[k].iteration - history.points[k - 1].iteration <= MAX_GAP);
  }
});

test("a gap that /api/epoch could not bridge is never made by thinning", () => {
  const points = [0, 1, MAX_GAP + 1, MAX_GAP + 2, MAX_GAP + 3, MAX_GAP + 4].map((k) => ({ iteration: k, state: state(k) }));
  const kept = thinCheckpoints(points).map((p) => p.iteration);
  assert.deepEqual(kept, [0, 1, MAX_GAP + 1, MAX_GAP + 2, MAX_GAP + 3, MAX_GAP + 4]);
  const close = [0, 1, 2, 3, 4, 5].map((k) => ({ iteration: k, state: state(k) }));
  assert.deepEqual(thinCheckpoints(close).map((p) => p.iteration), [0, 2, 3, 4, 5]);
});

test("recording from an earlier iteration replaces the later checkpoints", () => {
  let history = startHistory(state(0), { E_total: 1 });
  for (const k of [1, 2, 3]) history = recordState(history, state(k));
  history = recordState(history, state(2));
  assert.deepEqual(history.points.map((p) => p.iteration), [0, 1, 2]);
  assert.deepEqual(truncateHistory(history, 1).points.map((p) => p.iteration), [0, 1]);
  assert.equal(nearest(history, 1.5).iteration, 1);
});

test("the path keeps up to 20,000 points, then every other one with the latest kept", () => {
  assert.equal(MAX_POINTS, 20_000);
  let path = startPath(state(0));
  path = extendPath(path, range(MAX_POINTS - 1, (k) => state(k + 1)));
  assert.equal(path.length, MAX_POINTS);
  path = extendPath(path, [state(MAX_POINTS)]);
  assert.ok(path.length <= MAX_POINTS / 2 + 1);
  assert.equal(path[0].iteration, 0);
  assert.equal(path.at(-1).iteration, MAX_POINTS);
  assert.deepEqual(thinPath([1, 2, 3, 4].map(state)).map((p) => p.iteration), [1, 3, 4]);
});

test("the path ignores points that are not past its end", () => {
  const path = extendPath(startPath(state(5)), [state(3), state(5)]);
  assert.equal(path.length, 1);
  assert.deepEqual(extendPath(path, [state(6)]).map((p) => p.iteration), [5, 6]);
});
