// The network as the server defines it: names, layers, edges, options, the worked example, the
// bounds and the catalogue of named mistakes, embedded in the page as <script type="application/json" id="network-definition">.
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
