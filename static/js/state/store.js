// The one owner of the page's state. Controllers ask for changes with change({type, ...});
// views subscribe and render what they are given. The state is read-only: every change
// makes a new value through the reducers.

import { initialState, reduce } from "./reducers.js";

/** Freeze `value` and what it holds (typed arrays, which cannot be frozen, are left as they are). */
function freeze(value) {
  if (value === null || typeof value !== "object" || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) freeze(value[key]);
  return value;
}

/** A store: {state, change, subscribe}. The page has one (below); tests make their own. */
export function createStore(initial = initialState(), reducer = reduce) {
  let current = freeze(initial);
  const listeners = new Set();
  return {
    state: () => current,
    /** Apply `action`, then tell every listener (state, action, previous). */
    change(action) {
      const previous = current;
      current = freeze(reducer(current, action));
      if (current !== previous) for (const listener of [...listeners]) listener(current, action, previous);
      return current;
    },
    /** Call `listener` after every change; return the function that stops it. */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const page = createStore();

/** The page state now (read-only). */
export const state = () => page.state();
/** Ask for a change: `action` = {type, ...} (see reducers.js). */
export const change = (action) => page.change(action);
/** Be told of every change; returns the unsubscribe function. */
export const subscribe = (listener) => page.subscribe(listener);
