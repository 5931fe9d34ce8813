// Polls from a walk's sub-step: the value the sub-step computes, and the values the typical
// mistakes give instead. The server works them out from its catalogue of named mistakes (the
// one the practice check grades with: POST /api/practice/choices), for every sub-step of the
// walk at once; this module only reads its answer and shuffles a poll's choices.

import { mistake } from "../state/definition.js";

/** The key under which the choices of a walk of `sent` (the state sent for its step) are kept. */
export const choicesKey = (sent) => JSON.stringify(sent);

/** The server's choices for the walk `walk` held in `choices` (classroom.choices), or null
 * while they are not there (not asked yet, on their way, or of another walk). */
export function choicesOf(walk, choices) {
  if (!walk || !choices || choices.pending || choices.key !== choicesKey(walk.sent)) return null;
  return choices;
}

/** For sub-step `id` and the server's choices of the walk ({iteration, polls}): the quantity
 * it computes, the iteration it belongs to and its candidates [{value, mistake}] (the correct
 * one first, mistake null), or null when the sub-step computes no single number worth a vote. */
export function candidatesAt(id, choices) {
  const found = choices?.polls?.[id];
  if (!found) return null;
  // every mistake is one the page can name (mistake() throws for a code the catalogue lacks)
  const named = found.choices.map(({ value, mistake: code }) => ({ value, mistake: code === null ? null : mistake(code).code }));
  return { quantity: found.quantity, iteration: choices.iteration, choices: named };
}

/** A poll-open message for sub-step `id`, the choices shuffled by `random`; or null. */
export function pollFor(id, choices, random = Math.random) {
  const found = candidatesAt(id, choices);
  if (!found) return null;
  const shuffled = [...found.choices];
  for (let k = shuffled.length - 1; k > 0; k -= 1) {
    const j = Math.floor(random() * (k + 1));
    [shuffled[k], shuffled[j]] = [shuffled[j], shuffled[k]];
  }
  return {
    type: "poll-open",
    question: { substep: id, quantity: found.quantity, iteration: found.iteration },
    choices: shuffled,
    correct: shuffled.findIndex((choice) => choice.mistake === null),
  };
}
