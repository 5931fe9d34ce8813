// The practice view's owner of state until the page's one store takes the `practice` slice:
// state() reads, change(action) applies the pure reducer and notifies, subscribe(listener)
// returns its unsubscribe; every change is written through the slice's serializer.

import { deserializePractice, initialPractice, practiceReducer, serializePractice } from "./state.js";

const KEY = "backprop-lab/practice";

function read() {
  try {
    const text = localStorage.getItem(KEY);
    return text ? deserializePractice(text) : { ok: false, error: "nothing kept" };
  } catch {
    return { ok: false, error: "storage disabled" }; // progress lasts for this visit only
  }
}

const kept = read();
let current = kept.ok ? kept.value : initialPractice();

/** Whether the slice came from an earlier visit. */
export function restored() {
  return kept.ok;
}
const listeners = new Set();

export function state() {
  return current;
}

export function change(action) {
  const next = practiceReducer(current, action);
  if (next === current) return;
  const previous = current;
  current = next;
  if (serializePractice(previous) !== serializePractice(next)) {
    try {
      localStorage.setItem(KEY, serializePractice(next));
    } catch {
      // storage full or disabled: the view still works
    }
  }
  for (const listener of listeners) listener(current, previous, action);
}

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
