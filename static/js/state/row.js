// The row of data the stage shows. A network trained on several rows shows one at a time: in
// batch training the row the page chose (settings.row), its forward pass and its chain rule
// beside the batch's update; in online training the row its last step used (trace.row). Every
// view reads a step's per-row numbers through `viewOfRow`, never from the trace directly.

/** The updates an epoch (a pass over the rows) makes: online one per row, in batch one (a
 * state without rows: one). */
export function updatesPerEpoch(state) {
  return state.options?.training === "batch" ? 1 : (state.data?.length ?? 1);
}

const clamp = (k, count) => Math.min(Math.max(Number.isInteger(k) ? k : 0, 0), Math.max(count - 1, 0));

/** The index of the data row that `view` ({state, forward, last, rows}: what the stage shows;
 * `rows`, each row's forward pass when known) shows under `settings`: in batch training the row
 * chosen (settings.row), after a step, or before one once `rows` are known; after an online
 * step the row it used; else the row whose forward pass the page holds, the one the next
 * update uses (iteration mod rows, as the server answers). */
export function rowShown(view, settings) {
  const trace = view.last?.trace;
  const state = view.last?.sent ?? view.state;
  const count = state?.data?.length ?? 0;
  if (count < 2) return 0;
  if (trace?.rows) return clamp(settings?.row ?? 0, count);
  if (trace && Number.isInteger(trace.row)) return clamp(trace.row, count);
  // before a batch's update, the row chosen once every row's forward pass is at hand
  if (state.options?.training === "batch" && view.rows?.length === count) return clamp(settings?.row ?? 0, count);
  return view.state.iteration % count;
}

/** `trace` as row `row` sees it: a batch's per-row parts (forward, terms, factors, deltas)
 * are that row's; the update (gradients, changes) stays the batch's. An online step's trace
 * is one row's already. */
export function traceOfRow(trace, row) {
  if (!trace?.rows?.length) return trace;
  const k = clamp(row, trace.rows.length);
  const { forward, terms, factors, deltas } = trace.rows[k];
  return { ...trace, forward, terms, factors, deltas, row: trace.rows[k].row ?? k };
}

/** `state` with the inputs and targets of data row `row` (as it is without data). */
export function stateOfRow(state, row) {
  if (!state?.data?.length) return state;
  const { inputs, targets } = state.data[clamp(row, state.data.length)];
  return { ...state, inputs, targets };
}

const cache = new WeakMap(); // state -> {row, shown}: the same state shown twice is one object

function rowStateOf(state, row) {
  if (!state?.data?.length) return state;
  const known = cache.get(state);
  if (known?.row === row) return known.shown;
  const shown = stateOfRow(state, row);
  cache.set(state, { row, shown });
  return shown;
}

/** The diagram's view ({state, forward, last, rows}) as row `row` shows it: the states with
 * that row's inputs and targets (one object for one state, so that "is this the state the step
 * was sent?" keeps its answer), the trace with its per-row parts; `forward`, when the view has
 * no step, is the row's in `rows`, else the one the caller gives. */
export function viewOfRow(view, row) {
  const { state, last } = view;
  const trace = last ? traceOfRow(last.trace, row) : null;
  return {
    ...view,
    state: rowStateOf(state, row),
    forward: trace?.forward ?? view.rows?.[row] ?? view.forward,
    last: last ? { ...last, sent: rowStateOf(last.sent, row), trace } : last,
  };
}

/** `view` as the stage shows it under `settings`: its row's inputs, targets and numbers. */
export const shownRow = (view, settings) => viewOfRow(view, rowShown(view, settings));
