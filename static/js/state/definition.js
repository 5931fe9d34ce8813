// The network as the server defines it: names, layers, edges, options, the worked example and
// the bounds, embedded in the page as <script type="application/json" id="network-definition">.
// The page never declares them itself. Read lazily, so that modules importing this one load
// without a document (node's test runner).

let current = null;

/** The network's definition ({inputs, hidden, outputs, weights, biases, parameters, options, example, bounds}). */
export function definition() {
  if (current === null) current = fromPage();
  return current;
}

/** Use `value` as the definition (the tests, which have no page, hand in the server's). */
export function useDefinition(value) {
  current = value;
}

function fromPage() {
  const element = globalThis.document?.getElementById("network-definition");
  if (!element) throw new Error("the page carries no network definition");
  return JSON.parse(element.textContent);
}

/** The weight `name` joins: {name, from, to}. */
export function weight(name) {
  return definition().weights.find((w) => w.name === name);
}

/** The bias `name` and the neurons it feeds: {name, to: [n1, n2]}. */
export function bias(name) {
  return definition().biases.find((b) => b.name === name);
}

export const weightNames = () => definition().weights.map((w) => w.name);
export const biasNames = () => definition().biases.map((b) => b.name);
export const parameterNames = () => definition().parameters;
export const isBias = (name) => biasNames().includes(name);
