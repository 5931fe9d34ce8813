// Small helpers for building SVG and for the brief highlight of a value that changed.

const NS = "http://www.w3.org/2000/svg";

/** Return a new SVG element with `attributes`, appended to `parent` when given. */
export function svg(name, attributes = {}, parent = null) {
  const element = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (parent) parent.appendChild(element);
  return element;
}

// A value that changed is highlighted, then fades out in a few steps, every value changed in
// one task together: one timer per drawing rather than an animation per value. An animation of
// a colour is run on the main thread at every frame; with a hundred values changing at each
// Step (a 4-4-4-4-4 network) those frames took more of the next Step than drawing its numbers.
// The levels' colours are in page.css ([data-flash]).
const FADE = [[0, "5"], [350, "4"], [600, "3"], [850, "2"], [1100, "1"]];
const FLASH_MS = 1400;

const highlightOf = new WeakMap(); // element → the set of values it is fading with
let gathering = null; // the values highlighted in this task

/** Highlight `element` now and fade it with every value highlighted in the same task. */
function flash(element) {
  if (!gathering) {
    gathering = new Set();
    fade(gathering);
    queueMicrotask(() => { gathering = null; });
  }
  highlightOf.get(element)?.delete(element); // a newer highlight takes it over
  highlightOf.set(element, gathering);
  gathering.add(element);
  element.setAttribute("data-flash", FADE[0][1]);
}

function fade(values) {
  const at = (time, set) => setTimeout(() => {
    for (const element of values) set(element);
  }, time);
  for (const [time, level] of FADE.slice(1)) at(time, (element) => element.setAttribute("data-flash", level));
  at(FLASH_MS, (element) => {
    element.removeAttribute("data-flash");
    highlightOf.delete(element);
  });
}

/**
 * Show `text` in `element` (and `value` in its data-value); when the text changes and `highlight`
 * is true, highlight it briefly. Return whether the text changed.
 */
export function setValue(element, text, value, highlight) {
  if (value !== undefined) element.setAttribute("data-value", value === null ? "" : String(value));
  if (element.textContent === text) return false;
  const first = !element.hasAttribute("data-shown");
  element.textContent = text;
  element.setAttribute("data-shown", "");
  if (highlight && !first) flash(element);
  return true;
}
