// The worksheet: one iteration on paper (the forward pass, the chain rule for w5 and w1, every
// update) with the server's numbers, or with blanks for students to fill in. It prints on A4 and
// Letter alike: the page's own margins, a column narrower than both.

import { formatNumber } from "./format.js";
import { t } from "../i18n/index.js";

const sub = (base, index) => `${base}<sub>${index}</sub>`;
const N = (text) => {
  const [base, index] = text.split("_");
  if (index !== undefined) return sub(base, index);
  const match = /^([a-zA-Zδη]+)(\d+)$/.exec(text);
  return match ? sub(match[1], match[2]) : text;
};
const frac = (top, bottom) => `<span class="ws-frac"><span>∂${N(top)}</span><span>∂${N(bottom)}</span></span>`;

export function createWorksheet(root, { onClose }) {
  let update = null;
  let digits = 0;

  root.innerHTML = `
    <div class="worksheet-tools" role="group" data-i18n-aria-label="print.tools" aria-label="${t("print.tools")}">
      <label class="toggle"><input type="checkbox" data-testid="worksheet-blanks" id="worksheet-blanks"> <span data-i18n="print.blanks">${t("print.blanks")}</span></label>
      <button type="button" class="button primary" data-testid="worksheet-print" id="worksheet-print" data-i18n="print.print">${t("print.print")}</button>
      <button type="button" class="button" data-testid="worksheet-close" id="worksheet-close" data-i18n="print.close">${t("print.close")}</button>
    </div>
    <article class="worksheet-sheet" data-testid="worksheet"></article>`;
  const sheet = root.querySelector(".worksheet-sheet");
  const blanks = root.querySelector("#worksheet-blanks");
  blanks.addEventListener("change", draw);
  root.querySelector("#worksheet-print").addEventListener("click", () => window.print());
  root.querySelector("#worksheet-close").addEventListener("click", () => close());
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });

  // While open, the rest of the page is inert: focus stays in the worksheet, and goes back
  // where it was when the worksheet closes.
  let returnTo = null;
  let inerted = [];

  function close() {
    if (root.hidden) return;
    root.hidden = true;
    document.body.classList.remove("worksheet-open");
    for (const element of inerted) element.inert = false;
    inerted = [];
    onClose(returnTo);
    returnTo = null;
  }

  function draw() {
    if (!update) return;
    const { sent, trace, after, loss } = update;
    const empty = blanks.checked;
    const given = (value) => `<span class="ws-num">${formatNumber(value, digits)}</span>`;
    const result = (value) => (empty ? `<span class="ws-blank" aria-label="${t("print.blank")}"></span>`
      : `<span class="ws-num ws-result">${formatNumber(value, digits)}</span>`);
    const f = trace.forward;
    const k = trace.factors;
    const act = sent.options.activation === "sigmoid" ? "σ" : sent.options.activation === "tanh" ? "tanh" : "ReLU";
    const softmax = sent.options.loss === "cross_entropy";
    // a negative number after an operator is bracketed: 0.055 + (−0.019)
    const row = (...cells) => `<p class="ws-line">${cells.map((cell, i) => (
      ["×", "+"].includes(cells[i - 1]) && cell.includes(">−") ? `(${cell})` : cell)).join(" ")}</p>`;

    const setup = [
      ...Object.keys(sent.inputs).map((i) => `${N(i)} = ${given(sent.inputs[i])}`),
      ...Object.keys(sent.targets).map((o) => `${t("print.target")} ${N(o)} = ${given(sent.targets[o])}`),
      ...Object.keys(sent.weights).map((w) => `${N(w)} = ${given(sent.weights[w])}`),
      ...Object.keys(sent.biases).map((b) => `${N(b)} = ${given(sent.biases[b])}`),
      `η = ${given(sent.learning_rate)}`,
    ];
    const forward = [];
    for (const [h, wa, wb] of [["h1", "w1", "w2"], ["h2", "w3", "w4"]]) {
      forward.push(row(`${N(`net_${h}`)} = ${N(wa)}·${N("i1")} + ${N(wb)}·${N("i2")} + ${N("b1")} =`,
        `${given(sent.weights[wa])} × ${given(sent.inputs.i1)} + ${given(sent.weights[wb])} × ${given(sent.inputs.i2)} + ${given(sent.biases.b1)} =`,
        result(f[`net_${h}`])));
      forward.push(row(`${N(`out_${h}`)} = ${act}(${N(`net_${h}`)}) =`, result(f[`out_${h}`])));
    }
    for (const [o, wa, wb] of [["o1", "w5", "w6"], ["o2", "w7", "w8"]]) {
      forward.push(row(`${N(`net_${o}`)} = ${N(wa)}·${N("out_h1")} + ${N(wb)}·${N("out_h2")} + ${N("b2")} =`,
        `${given(sent.weights[wa])} × ${result(f.out_h1)} + ${given(sent.weights[wb])} × ${result(f.out_h2)} + ${given(sent.biases.b2)} =`,
        result(f[`net_${o}`])));
      forward.push(row(`${N(`out_${o}`)} = ${softmax ? "softmax" : act}(${N(`net_${o}`)}) =`, result(f[`out_${o}`])));
    }
    for (const o of ["o1", "o2"]) {
      forward.push(row(`${N(`E_${o}`)} = ${softmax ? `−${t("print.target")}·ln ${N(`out_${o}`)}` : `½(${t("print.target")} − ${N(`out_${o}`)})²`} =`, result(f[`E_${o}`])));
    }
    forward.push(row(`${N("E_total")} = ${N("E_o1")} + ${N("E_o2")} =`, result(f.E_total)));

    const w5 = softmax
      ? [row(`${frac("E_total", "w5")} = δ${"<sub>o1</sub>"} · ${N("out_h1")} =`, result(trace.deltas.o1), "×", result(k.dnet_o1_dw5), "=", result(trace.gradients.w5))]
      : [row(`${frac("E_total", "w5")} = ${frac("E_total", "out_o1")} · ${frac("out_o1", "net_o1")} · ${frac("net_o1", "w5")}`),
        row("=", result(k.dE_dout_o1), "×", result(k.dout_o1_dnet_o1), "×", result(k.dnet_o1_dw5), "=", result(trace.gradients.w5))];
    const w1 = [
      row(`${frac("E_total", "w1")} = ${frac("E_total", "out_h1")} · ${frac("out_h1", "net_h1")} · ${frac("net_h1", "w1")}`),
      row(`${frac("E_o1", "out_h1")} = δ<sub>o1</sub> · ${N("w5")} =`, result(trace.deltas.o1), "×", given(k.dnet_o1_dout_h1), "=", result(k.dE_dout_h1_via_o1)),
      row(`${frac("E_o2", "out_h1")} = δ<sub>o2</sub> · ${N("w7")} =`, result(trace.deltas.o2), "×", given(k.dnet_o2_dout_h1), "=", result(k.dE_dout_h1_via_o2)),
      row(`${frac("E_total", "out_h1")} =`, result(k.dE_dout_h1_via_o1), "+", result(k.dE_dout_h1_via_o2), "=", result(k.dE_dout_h1)),
      row(`${frac("E_total", "w1")} =`, result(k.dE_dout_h1), "×", result(k.dout_h1_dnet_h1), "×", given(k.dnet_h1_dw1), "=", result(trace.gradients.w1)),
    ];
    const trained = [...Object.keys(sent.weights), ...(sent.options.train_biases ? Object.keys(sent.biases) : [])];
    const updates = trained.map((p) => {
      const group = p in sent.weights ? "weights" : "biases";
      return `<tr><th scope="row">${N(p)}</th><td>${given(sent[group][p])}</td><td>${result(trace.gradients[p])}</td><td>${result(after[group][p])}</td></tr>`;
    }).join("");

    sheet.innerHTML = `
      <header class="ws-head">
        <h2>${t("print.title", { iteration: after.iteration })}</h2>
        <p class="ws-name">${t("print.name")} <span class="ws-rule"></span></p>
      </header>
      <section><h3>${t("print.setup")}</h3><p class="ws-setup">${setup.map((s) => `<span>${s}</span>`).join("")}</p></section>
      <section><h3>${t("print.forward")}</h3>${forward.join("")}</section>
      <section><h3>${t("print.chainW5")}</h3>${w5.join("")}</section>
      <section><h3>${t("print.chainW1")}</h3>${w1.join("")}</section>
      <section><h3>${t("print.updates")}</h3>
        <table class="ws-table"><thead><tr><th scope="col">${t("print.parameter")}</th><th scope="col">${t("print.before")}</th>
          <th scope="col">∂E<sub>total</sub>/∂w</th><th scope="col">w<sup>+</sup> = w − η·∂E<sub>total</sub>/∂w</th></tr></thead>
          <tbody>${updates}</tbody></table>
        ${row(`${t("print.after")} ${N("E_total")} =`, result(loss))}
      </section>
      <footer class="ws-foot">${t("print.footer")}</footer>`;
  }

  return {
    /** Show the worksheet of `update` ({sent, trace, after, loss}). */
    open(next, options) {
      update = next;
      digits = options.digits;
      if (root.hidden) {
        returnTo = document.activeElement;
        inerted = [...document.body.children].filter((element) => element !== root && !element.inert);
        for (const element of inerted) element.inert = true;
      }
      root.hidden = false;
      document.body.classList.add("worksheet-open");
      draw();
      root.querySelector("#worksheet-print").focus();
    },
    redraw(options) {
      if (root.hidden) return;
      digits = options.digits;
      draw();
    },
    isOpen: () => !root.hidden,
    close,
  };
}
