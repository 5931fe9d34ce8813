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

async function post(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      "The server cannot be reached. Nothing was lost: the network is kept in this page; try again when the server is back.",
    );
  }
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

/** The worked example's state (when `state` is omitted) or `state`, at iteration 0, with its forward pass. */
export function reset(state) {
  return post("/api/reset", state === undefined ? undefined : { state });
}

/** One iteration from `state`: {state, trace, forward (of the new state), loss, diverged}. */
export function step(state) {
  return post("/api/step", { state });
}

/** `epochs` iterations from `state`: {state, losses, forward (of the new state), loss, diverged}. */
export function epoch(state, epochs) {
  return post("/api/epoch", { state, epochs });
}
