// Chain-rule cards, typeset in the browser's own MathML. A card writes the chain rule for one
// weight or bias symbolically, then with the numbers of the last update, as the server sent them.

import { exact, formatNumber } from "./format.js";
import { language, t } from "../i18n/index.js";
import { setValue } from "./svg.js";
import { bias, isBias, weight } from "../state/definition.js";
import { d, DOT, EQ, line, mi, MINUS, name, PLUS, TIMES, updated } from "../math/mathml.js";

// Where each weight sits comes from the network's definition: w5 joins h1 to o1, so
// ∂net_o1/∂w5 = out_h1.

/** A slot for a number; `id` gives it a data-testid (only the first of a card's repeats). */
function num(key, id = true) {
  return `<mn data-key="${key}"${id ? ` data-testid="factor-${key}"` : ""}>…</mn>`;
}
/** A number that may be negative, bracketed when it follows an operator. */
function signed(key, id = true) {
  return `<mrow data-signed="${key}"><mo data-paren-open hidden>(</mo>${num(key, id)}<mo data-paren-close hidden>)</mo></mrow>`;
}

// --- One card per parameter --------------------------------------------------------------------

function outputWeightCard(w, softmax) {
  const { from: h, to: o } = weight(w);
  const rows = [];
  if (softmax) {
    rows.push(line(d("E_total", w), EQ, d("E_total", `net_${o}`), DOT, d(`net_${o}`, w)));
    rows.push(line(EQ, name(`δ_${o}`), DOT, name(`out_${h}`), EQ, num(`delta_${o}`), TIMES, num(`dnet_${o}_d${w}`)));
  } else {
    rows.push(line(d("E_total", w), EQ, d("E_total", `out_${o}`), DOT, d(`out_${o}`, `net_${o}`), DOT, d(`net_${o}`, w)));
    rows.push(line(EQ, num(`dE_dout_${o}`), TIMES, signed(`dout_${o}_dnet_${o}`), TIMES, signed(`dnet_${o}_d${w}`)));
  }
  rows.push(line(EQ, num(`gradient_${w}`)));
  return rows;
}

function hiddenWeightCard(w) {
  const { from: i, to: h } = weight(w);
  return [
    line(d("E_total", w), EQ, d("E_total", `out_${h}`), DOT, d(`out_${h}`, `net_${h}`), DOT, d(`net_${h}`, w)),
    `<p class="card-note">${t("cards.twoPaths", { h: `out<sub>${h}</sub>` })}</p>`,
    line(d("E_total", `out_${h}`), EQ, d("E_o1", `out_${h}`), PLUS, d("E_o2", `out_${h}`)),
    line(d("E_o1", `out_${h}`), EQ, d("E_o1", "net_o1"), DOT, d("net_o1", `out_${h}`)),
    line(EQ, num("delta_o1"), TIMES, signed(`dnet_o1_dout_${h}`), EQ, num(`dE_o1_dout_${h}`)),
    line(d("E_o2", `out_${h}`), EQ, d("E_o2", "net_o2"), DOT, d("net_o2", `out_${h}`)),
    line(EQ, num("delta_o2"), TIMES, signed(`dnet_o2_dout_${h}`), EQ, num(`dE_o2_dout_${h}`)),
    line(d("E_total", `out_${h}`), EQ, num(`dE_o1_dout_${h}`, false), PLUS, signed(`dE_o2_dout_${h}`, false),
      EQ, num(`dE_dout_${h}`)),
    line(d("E_total", w), EQ, signed(`dE_dout_${h}`, false), TIMES, signed(`dout_${h}_dnet_${h}`), TIMES,
      signed(`dnet_${h}_d${w}`)),
    line(EQ, num(`gradient_${w}`)),
  ];
}

function biasCard(b) {
  const [n1, n2] = bias(b).to;
  return [
    `<p class="card-note">${t("cards.bias", { b, n1, n2 })}</p>`,
    line(d("E_total", b), EQ, d("E_total", `net_${n1}`), DOT, mn1(), PLUS, d("E_total", `net_${n2}`), DOT, mn1()),
    line(EQ, name(`δ_${n1}`), PLUS, name(`δ_${n2}`), EQ, num(`delta_${n1}`), PLUS, signed(`delta_${n2}`), EQ, num(`gradient_${b}`)),
  ];
}
function mn1() {
  return "<mn>1</mn>";
}

function updateLines(p) {
  return `<div class="card-update">
      <p class="card-note">${t("cards.update")}</p>
      ${line(updated(p), EQ, name(p), MINUS, mi("η"), DOT, d("E_total", p))}
      ${line(EQ, num(`old_${p}`), MINUS, num("eta"), TIMES, signed(`gradient_${p}`, false), EQ, num(`new_${p}`))}
    </div>`;
}


/** "bias of h1 and h2", "joins h1 (hidden) to o1 (output)". */
function where(p) {
  if (isBias(p)) {
    const [n1, n2] = bias(p).to;
    return t("cards.biasOf", { n1, n2 });
  }
  const { from, to } = weight(p);
  return t("cards.joins", { from, to, fromLayer: t(`layer.${from[0]}`), toLayer: t(`layer.${to[0]}`) });
}

function cardHtml(p, softmax) {
  let rows;
  if (isBias(p)) rows = biasCard(p);
  else if (weight(p).to.startsWith("o")) rows = outputWeightCard(p, softmax);
  else rows = hiddenWeightCard(p);
  return `
    <header class="card-head">
      <h3 class="card-title"><span class="card-param">${p}</span> <span class="card-where">${where(p)}</span></h3>
      <button type="button" class="card-close" data-close="${p}" aria-label="${t("cards.close", { p })}">×</button>
    </header>
    <p class="card-pending">${t("cards.pending")}</p>
    <div class="card-body">
      ${rows.join("\n")}
      ${updateLines(p)}
      <p class="card-note card-fixed" hidden>${t("cards.fixed", { p })}</p>
      <p class="card-note card-diverged" hidden>${t("cards.diverged")}</p>
    </div>`;
}

// --- Where each number comes from ------------------------------------------------------------

function lookup(key, view) {
  const { last } = view;
  const { trace, sent } = last;
  if (key === "eta") return sent.learning_rate;
  const [kind, rest] = [key.split("_")[0], key.slice(key.indexOf("_") + 1)];
  if (kind === "gradient") return trace.gradients[rest];
  if (kind === "delta") return trace.deltas[rest];
  if (kind === "old") return rest in sent.weights ? sent.weights[rest] : sent.biases[rest];
  if (kind === "new") {
    const state = view.state;
    return rest in state.weights ? state.weights[rest] : state.biases[rest];
  }
  return trace.factors[key];
}

export function createCards(container, { onClose }) {
  const cards = new Map(); // parameter -> {element, softmax}

  container.addEventListener("click", (event) => {
    const button = event.target.closest("[data-close]");
    if (button) onClose(button.dataset.close);
  });

  function ensure(p, softmax, index) {
    let card = cards.get(p);
    if (!card || card.softmax !== softmax || card.language !== language()) {
      const element = card ? card.element : document.createElement("article");
      element.className = "card";
      element.setAttribute("data-testid", `card-${p}`);
      element.setAttribute("aria-label", t("cards.label", { p }));
      element.innerHTML = cardHtml(p, softmax);
      card = { element, softmax, language: language() };
      cards.set(p, card);
    }
    if (container.children[index] !== card.element) container.insertBefore(card.element, container.children[index] ?? null);
    return card;
  }

  /** Show the cards of `open` (in order) with the numbers of `view`. */
  function render(open, view, { digits, flash }) {
    for (const [p, card] of cards) {
      if (!open.includes(p)) {
        card.element.remove();
        cards.delete(p);
      }
    }
    const softmax = view.state.options.loss === "cross_entropy";
    open.forEach((p, index) => {
      const { element } = ensure(p, softmax, index);
      const last = view.last;
      element.classList.toggle("pending", !last);
      for (const slot of element.querySelectorAll("mn[data-key]")) {
        // with no update yet, every number is blank: nothing stale behind "press Step"
        const value = last ? lookup(slot.dataset.key, view) : null;
        setValue(slot, formatNumber(value, digits), exact(value), flash);
      }
      if (!last) return;
      for (const group of element.querySelectorAll("[data-signed]")) {
        const value = lookup(group.dataset.signed, view);
        const bracket = typeof value === "number" && value < 0;
        group.querySelector("[data-paren-open]").toggleAttribute("hidden", !bracket);
        group.querySelector("[data-paren-close]").toggleAttribute("hidden", !bracket);
      }
      const fixed = isBias(p) && !last.sent.options.train_biases;
      const diverged = Boolean(last.diverged);
      element.querySelector(".card-fixed").hidden = !fixed;
      element.querySelector(".card-update").hidden = fixed || diverged;
      element.querySelector(".card-diverged").hidden = !diverged;
      element.classList.toggle("fixed", fixed);
    });
  }

  function highlight(p) {
    const card = cards.get(p);
    if (!card) return;
    card.element.scrollIntoView({ block: "nearest", behavior: "smooth" });
    card.element.animate?.(
      [{ boxShadow: "0 0 0 6px rgba(255, 196, 0, 0.95)" }, { boxShadow: "0 0 0 6px rgba(255, 196, 0, 0)" }],
      { duration: 1400, easing: "ease-out" },
    );
  }

  return { render, highlight };
}
