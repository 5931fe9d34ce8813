// The practice endpoints: an exercise by level and seed, and the check of answers. A refusal
// becomes an Error carrying the server's own words.

async function ask(path, init) {
  const response = await fetch(path, { ...init, headers: { Accept: "application/json", ...init?.headers } });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok || body === null) {
    const detail = typeof body?.detail === "string" ? body.detail : response.statusText;
    throw new Error(`${response.status} ${detail}`);
  }
  return body;
}

/** {state, asks: [{id, label}]} of the exercise `level`, `seed`. */
export function fetchExercise(level, seed) {
  return ask(`/api/practice/${level}/${seed}`);
}

/** {results: [{id, correct, misconception, message}]} for `answers` ({id: number}). */
export function checkAnswers(level, seed, answers, language) {
  return ask("/api/practice/check", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ level, seed, answers, language }),
  });
}
