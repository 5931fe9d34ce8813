// The matrix view: the same iteration in vector form, the four equations of backpropagation
// (BP1–BP4) with the actual vectors and matrices, each beside the per-weight numbers it equals.
// Typeset in the browser's MathML; every number is the server's (trace of the last update).

import { exact, formatNumber } from "./format.js";
import { t } from "../i18n/index.js";

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

function equations(options) {
  const softmax = options.loss === "cross_entropy";
  const prime = activationPrime(options.activation);
  const deltaL = L("δ", "L");
  const out = [];
  // BP1
  if (softmax) {
    out.push({ id: "bp1", title: t("lessons.matrix.bp1.softmax"),
      math: math(deltaL, EQ, L("a", "L"), mo("−"), mi("y"), EQ, column("forward.out_o1", "forward.out_o2"), mo("−"),
        column("state.targets.o1", "state.targets.o2"), EQ, column("deltas.o1", "deltas.o2")),
      scalars: ["o1", "o2"].map((o) => math(name("δ", o), EQ, name("out", o), mo("−"), name("t", o), EQ,
        mn(`forward.out_${o}`), mo("−"), mn(`state.targets.${o}`), EQ, mn(`deltas.${o}`))) });
  } else {
    out.push({ id: "bp1", title: t("lessons.matrix.bp1"),
      math: math(deltaL, EQ, sub(mo("∇"), mi("a")), mi("C"), ODOT, prime, row(mo("("), L("z", "L"), mo(")")), EQ,
        column("factors.dE_dout_o1", "factors.dE_dout_o2"), ODOT, column("factors.dout_o1_dnet_o1", "factors.dout_o2_dnet_o2"),
        EQ, column("deltas.o1", "deltas.o2")),
      scalars: ["o1", "o2"].map((o) => math(name("δ", o), EQ, d(name("E", "total"), name("out", o)), mo("·"),
        d(name("out", o), name("net", o)), EQ, slot(`factors.dE_dout_${o}`), TIMES, slot(`factors.dout_${o}_dnet_${o}`),
        EQ, mn(`deltas.${o}`))) });
  }
  // BP2
  out.push({ id: "bp2", title: t("lessons.matrix.bp2"),
    math: math(L("δ", "l"), EQ, row(mo("("), sup(row(mo("("), L("w", "l+1"), mo(")")), mi("T")), L("δ", "l+1"), mo(")")), ODOT,
      prime, row(mo("("), L("z", "l"), mo(")"))) + math(EQ,
      row(mo("("), matrix([["factors.dnet_o1_dout_h1", "factors.dnet_o2_dout_h1"], ["factors.dnet_o1_dout_h2", "factors.dnet_o2_dout_h2"]]),
        column("deltas.o1", "deltas.o2"), mo(")")), ODOT, column("factors.dout_h1_dnet_h1", "factors.dout_h2_dnet_h2"),
      EQ, column("factors.dE_dout_h1", "factors.dE_dout_h2"), ODOT, column("factors.dout_h1_dnet_h1", "factors.dout_h2_dnet_h2"),
      EQ, column("deltas.h1", "deltas.h2")),
    scalars: ["h1", "h2"].flatMap((h) => [
      math(d(name("E", "total"), name("out", h)), EQ, name("δ", "o1"), mo("·"), name("w", h === "h1" ? "5" : "6"), mo("+"),
        name("δ", "o2"), mo("·"), name("w", h === "h1" ? "7" : "8"), EQ, slot(`factors.dE_dout_${h}_via_o1`), mo("+"),
        slot(`factors.dE_dout_${h}_via_o2`), EQ, mn(`factors.dE_dout_${h}`)),
      math(name("δ", h), EQ, slot(`factors.dE_dout_${h}`), TIMES, slot(`factors.dout_${h}_dnet_${h}`), EQ, mn(`deltas.${h}`)),
    ]),
    note: t("lessons.matrix.bp2.note") });
  // BP3
  out.push({ id: "bp3", title: t("lessons.matrix.bp3"),
    math: math(d(mi("C"), L("b", "l")), EQ, L("δ", "l"), mo(":"), mspace(),
      d(mi("C"), L("b", "2")), EQ, column("deltas.o1", "deltas.o2"), mo(","), mspace(),
      d(mi("C"), L("b", "1")), EQ, column("deltas.h1", "deltas.h2")),
    scalars: [["b2", "o1", "o2"], ["b1", "h1", "h2"]].map(([b, n1, n2]) => math(d(name("E", "total"), name("b", b.slice(1))), EQ,
      name("δ", n1), mo("+"), name("δ", n2), EQ, slot(`deltas.${n1}`), mo("+"), slot(`deltas.${n2}`), EQ, mn(`gradients.${b}`))),
    note: t("lessons.matrix.bp3.note") });
  // BP4
  const layer = (l, delta, a, w) => math(d(mi("C"), L("w", l)), EQ, L("δ", l), sup(row(mo("("), L("a", `${l - 1}`), mo(")")), mi("T")), EQ,
    column(...delta), matrix([a]), EQ, matrix([[`gradients.${w[0]}`, `gradients.${w[1]}`], [`gradients.${w[2]}`, `gradients.${w[3]}`]]));
  const perWeight = (w, n, a) => math(d(name("E", "total"), name("w", w.slice(1))), EQ, name("δ", n), mo("·"), a.name, EQ,
    slot(`deltas.${n}`), TIMES, slot(a.path), EQ, mn(`gradients.${w}`));
  out.push({ id: "bp4", title: t("lessons.matrix.bp4"),
    math: `${layer(2, ["deltas.o1", "deltas.o2"], ["forward.out_h1", "forward.out_h2"], ["w5", "w6", "w7", "w8"])}
      ${layer(1, ["deltas.h1", "deltas.h2"], ["state.inputs.i1", "state.inputs.i2"], ["w1", "w2", "w3", "w4"])}`,
    scalars: [
      perWeight("w5", "o1", { name: name("out", "h1"), path: "forward.out_h1" }),
      perWeight("w6", "o1", { name: name("out", "h2"), path: "forward.out_h2" }),
      perWeight("w7", "o2", { name: name("out", "h1"), path: "forward.out_h1" }),
      perWeight("w8", "o2", { name: name("out", "h2"), path: "forward.out_h2" }),
      perWeight("w1", "h1", { name: name("i", "1"), path: "state.inputs.i1" }),
      perWeight("w2", "h1", { name: name("i", "2"), path: "state.inputs.i2" }),
      perWeight("w3", "h2", { name: name("i", "1"), path: "state.inputs.i1" }),
      perWeight("w4", "h2", { name: name("i", "2"), path: "state.inputs.i2" }),
    ] });
  return out;
}

function mspace() {
  return '<mspace width="1.2em"></mspace>';
}

const read = (data, path) => path.split(".").reduce((node, key) => (node == null ? null : node[key]), data);

export function createMatrix(root) {
  let key = null;

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
      if (wanted !== key) {
        build(data.state.options);
        key = wanted;
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
