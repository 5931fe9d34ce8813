// The network as the server defines it: names, layers, edges, options, the worked example, the
// bounds and the catalogue of named mistakes, embedded in the page as <script type="application/json" id="network-definition">.
// The page never declares them itself. Read lazily, so that modules importing this one load
// without a document (node's test runner).

// The definitions the page knows, by shape ("2-3-1"), and the one of the network it shows now.
// The worked example's comes with the page; another shape's is fetched once, before the page
// shows a network of that shape (controllers/shapes.js), so that definition() stays synchronous.
const known = new Map();
let current = null;

const EXAMPLE_LAYERS = [2, 2, 2];

/** The key of a shape: "2-2-2" for [2, 2, 2] or for a state without layers. */
export const shapeKey = (layers) => (layers ?? EXAMPLE_LAYERS).join("-");

/** The definition of the network the page shows now ({layers, neurons, inputs, hidden, outputs,
 * weights, biases, parameters, chain, options, example, bounds, mistakes}); another object
 * once the page shows a network of another shape. */
export function definition() {
  if (current === null) useDefinition(fromPage());
  return current;
}

/** Use `value` as the definition, and know it for its shape (the tests, which have no page,
 * hand in the server's). */
export function useDefinition(value) {
  learnShape(value);
  current = value;
}

/** Know `value` as the definition of its shape, without showing that shape yet. */
export function learnShape(value) {
  known.set(shapeKey(value.layers), value);
}

/** Whether the page holds the definition of shape `layers` (absent: the worked example's). */
export function knowsShape(layers) {
  if (current === null) definition();
  return known.has(shapeKey(layers));
}

/** The definition of shape `layers` if the page holds it, else undefined. */
export function definitionOf(layers) {
  if (current === null) definition();
  return known.get(shapeKey(layers));
}

/** Show networks of shape `layers` from now on; its definition must be known (knowsShape). */
export function useShape(layers) {
  if (!knowsShape(layers)) throw new Error(`the page holds no definition of the shape ${shapeKey(layers)}`);
  current = known.get(shapeKey(layers));
}

function fromPage() {
  const element = globalThis.document?.getElementById("network-definition");
  if (!element) throw new Error("the page carries no network definition");
  return JSON.parse(element.textContent);
}

/** Whether the network shown is the worked example's shape (2-2-2). */
export const isExampleShape = () => shapeKey(definition().layers) === shapeKey(EXAMPLE_LAYERS);

/** The weight `name` joins: {name, from, to}. */
export function weight(name) {
  return definition().weights.find((w) => w.name === name);
}

/** The bias `name` and the neurons it feeds: {name, to: [n1, n2]}. */
export function bias(name) {
  return definition().biases.find((b) => b.name === name);
}

/** The named mistake `code` of the server's catalogue: {code, concept, name: {en, …}}; throws
 * for a code the catalogue lacks (the page never names a mistake of its own). */
export function mistake(code) {
  const found = definition().mistakes?.find((entry) => entry.code === code);
  if (!found) throw new Error(`the catalogue names no mistake ${code}`);
  return found;
}

/** Its short name in `language` (English when the catalogue lacks that language). */
export const mistakeName = (code, language) => mistake(code).name[language] ?? mistake(code).name.en;

export const weightNames = () => definition().weights.map((w) => w.name);
export const biasNames = () => definition().biases.map((b) => b.name);
export const parameterNames = () => definition().parameters;
export const isBias = (name) => biasNames().includes(name);

// --- The shape, read from the definition ---------------------------------------------------

/** The layers, inputs first: [["i1", "i2"], ["h1", "h2"], ["o1", "o2"]] (the definition's
 * `neurons` where it gives them: a deeper network has several hidden layers). */
export const layers = () => definition().neurons ?? [definition().inputs, definition().hidden, definition().outputs];

/** The neurons of layer `index` (0 the inputs, the last the outputs). */
export const neuronsOf = (index) => layers()[index] ?? [];

export const inputNames = () => definition().inputs;
export const hiddenNames = () => definition().hidden;
export const outputNames = () => definition().outputs;
export const isInput = (neuron) => definition().inputs.includes(neuron);
export const isOutput = (neuron) => definition().outputs.includes(neuron);

/** The weights into `neuron`, in the definition's order: [{name, from, to}]. */
export const weightsInto = (neuron) => definition().weights.filter((w) => w.to === neuron);

/** The weights out of `neuron`, in the order of the neurons they reach: [{name, from, to}]. */
export const weightsOutOf = (neuron) => definition().weights.filter((w) => w.from === neuron);

/** The weights from layer `index − 1` into layer `index`, in the definition's order. */
export const weightsIntoLayer = (index) => neuronsOf(index).flatMap(weightsInto);

/** The name of the bias `neuron` adds to its net ("b1" for h1). */
export const biasOf = (neuron) => definition().biases.find((b) => b.to.includes(neuron))?.name;

/** What `neuron` passes on, as written in a formula: "i1" for an input, "out_h1" otherwise. */
export const passedOn = (neuron) => (isInput(neuron) ? neuron : `out_${neuron}`);

/** Where what `neuron` passes on sits in a step's data: ["state", "inputs", "i1"] or
 * ["forward", "out_h1"]. */
export const passedOnPath = (neuron) => (isInput(neuron) ? ["state", "inputs", neuron] : ["forward", `out_${neuron}`]);

/** The three factors of ∂E_total/∂`weight`, by the names the trace gives them:
 * ["dE_dout_o1", "dout_o1_dnet_o1", "dnet_o1_dw5"] for w5. */
export function factorsOf(weight) {
  const gradient = chainEntry(`dE_d${weight}`);
  if (gradient) {
    // ∂E/∂w = δ · ∂net/∂w, and δ = ∂E/∂out · ∂out/∂net where the loss leaves them apart
    const [delta, leaf] = gradient.terms;
    return [...chainEntry(delta, "product").terms, leaf];
  }
  const { to } = weightOf(weight);
  return [`dE_dout_${to}`, `dout_${to}_dnet_${to}`, `dnet_${to}_d${weight}`];
}

/** The paths by which hidden `neuron`'s out reaches E_total: [{through, weight, factor,
 * local}], e.g. {through: "o1", weight: "w5", factor: "dE_dout_h1_via_o1", local:
 * "dnet_o1_dout_h1"}. */
export function pathsOf(neuron) {
  const sum = chainEntry(`dE_dout_${neuron}`, "sum");
  if (sum) {
    return sum.terms.map((factor) => {
      const [delta, local] = chainEntry(factor).terms;
      return { through: delta.slice("delta_".length), weight: chainEntry(local).terms[0], factor, local };
    });
  }
  return weightsOutOf(neuron).map(({ name, to }) => ({
    through: to, weight: name, factor: `dE_dout_${neuron}_via_${to}`, local: `dnet_${to}_dout_${neuron}`,
  }));
}

/** The entry of the definition's `chain` (how each gradient is made: {name, kind, terms, at})
 * named `name`, of `kind` if given; undefined when the definition has no chain. */
function chainEntry(name, kind = null) {
  return definition().chain?.find((entry) => entry.name === name && (kind === null || entry.kind === kind));
}

function weightOf(name) {
  const found = weight(name);
  if (!found) throw new Error(`the network has no weight ${name}`);
  return found;
}

/** A quantity's name as written on paper, read from the trace's name for it (the rule
 * app/network.py names them by): "∂E_total/∂out_o1" for dE_dout_o1, "∂out_o1/∂net_o1",
 * "∂net_o1/∂w5", "∂net_o1/∂out_h1", "δ_o1" for delta_o1, "w5⁺" for w5_new; the part of
 * ∂E_total/∂out_h1 that comes through o1 (dE_dout_h1_via_o1) is "∂E_o1/∂out_h1" when o1 is an
 * output, as the worked example writes it, else "δ_h4·∂net_h4/∂out_h1". */
export function factorLabel(name) {
  let match;
  if ((match = /^dE_dout_(\w+?)_via_(\w+)$/.exec(name))) {
    const [, neuron, through] = match;
    return isOutput(through) ? `∂E_${through}/∂out_${neuron}` : `δ_${through}·∂net_${through}/∂out_${neuron}`;
  }
  if ((match = /^dE_d(\w+)$/.exec(name))) return `∂E_total/∂${match[1]}`;
  if ((match = /^d((?:net|out)_[a-z]\d+)_d(\w+)$/.exec(name))) return `∂${match[1]}/∂${match[2]}`;
  if ((match = /^delta_(\w+)$/.exec(name))) return `δ_${match[1]}`;
  if ((match = /^(\w+)_new$/.exec(name))) return `${match[1]}⁺`;
  if (/^(?:net|out|E)_\w+$/.test(name)) return name;
  throw new Error(`no quantity is named ${name}`);
}
