// Every iteration done, kept compactly as an immutable value: the states the page has seen at
// its checkpoints (every Step, both ends of every Run), never the traces. To show iteration k
// again the page asks the server: /api/epoch from the nearest checkpoint before k, then
// /api/step for k's own trace. Past LIMIT checkpoints the older ones are thinned, always
// leaving a gap the server can bridge.

export const LIMIT = 2000;
export const MAX_GAP = 100_000; // /api/epoch's limit: a gap of g needs g − 1 epochs and one step

/** A history that begins at `state`, whose forward pass is `forward`. */
export function startHistory(state, forward) {
  return { first: { iteration: state.iteration, forward }, points: [{ iteration: state.iteration, state }] };
}

export function latest(history) {
  return history.points.length ? history.points[history.points.length - 1].iteration : 0;
}

export function earliest(history) {
  return history.first.iteration;
}

/** Return `history` with `state` kept, reached after every earlier checkpoint. */
export function recordState(history, state, limit = LIMIT, maxGap = MAX_GAP) {
  let points = history.points.filter((p) => p.iteration < state.iteration);
  points.push({ iteration: state.iteration, state });
  if (points.length > limit) points = thinCheckpoints(points, maxGap);
  return { ...history, points };
}

/** Return `history` without the iterations after `iteration`. */
export function truncateHistory(history, iteration) {
  return { ...history, points: history.points.filter((p) => p.iteration <= iteration) };
}

/** The checkpoint at or before `iteration`. */
export function nearest(history, iteration) {
  let found = history.points[0];
  for (const point of history.points) {
    if (point.iteration > iteration) break;
    found = point;
  }
  return found;
}

/** Drop every other checkpoint of the older half where the gap stays bridgeable. */
export function thinCheckpoints(points, maxGap = MAX_GAP) {
  const half = Math.floor(points.length / 2);
  const kept = [points[0]];
  for (let k = 1; k < half; k += 1) {
    const next = points[k + 1];
    const drop = k % 2 === 1 && next.iteration - kept[kept.length - 1].iteration <= maxGap;
    if (!drop) kept.push(points[k]);
  }
  return kept.concat(points.slice(half));
}

/** The forward pass, loss and last update of iteration `k`, asked of the server (`api`). */
export async function recall(history, k, api) {
  if (k <= earliest(history)) {
    const point = history.points[0];
    return { state: point.state, forward: history.first.forward, loss: history.first.forward.E_total, last: null };
  }
  const point = nearest(history, k - 1);
  let state = point.state;
  if (k - 1 > point.iteration) state = (await api.epoch(state, k - 1 - point.iteration)).state;
  const result = await api.step(state);
  return { state: result.state, forward: result.forward, loss: result.loss, last: { sent: state, trace: result.trace, diverged: null } };
}
