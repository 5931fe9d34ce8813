// Share and export. A link carries the whole network in its #fragment (never sent to a server):
// the initial values, the options, the learning rate, the iteration and the current weights and
// biases, each number as the shortest text that reads back as exactly the same float64.
// Exports hold the iteration shown (its whole trace) and the history (E_total of every
// iteration done, and the checkpoint states).

const PARAMETERS = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"];
const BIASES = ["b1", "b2"];
const OPTIONS = ["activation", "loss", "train_biases", "hidden_deltas_use"];

/** Return the page's URL carrying `initial` (the values Reset returns to) and `state` (now). */
export function linkFor(initial, state, base = location.href) {
  const p = new URLSearchParams();
  p.set("v", "1");
  p.set("i1", initial.inputs.i1);
  p.set("i2", initial.inputs.i2);
  p.set("t1", initial.targets.o1);
  p.set("t2", initial.targets.o2);
  for (const w of PARAMETERS) p.set(w, initial.weights[w]);
  for (const b of BIASES) p.set(b, initial.biases[b]);
  p.set("eta", initial.learning_rate);
  for (const option of OPTIONS) p.set(option, state.options[option]);
  p.set("iteration", state.iteration);
  for (const w of PARAMETERS) p.set(`now.${w}`, state.weights[w]);
  for (const b of BIASES) p.set(`now.${b}`, state.biases[b]);
  const url = new URL(base);
  url.hash = p.toString();
  return url.toString();
}

function number(p, key) {
  const text = p.get(key);
  if (text === null || text.trim() === "") throw new Error(`the link lacks ${key}`);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${key} is not a number in the link`);
  return value;
}

/** Read a link's fragment: {initial, state}, null when it carries no network; throws when it is
 * damaged. The server checks every value when the page sends them. */
export function readLink(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  if (p.get("v") !== "1") return null;
  const options = {
    activation: p.get("activation") ?? "sigmoid",
    loss: p.get("loss") ?? "squared",
    train_biases: p.get("train_biases") === "true",
    hidden_deltas_use: p.get("hidden_deltas_use") ?? "original",
  };
  const initial = {
    inputs: { i1: number(p, "i1"), i2: number(p, "i2") },
    targets: { o1: number(p, "t1"), o2: number(p, "t2") },
    weights: Object.fromEntries(PARAMETERS.map((w) => [w, number(p, w)])),
    biases: Object.fromEntries(BIASES.map((b) => [b, number(p, b)])),
    learning_rate: number(p, "eta"),
    options,
    iteration: 0,
  };
  const iteration = number(p, "iteration");
  if (!Number.isInteger(iteration) || iteration < 0) throw new Error("the iteration in the link is not a whole number");
  const state = {
    ...structuredClone(initial),
    weights: Object.fromEntries(PARAMETERS.map((w) => [w, number(p, `now.${w}`)])),
    biases: Object.fromEntries(BIASES.map((b) => [b, number(p, `now.${b}`)])),
    iteration,
  };
  return { initial, state };
}

/** Put `text` on the clipboard; resolve false when the browser refuses. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Offer `text` as a download named `filename`. */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Everything to export: the iteration shown ({sent, trace, after, loss} or null before the
 * first update) and the history (a LossCurve and the checkpoints). */
export function exportData({ initial, state, forward, loss, update, curve, history }) {
  const { x, y } = curve.points;
  return {
    format: "backprop-lab/1",
    iteration: state.iteration,
    initial,
    state,
    forward,
    E_total: loss,
    update: update
      ? { from: update.sent, trace: update.trace, to: update.after, E_total_after: update.loss }
      : null,
    history: {
      E_total: Array.from(x, (iteration, k) => ({ iteration, E_total: y[k] })),
      checkpoints: history.points,
    },
  };
}

function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One table, long format: iteration, section, quantity, value. */
export function toCsv(data) {
  const rows = [["iteration", "section", "quantity", "value"]];
  const add = (iteration, section, values) => {
    for (const [quantity, value] of Object.entries(values)) rows.push([iteration, section, quantity, value]);
  };
  const put = (iteration, section, state) => {
    add(iteration, section, {
      ...Object.fromEntries(Object.entries(state.inputs)),
      ...Object.fromEntries(Object.entries(state.targets).map(([k, v]) => [`target_${k}`, v])),
      ...state.weights, ...state.biases, learning_rate: state.learning_rate,
    });
  };
  if (data.update) {
    const { from, trace, to } = data.update;
    const n = to.iteration;
    put(n, "before", from);
    add(n, "forward", trace.forward);
    add(n, "factor", trace.factors);
    add(n, "delta", trace.deltas);
    add(n, "gradient", trace.gradients);
    add(n, "change", trace.changes);
    put(n, "after", to);
    rows.push([n, "after", "E_total", data.update.E_total_after]);
  } else {
    put(data.iteration, "state", data.state);
    add(data.iteration, "forward", data.forward);
  }
  for (const point of data.history.E_total) rows.push([point.iteration, "history", "E_total", point.E_total]);
  return `${rows.map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}
