// The networks the page offers (app/presets.py), embedded in the page as
// <script type="application/json" id="network-presets">: [{id, name: {en, …}, state}], the
// worked example first. Read lazily, as the definition is.

let embedded = null;

/** The presets, the worked example first. */
export function presets() {
  if (embedded === null) {
    const element = globalThis.document?.getElementById("network-presets");
    embedded = element ? JSON.parse(element.textContent) : [];
  }
  return embedded;
}

/** Use `value` as the presets (the tests, which have no page). */
export function usePresets(value) {
  embedded = value;
}

/** The preset `id`, or undefined. */
export const preset = (id) => presets().find((entry) => entry.id === id);

// What makes two networks the same start: their shape, data and initial values.
const START = ["layers", "data", "inputs", "targets", "weights", "biases", "learning_rate", "options"];

/** The id of the preset whose start `initial` is, or null for a network of one's own. */
export function presetOf(initial) {
  const text = startText(initial);
  const found = presets().find((entry) => startText(entry.state) === text);
  return found ? found.id : null;
}

/** A network's start as text with its keys sorted, so that key order never matters. */
function startText(state) {
  if (!state) return null;
  const sorted = (value) => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value && typeof value === "object") return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted(value[key])]));
    return value;
  };
  return JSON.stringify(START.map((key) => sorted(state[key] ?? null)));
}
