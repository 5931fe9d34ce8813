// Every iteration done, kept compactly: the states the page has seen at its checkpoints (every
// Step, both ends of every Run), never the traces. To show iteration k again the page asks the
// server: /api/epoch from the nearest checkpoint before k, then /api/step for k's own trace.
// Past LIMIT checkpoints the older ones are thinned, always leaving a gap the server can bridge.

export const LIMIT = 2000;
const MAX_GAP = 100_000; // /api/epoch's limit: a gap of g needs g − 1 epochs and one step

export class History {
  constructor() {
    this.points = []; // [{iteration, state}], by iteration
    this.first = { iteration: 0, forward: null }; // where the history begins, with its forward pass
  }

  /** Begin again at `state` (with its forward pass). */
  start(state, forward) {
    this.points = [{ iteration: state.iteration, state }];
    this.first = { iteration: state.iteration, forward };
  }

  get latest() {
    return this.points.length ? this.points[this.points.length - 1].iteration : 0;
  }

  get earliest() {
    return this.first.iteration;
  }

  /** Keep `state`, reached after every earlier checkpoint. */
  record(state) {
    const last = this.points[this.points.length - 1];
    if (last && last.iteration >= state.iteration) this.truncate(state.iteration - 1);
    this.points.push({ iteration: state.iteration, state });
    if (this.points.length > LIMIT) this.#thin();
  }

  /** Forget every iteration after `iteration`. */
  truncate(iteration) {
    this.points = this.points.filter((p) => p.iteration <= iteration);
  }

  /** The checkpoint at or before `iteration`. */
  nearest(iteration) {
    let found = this.points[0];
    for (const point of this.points) {
      if (point.iteration > iteration) break;
      found = point;
    }
    return found;
  }

  /** Drop every other checkpoint of the older half where the gap stays bridgeable. */
  #thin() {
    const half = Math.floor(this.points.length / 2);
    const kept = [this.points[0]];
    for (let k = 1; k < half; k += 1) {
      const next = this.points[k + 1];
      const drop = k % 2 === 1 && next.iteration - kept[kept.length - 1].iteration <= MAX_GAP;
      if (!drop) kept.push(this.points[k]);
    }
    this.points = kept.concat(this.points.slice(half));
  }

  toJSON() {
    return { first: this.first, points: this.points };
  }

  static fromJSON(saved) {
    const history = new History();
    if (!saved || !Array.isArray(saved.points) || !saved.points.length || !saved.first) return null;
    history.points = saved.points.filter((p) => Number.isInteger(p.iteration) && p.state);
    history.first = saved.first;
    return history.points.length ? history : null;
  }
}

/** The forward pass, loss and last update of iteration `k`, asked of the server (`api`). */
export async function recall(history, k, api) {
  if (k <= history.earliest) {
    const point = history.points[0];
    return { state: point.state, forward: history.first.forward, loss: history.first.forward.E_total, last: null };
  }
  const point = history.nearest(k - 1);
  let state = point.state;
  if (k - 1 > point.iteration) state = (await api.epoch(state, k - 1 - point.iteration)).state;
  const result = await api.step(state);
  return { state: result.state, forward: result.forward, loss: result.loss, last: { sent: state, trace: result.trace, diverged: null } };
}
