// The worksheet: one iteration on paper (the forward pass, the chain rule for w5 and w1, every
// update) with the server's numbers, or with blanks for students to fill in. It prints on A4 and
// Letter alike: the page's own margins, a column narrower than both.

import { formatNumber } from "./format.js";
import { t } from "../i18n/index.js";
import { biasOf, factorsOf, isInput, layers, passedOn, pathsOf, weightsInto } from "../state/definition.js";

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
    // the forward pass, neuron by neuron from the network's definition: what an input layer
    // passes on is given, what a neuron passes on is a result to fill in
    const passed = (neuron) => (isInput(neuron) ? given(sent.inputs[neuron]) : result(f[`out_${neuron}`]));
    const forward = [];
    const all = layers();
    const outputs = all[all.length - 1];
    all.slice(1).forEach((neurons, l) => {
      const last = l === all.length - 2;
      for (const n of neurons) {
        const into = weightsInto(n);
        const bias = biasOf(n);
        forward.push(row(`${N(`net_${n}`)} = ${into.map((e) => `${N(e.name)}·${N(passedOn(e.from))}`).join(" + ")} + ${N(bias)} =`,
          `${into.map((e) => `${given(sent.weights[e.name])} × ${passed(e.from)}`).join(" + ")} + ${given(sent.biases[bias])} =`,
          result(f[`net_${n}`])));
        forward.push(row(`${N(`out_${n}`)} = ${last && softmax ? "softmax" : act}(${N(`net_${n}`)}) =`, result(f[`out_${n}`])));
      }
    });
    for (const o of outputs) {
      forward.push(row(`${N(`E_${o}`)} = ${softmax ? `−${t("print.target")}·ln ${N(`out_${o}`)}` : `½(${t("print.target")} − ${N(`out_${o}`)})²`} =`, result(f[`E_${o}`])));
    }
    forward.push(row(`${N("E_total")} = ${outputs.map((o) => N(`E_${o}`)).join(" + ")} =`, result(f.E_total)));

    // the chain rule of the worksheet's two weights: the first into the first output (w5), the
    // first into the first hidden neuron (w1)
    const interleave = (cells, separator) => cells.flatMap((cell, k) => (k ? [separator, cell] : [cell]));
    const outputWeight = weightsInto(outputs[0])[0];
    const [wo, o, ho] = [outputWeight.name, outputWeight.to, outputWeight.from];
    const [dE, dOut, dNet] = factorsOf(wo);
    const outputChain = softmax
      ? [row(`${frac("E_total", wo)} = δ<sub>${o}</sub> · ${N(passedOn(ho))} =`, result(trace.deltas[o]), "×", result(k[dNet]), "=", result(trace.gradients[wo]))]
      : [row(`${frac("E_total", wo)} = ${frac("E_total", `out_${o}`)} · ${frac(`out_${o}`, `net_${o}`)} · ${frac(`net_${o}`, wo)}`),
        row("=", result(k[dE]), "×", result(k[dOut]), "×", result(k[dNet]), "=", result(trace.gradients[wo]))];
    const hiddenWeight = weightsInto(all[1][0])[0];
    const [wh, h] = [hiddenWeight.name, hiddenWeight.to];
    const [, dOutH, dNetH] = factorsOf(wh);
    const paths = pathsOf(h);
    const hiddenChain = [
      row(`${frac("E_total", wh)} = ${frac("E_total", `out_${h}`)} · ${frac(`out_${h}`, `net_${h}`)} · ${frac(`net_${h}`, wh)}`),
      ...paths.map((p) => row(`${frac(`E_${p.through}`, `out_${h}`)} = δ<sub>${p.through}</sub> · ${N(p.weight)} =`,
        result(trace.deltas[p.through]), "×", given(k[p.local]), "=", result(k[p.factor]))),
      row(`${frac("E_total", `out_${h}`)} =`, ...interleave(paths.map((p) => result(k[p.factor])), "+"), "=", result(k[`dE_dout_${h}`])),
      row(`${frac("E_total", wh)} =`, result(k[`dE_dout_${h}`]), "×", result(k[dOutH]), "×", given(k[dNetH]), "=", result(trace.gradients[wh])),
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
      <section><h3>${t("print.chainW5")}</h3>${outputChain.join("")}</section>
      <section><h3>${t("print.chainW1")}</h3>${hiddenChain.join("")}</section>
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
