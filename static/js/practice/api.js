// The practice endpoints: an exercise by level and seed, the check of answers, and what a live
// class's polls offer at the sub-steps of a walk (from the same catalogue of mistakes). A refusal
// becomes a PracticeError carrying what went wrong as data (the status and the field the
// server named), so that the page says it in its own language.

export class PracticeError extends Error {
  /** `status`: the HTTP status, 0 when the server was not reached; `field`: what it refused. */
  constructor(status, field, detail) {
    super(`${status} ${detail}`);
    this.status = status;
    this.field = field;
  }
}

async function ask(path, init) {
  let response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: "application/json", ...init?.headers } });
  } catch (error) {
    throw new PracticeError(0, null, error.message);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok || body === null) {
    const field = body?.errors?.[0]?.field ?? null;
    const detail = typeof body?.detail === "string" ? body.detail : response.statusText;
    throw new PracticeError(response.status, field, detail);
  }
  return body;
}

/** {state, asks: [{id, label, decimals}], decimals} of the exercise `level`, `seed`. */
export function fetchExercise(level, seed) {
  return ask(`/api/practice/${level}/${seed}`);
}

/** {results: [{id, correct, misconception, misconceptions, substeps, message, decimals}]} for
 * `answers` ({id: number}). */
export function checkAnswers(level, seed, answers, language) {
  return ask("/api/practice/check", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ level, seed, answers, language }),
  });
}

/** {iteration, polls: {substep: {quantity, choices: [{value, mistake}]}}}: what a live class's
 * poll offers at each sub-step of the walk of one step of `state`. */
export function fetchPollChoices(state) {
  return ask("/api/practice/choices", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ state }),
  });
}
