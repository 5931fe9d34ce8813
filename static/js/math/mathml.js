// MathML in the worked example's notation, for the sub-step panel. Numbers are formatted, never
// computed: every value handed in arrives from the server.

import { exact, formatNumber } from "../views/format.js";

export const mi = (text) => `<mi>${text}</mi>`;
export const mo = (text) => `<mo>${text}</mo>`;
export const TIMES = mo("×");
export const DOT = mo("·");
export const EQ = mo("=");
export const PLUS = mo("+");
export const MINUS = mo("−");

/** A name in the worked example's notation: "w5", "out_h1", "E_total", "δ_o1", "η". */
export function name(text) {
  const [base, sub] = text.split("_");
  if (sub === undefined) {
    const match = /^([a-zA-Zδη]+)(\d+)$/.exec(text);
    return match ? `<msub>${mi(match[1])}<mn>${match[2]}</mn></msub>` : mi(text);
  }
  const head = base.length > 1 ? `<mi mathvariant="normal">${base}</mi>` : mi(base);
  return `<msub>${head}<mi mathvariant="normal">${sub}</mi></msub>`;
}

export const updated = (text) => `<msup>${name(text)}<mo>+</mo></msup>`;
export const d = (top, bottom) =>
  `<mfrac><mrow><mo rspace="0">∂</mo>${name(top)}</mrow><mrow><mo rspace="0">∂</mo>${name(bottom)}</mrow></mfrac>`;
export const paren = (content) => `<mrow><mo>(</mo>${content}<mo>)</mo></mrow>`;
export const half = "<mfrac><mn>1</mn><mn>2</mn></mfrac>";
export const squared = (content) => `<msup>${paren(content)}<mn>2</mn></msup>`;

/**
 * Numbers for formulas written as markup. The markup holds only the page's own names and an
 * empty slot for each number; `fill(root)` pours the numbers in as text once the markup is in
 * the page, so a value (from the server, or a teacher's socket) is never read as markup.
 * `num(value, {bracket, key})` is a number's slot, bracketed when negative and `bracket` (it
 * follows an operator); `key` gives it a data-testid.
 */
export function numberSlots(digits) {
  const values = [];
  return {
    num(value, { bracket = true, key = null } = {}) {
      values.push({ value, key });
      const slot = `<mn data-slot="${values.length - 1}"></mn>`;
      return bracket && typeof value === "number" && value < 0 ? paren(slot) : slot;
    },
    fill(root) {
      for (const element of root.querySelectorAll("mn[data-slot]")) {
        const { value, key } = values[Number(element.dataset.slot)];
        element.removeAttribute("data-slot");
        element.textContent = formatNumber(value, digits);
        element.setAttribute("data-value", exact(value));
        if (key) element.setAttribute("data-testid", `substep-value-${key}`);
      }
    },
  };
}

/** A block formula from its parts. */
export const line = (...parts) => `<math display="block"><mrow>${parts.join("")}</mrow></math>`;

/** The activation as a function of `net`, for the options of a state. */
export function activation(kind, net) {
  if (kind === "tanh") return `<mi>tanh</mi>${paren(net)}`;
  if (kind === "relu") return `<mi>max</mi>${paren(`<mn>0</mn><mo>,</mo>${net}`)}`;
  return `<mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo>${net}</mrow></msup></mrow></mfrac>`;
}

// The operators a line may wrap before: relations and the operations between terms.
const BREAKS = new Set([EQ, PLUS, MINUS, TIMES, DOT]);

/** A formula line that wraps on a narrow screen: one <math> per term, each term starting at
 * one of the line's own operators (never inside a bracket or a fraction), in a box that lets
 * the terms flow onto the next row, indented. A wide screen shows it as one line. */
export function wrappingLine(...parts) {
  const terms = [[]];
  for (const part of parts) {
    if (BREAKS.has(part) && terms.at(-1).length) terms.push([]);
    terms.at(-1).push(part);
  }
  // an operator opening a <math> would count as a prefix (a sign, spaced tight): keep it binary
  const infix = ([first, ...rest]) => [BREAKS.has(first) ? first.replace("<mo>", '<mo form="infix">') : first, ...rest];
  return `<div class="formula">${terms.map((term) => `<math display="block"><mrow>${infix(term).join("")}</mrow></math>`).join("")}</div>`;
}
