// The matrix view: the same iteration in vector form, the four equations of backpropagation
// (BP1–BP4) with the actual vectors and matrices, each beside the per-weight numbers it equals.
// Typeset in the browser's MathML; every number is the server's (trace of the last update).

import { exact, formatNumber } from "./format.js";
import { t } from "../i18n/index.js";
import { biasOf, definition, isInput, layers, passedOnPath, pathsOf, weightsInto } from "../state/definition.js";

const mi = (x) => `<mi>${x}</mi>`;
const mo = (x) => `<mo>${x}</mo>`;
const mn = (path) => `<mn data-m="${path}">…</mn>`;
const sup = (base, power) => `<msup>${base}${power}</msup>`;
const sub = (base, index) => `<msub>${base}${index}</msub>`;
const row = (...parts) => `<mrow>${parts.join("")}</mrow>`;
const EQ = mo("=");
const ODOT = mo("⊙");
const TIMES = mo("×");
const math = (...parts) => `<div class="eq-line"><math displaystyle="true">${row(...parts)}</math></div>`;

/** A bracketed matrix of number slots: rows of paths. */
function matrix(rows) {
  const body = rows.map((cells) => `<mtr>${cells.map((c) => `<mtd>${mn(c)}</mtd>`).join("")}</mtr>`).join("");
  return row(mo("["), `<mtable>${body}</mtable>`, mo("]"));
}
const column = (...paths) => matrix(paths.map((p) => [p]));

const L = (x, l) => sup(mi(x), mi(l));
const name = (base, index) => sub(mi(base), `<mi mathvariant="normal">${index}</mi>`);
const d = (top, bottom) => `<mfrac><mrow><mo rspace="0">∂</mo>${top}</mrow><mrow><mo rspace="0">∂</mo>${bottom}</mrow></mfrac>`;
const slot = (path) => `<mrow data-s="${path}"><mo data-open hidden>(</mo>${mn(path)}<mo data-close hidden>)</mo></mrow>`;

function activationPrime(activation) {
  const symbol = { sigmoid: "σ", tanh: "tanh", relu: "relu" }[activation] ?? "σ";
  return `<msup><mi>${symbol}</mi><mo>′</mo></msup>`;
}

/** A name with its number as a subscript: "w5" → w₅, "i1" → i₁. */
const numbered = (text) => {
  const [, base, index] = /^(\D+)(\d+)$/.exec(text);
  return name(base, index);
};
/** What `neuron` passes on, as a name and as the path of its number: out_h1, i1. */
const passedOnOf = (neuron) => ({
  name: isInput(neuron) ? numbered(neuron) : name("out", neuron),
  path: passedOnPath(neuron).join("."),
});

/** The four equations for `options`, their vectors and matrices laid out from the network's
 * definition: one row per neuron, one column per neuron of the layer before. */
export function equations(options) {
  const softmax = options.loss === "cross_entropy";
  const prime = activationPrime(options.activation);
  const deltaL = L("δ", "L");
  const all = layers();
  const last = all.length - 1;
  const outputs = all[last];
  const each = (neurons, path) => column(...neurons.map(path));
  const out = [];
  // BP1
  if (softmax) {
    out.push({ id: "bp1", title: t("lessons.matrix.bp1.softmax"),
      math: math(deltaL, EQ, L("a", "L"), mo("−"), mi("y"), EQ, each(outputs, (o) => `forward.out_${o}`), mo("−"),
        each(outputs, (o) => `state.targets.${o}`), EQ, each(outputs, (o) => `deltas.${o}`)),
      scalars: outputs.map((o) => math(name("δ", o), EQ, name("out", o), mo("−"), name("t", o), EQ,
        mn(`forward.out_${o}`), mo("−"), mn(`state.targets.${o}`), EQ, mn(`deltas.${o}`))) });
  } else {
    out.push({ id: "bp1", title: t("lessons.matrix.bp1"),
      math: math(deltaL, EQ, sub(mo("∇"), mi("a")), mi("C"), ODOT, prime, row(mo("("), L("z", "L"), mo(")")), EQ,
        each(outputs, (o) => `factors.dE_dout_${o}`), ODOT, each(outputs, (o) => `factors.dout_${o}_dnet_${o}`),
        EQ, each(outputs, (o) => `deltas.${o}`)),
      scalars: outputs.map((o) => math(name("δ", o), EQ, d(name("E", "total"), name("out", o)), mo("·"),
        d(name("out", o), name("net", o)), EQ, slot(`factors.dE_dout_${o}`), TIMES, slot(`factors.dout_${o}_dnet_${o}`),
        EQ, mn(`deltas.${o}`))) });
  }
  // BP2: (wˡ⁺¹)ᵀ has a row per hidden neuron, a column per neuron it reaches
  const terms = (parts, separator) => parts.flatMap((part, k) => (k ? [separator, ...part] : part));
  // one line per hidden layer, from the top down: δ of the layer above through its weights
  const hiddenLayers = all.map((_, l) => l).slice(1, last).reverse();
  const bp2Line = (l) => math(...(hiddenLayers.length > 1 ? [L("δ", String(l))] : []), EQ,
    row(mo("("), matrix(all[l].map((h) => pathsOf(h).map((p) => `factors.${p.local}`))),
      each(all[l + 1], (n) => `deltas.${n}`), mo(")")), ODOT, each(all[l], (h) => `factors.dout_${h}_dnet_${h}`),
    EQ, each(all[l], (h) => `factors.dE_dout_${h}`), ODOT, each(all[l], (h) => `factors.dout_${h}_dnet_${h}`),
    EQ, each(all[l], (h) => `deltas.${h}`));
  out.push({ id: "bp2", title: t("lessons.matrix.bp2"),
    math: math(L("δ", "l"), EQ, row(mo("("), sup(row(mo("("), L("w", "l+1"), mo(")")), mi("T")), L("δ", "l+1"), mo(")")), ODOT,
      prime, row(mo("("), L("z", "l"), mo(")"))) + hiddenLayers.map(bp2Line).join(""),
    scalars: hiddenLayers.flatMap((l) => all[l]).flatMap((h) => [
      math(d(name("E", "total"), name("out", h)), EQ,
        ...terms(pathsOf(h).map((p) => [name("δ", p.through), mo("·"), numbered(p.weight)]), mo("+")), EQ,
        ...terms(pathsOf(h).map((p) => [slot(`factors.${p.factor}`)]), mo("+")), EQ, mn(`factors.dE_dout_${h}`)),
      math(name("δ", h), EQ, slot(`factors.dE_dout_${h}`), TIMES, slot(`factors.dout_${h}_dnet_${h}`), EQ, mn(`deltas.${h}`)),
    ]),
    note: t("lessons.matrix.bp2.note") });
  // BP3: each layer's bias, shared by its neurons, from the output layer back
  const biased = all.map((neurons, l) => ({ l, neurons, bias: l ? biasOf(neurons[0]) : null })).slice(1).reverse();
  out.push({ id: "bp3", title: t("lessons.matrix.bp3"),
    math: math(d(mi("C"), L("b", "l")), EQ, L("δ", "l"), mo(":"),
      ...biased.flatMap(({ l, neurons }, k) => [...(k ? [mo(",")] : []), mspace(),
        d(mi("C"), L("b", String(l))), EQ, each(neurons, (n) => `deltas.${n}`)])),
    scalars: biased.map(({ neurons, bias }) => math(d(name("E", "total"), numbered(bias)), EQ,
      ...terms(neurons.map((n) => [name("δ", n)]), mo("+")), EQ,
      ...terms(neurons.map((n) => [slot(`deltas.${n}`)]), mo("+")), EQ, mn(`gradients.${bias}`))),
    note: t("lessons.matrix.bp3.note") });
  // BP4: a gradient per weight, a row per neuron it feeds, a column per neuron it comes from
  const layer = (l) => math(d(mi("C"), L("w", l)), EQ, L("δ", l), sup(row(mo("("), L("a", `${l - 1}`), mo(")")), mi("T")), EQ,
    each(all[l], (n) => `deltas.${n}`), matrix([all[l - 1].map((n) => passedOnOf(n).path)]), EQ,
    matrix(all[l].map((n) => weightsInto(n).map((w) => `gradients.${w.name}`))));
  const perWeight = ({ name: w, from, to }) => math(d(name("E", "total"), numbered(w)), EQ, name("δ", to), mo("·"),
    passedOnOf(from).name, EQ, slot(`deltas.${to}`), TIMES, slot(passedOnOf(from).path), EQ, mn(`gradients.${w}`));
  const backwards = all.map((_, l) => l).slice(1).reverse();
  out.push({ id: "bp4", title: t("lessons.matrix.bp4"),
    math: backwards.map(layer).join("\n      "),
    scalars: backwards.flatMap((l) => all[l].flatMap(weightsInto)).map(perWeight) });
  return out;
}

function mspace() {
  return '<mspace width="1.2em"></mspace>';
}

const read = (data, path) => path.split(".").reduce((node, key) => (node == null ? null : node[key]), data);

export function createMatrix(root) {
  let key = null;
  let builtFrom = null; // the definition the equations were laid out from

  function build(options) {
    root.innerHTML = `
      <p class="lesson-note">${t("lessons.matrix.intro")}</p>
      <p class="lesson-pending" data-testid="matrix-pending" data-role="matrix-pending">${t("lessons.pending")}</p>
      ${equations(options).map((eq) => `
        <section class="equation" data-testid="matrix-${eq.id}">
          <h3 class="equation-title">${eq.title}</h3>
          <div class="equation-body">
            <div class="equation-matrix">${eq.math}</div>
            <div class="equation-scalars">${eq.scalars.join("")}</div>
          </div>
          ${eq.note ? `<p class="lesson-note">${eq.note}</p>` : ""}
        </section>`).join("")}`;
  }

  return {
    /** Show `data` = {state (sent), forward, factors, deltas, gradients} or a forward pass only. */
    render(data, { digits }) {
      const wanted = `${data.state.options.loss}/${data.state.options.activation}/${document.documentElement.lang}`;
      if (wanted !== key || definition() !== builtFrom) {
        build(data.state.options);
        key = wanted;
        builtFrom = definition();
      }
      const ready = Boolean(data.gradients);
      root.classList.toggle("pending", !ready);
      root.querySelector("[data-role=matrix-pending]").hidden = ready;
      for (const element of root.querySelectorAll("mn[data-m]")) {
        const value = ready ? read(data, element.dataset.m) : null;
        element.textContent = ready ? formatNumber(value, digits) : "…";
        element.setAttribute("data-value", ready ? exact(value) : "");
      }
      for (const group of root.querySelectorAll("[data-s]")) {
        const value = ready ? read(data, group.dataset.s) : null;
        const bracket = typeof value === "number" && value < 0;
        group.querySelector("[data-open]").toggleAttribute("hidden", !bracket);
        group.querySelector("[data-close]").toggleAttribute("hidden", !bracket);
      }
    },
    rebuild() {
      key = null;
    },
  };
}
