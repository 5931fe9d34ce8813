// The JSON API: each call sends the whole network and resolves with the server's answer.
// Failures become an ApiError whose message can be shown as it is.

export class ApiError extends Error {
  constructor(message, { status = 0, errors = [] } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status; // 0: the server could not be reached
    this.errors = errors; // [{field: "state.weights.w1", message, type}]
  }
}

// The API is stateless, so a request can simply be sent again: while the server is down (a
// restart, a dropped Wi-Fi) the page keeps retrying, and tells its listener, for two minutes.
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 3000];
const GIVE_UP_AFTER_MS = 120_000;
let connectionListener = () => {};

/** Call `listener({down: true, attempt})` while the server cannot be reached, `{down: false}` once it can. */
export function onConnection(listener) {
  connectionListener = listener;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchWithRetries(path, init) {
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(path, init);
      if (attempt > 1) connectionListener({ down: false });
      return response;
    } catch {
      if (Date.now() - started > GIVE_UP_AFTER_MS) {
        connectionListener({ down: false });
        throw new ApiError(
          "The server cannot be reached. Nothing was lost: the network is kept in this page; try again when the server is back.",
        );
      }
      connectionListener({ down: true, attempt });
      await sleep(RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]);
    }
  }
}

async function post(path, body) {
  return answerOf(await fetchWithRetries(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
}

async function get(path) {
  return answerOf(await fetchWithRetries(path, { headers: { Accept: "application/json" } }));
}

/** The JSON of `response`, or an ApiError with the server's reasons. */
async function answerOf(response) {
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    answer = null;
  }
  if (!response.ok) {
    const detail = answer && typeof answer.detail === "string" ? answer.detail : response.statusText;
    throw new ApiError(`The server refused the request (${response.status}): ${detail}`, {
      status: response.status,
      errors: (answer && Array.isArray(answer.errors)) ? answer.errors : [],
    });
  }
  if (answer === null) throw new ApiError("The server sent an answer that is not JSON.", { status: response.status });
  return answer;
}

/** The definition of the network of shape `layers` ([2, 3, 1]): what GET /api/network answers. */
export function network(layers) {
  return get(`/api/network?layers=${layers.map(Number).join(",")}`);
}

// Each row's forward pass of a state with rows of data: the answers of reset, step and epoch
// carry them. Kept by the state object the answer brought (the page keeps it as it is), so
// that the stage and the rows table read them rather than asking the server again; a state
// that came without them (a class message, storage) asks /api/reset once.
const rowsOfState = new WeakMap();
const askedRows = new WeakMap(); // state -> the request for its rows under way

function keepRows(answer) {
  if (answer.rows && answer.state) rowsOfState.set(answer.state, answer.rows);
  return answer;
}

/** Each data row's forward pass of `state`, when known; else null. */
export const rowsOf = (state) => rowsOfState.get(state) ?? null;

/** Each data row's forward pass of `state` (a state with data): known, or asked once. */
export function rowsFor(state) {
  const known = rowsOfState.get(state);
  if (known) return Promise.resolve(known);
  if (!askedRows.has(state)) {
    askedRows.set(state, reset(state).then((answer) => {
      rowsOfState.set(state, answer.rows);
      return answer.rows;
    }).finally(() => askedRows.delete(state)));
  }
  return askedRows.get(state);
}

/** The worked example's state (when `state` is omitted) or `state`, at iteration 0, with its
 * forward pass. The page carries the worked example's answer (<script id="example-answer">):
 * its first numbers need no request. */
export function reset(state) {
  const carried = state === undefined ? globalThis.document?.getElementById("example-answer") : null;
  if (carried) return Promise.resolve(JSON.parse(carried.textContent));
  return post("/api/reset", state === undefined ? undefined : { state }).then(keepRows);
}

/** One iteration from `state`: {state, trace, forward (of the new state), loss, diverged}. */
export function step(state) {
  return post("/api/step", { state }).then(keepRows);
}

/** `epochs` iterations from `state`: {state, losses, forward (of the new state), loss, diverged};
 * with `path` > 0 also the parameters at `path` evenly spaced iterations and the start. */
export function epoch(state, epochs, path = 0) {
  return post("/api/epoch", path > 0 ? { state, epochs, path } : { state, epochs }).then(keepRows);
}

/** Backprop against central differences: {parameters: [{name, backprop, numerical, relative_error}]}. */
export function gradientCheck(state, epsilon) {
  return post("/api/gradient-check", { state, epsilon });
}

/** E_total over a grid of parameters `x` and `y` centred on `state`: {x, y, E_total}. */
export function landscape(state, x, y, span, resolution) {
  return post("/api/landscape", { state, x, y, span, resolution });
}

/** A two-input network's `output` over a `resolution` × `resolution` grid of its inputs, the
 * square around its rows: {output, x, y, out}. */
export function outputs(state, output, resolution) {
  return post("/api/outputs", { state, output, resolution });
}
