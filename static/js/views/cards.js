// Chain-rule cards, typeset in the browser's own MathML. A card writes the chain rule for one
// weight or bias symbolically, then with the numbers of the last update, as the server sent them.

import { exact, formatNumber } from "./format.js";
import { language, t } from "../i18n/index.js";
import { setValue } from "./svg.js";
import { bias, definition, hiddenNames, isBias, isInput, isOutput, layers, pathsOf, weight } from "../state/definition.js";
import { d, DOT, EQ, line, mi, mo, MINUS, name, paren, PLUS, TIMES, updated } from "../math/mathml.js";

// Where each weight sits comes from the network's definition: w5 joins h1 to o1, so
// ∂net_o1/∂w5 = out_h1.

/** A slot for a number; `id` gives it a data-testid (only the first of a card's repeats): a
 * factor one can point at or focus to see where it comes from on the diagram. */
function num(key, id = true) {
  return `<mn data-key="${key}"${id ? ` data-testid="factor-${key}" tabindex="0"` : ""}>…</mn>`;
}
/** A number that may be negative, bracketed when it follows an operator. */
function signed(key, id = true) {
  return `<mrow data-signed="${key}"><mo data-paren-open hidden>(</mo>${num(key, id)}<mo data-paren-close hidden>)</mo></mrow>`;
}
const ONE = "<mn>1</mn>";
const ZERO = "<mn>0</mn>";
const GREATER = mo("&gt;");
const target = (o) => `<msub><mi mathvariant="normal">target</mi><mi mathvariant="normal">${o}</mi></msub>`;
const iverson = (content) => `<mrow><mo>[</mo>${content}<mo>]</mo></mrow>`;

// --- Where each factor comes from: its formula, then its numbers -------------------------------
// Each line: the factor, its formula in the worked example's names, the same with the numbers
// of the last update, and its value (the slot that carries the factor's data-testid).

/** ∂out/∂net of neuron `n` under `activation`. */
function activationSlope(n, activation, id = true) {
  const key = `dout_${n}_dnet_${n}`;
  const head = [d(`out_${n}`, `net_${n}`), EQ];
  if (activation === "tanh") {
    return line(...head, ONE, MINUS, `<msup>${name(`out_${n}`)}<mn>2</mn></msup>`,
      EQ, ONE, MINUS, `<msup>${signed(`out_${n}`, false)}<mn>2</mn></msup>`, EQ, num(key, id));
  }
  if (activation === "relu") {
    return line(...head, iverson(`${name(`net_${n}`)}${GREATER}${ZERO}`),
      EQ, iverson(`${signed(`net_${n}`, false)}${GREATER}${ZERO}`), EQ, num(key, id));
  }
  return line(...head, name(`out_${n}`), paren(`${ONE}${MINUS}${name(`out_${n}`)}`),
    EQ, num(`out_${n}`, false), TIMES, paren(`${ONE}${MINUS}${num(`out_${n}`, false)}`), EQ, num(key, id));
}

/** ∂E_total/∂out_o for the squared error. */
function errorSlope(o, id = true) {
  return line(d("E_total", `out_${o}`), EQ, MINUS, paren(`${target(o)}${MINUS}${name(`out_${o}`)}`),
    EQ, MINUS, paren(`${num(`target_${o}`, false)}${MINUS}${num(`out_${o}`, false)}`), EQ, num(`dE_dout_${o}`, id));
}

/** δ_o of an output: out − target under softmax with cross-entropy, else the chain of two. */
function outputDelta(o, softmax, id = true) {
  if (softmax) {
    return line(name(`δ_${o}`), EQ, d("E_total", `net_${o}`), EQ, name(`out_${o}`), MINUS, target(o),
      EQ, num(`out_${o}`, false), MINUS, num(`target_${o}`, false), EQ, num(`delta_${o}`, id));
  }
  return line(name(`δ_${o}`), EQ, d("E_total", `out_${o}`), DOT, d(`out_${o}`, `net_${o}`),
    EQ, num(`dE_dout_${o}`, false), TIMES, signed(`dout_${o}_dnet_${o}`, false), EQ, num(`delta_${o}`, id));
}

/** δ_h of a hidden neuron. */
function hiddenDelta(h, id = true) {
  return line(name(`δ_${h}`), EQ, d("E_total", `out_${h}`), DOT, d(`out_${h}`, `net_${h}`),
    EQ, signed(`dE_dout_${h}`, false), TIMES, signed(`dout_${h}_dnet_${h}`, false), EQ, num(`delta_${h}`, id));
}

// --- One card per parameter --------------------------------------------------------------------

function outputWeightCard(w, { softmax, activation }) {
  const { from: h, to: o } = weight(w);
  const rows = [];
  const input = line(d(`net_${o}`, w), EQ, name(`out_${h}`), EQ, num(`dnet_${o}_d${w}`));
  if (softmax) {
    rows.push(line(d("E_total", w), EQ, d("E_total", `net_${o}`), DOT, d(`net_${o}`, w)));
    rows.push(`<div class="card-derivation">${outputDelta(o, true)}${input}</div>`);
    rows.push(line(d("E_total", w), EQ, name(`δ_${o}`), DOT, name(`out_${h}`), EQ, num(`delta_${o}`, false),
      TIMES, num(`dnet_${o}_d${w}`, false), EQ, num(`gradient_${w}`)));
  } else {
    rows.push(line(d("E_total", w), EQ, d("E_total", `out_${o}`), DOT, d(`out_${o}`, `net_${o}`), DOT, d(`net_${o}`, w)));
    rows.push(`<div class="card-derivation">${errorSlope(o)}${activationSlope(o, activation)}${input}</div>`);
    rows.push(line(EQ, num(`dE_dout_${o}`, false), TIMES, signed(`dout_${o}_dnet_${o}`, false), TIMES,
      signed(`dnet_${o}_d${w}`, false), EQ, num(`gradient_${w}`)));
  }
  return rows;
}

const sum = (terms) => terms.flatMap((term, k) => (k ? [PLUS, term] : [term]));
const layerOf = (n) => layers().findIndex((layer) => layer.includes(n));

/** ∂E_total/∂out_n of hidden `n`, summed over its paths through the layer above, in names and
 * in numbers (each path's δ times the weight it crosses). */
function pathSum(n, updatedDeltas) {
  const paths = pathsOf(n);
  return line(d("E_total", `out_${n}`), EQ, ...sum(paths.map((p) => `${name(`δ_${p.through}`)}${DOT}${updatedDeltas ? updated(p.weight) : name(p.weight)}`)))
    + line(EQ, ...sum(paths.map((p, k) => `${k ? signed(`delta_${p.through}`, false) : num(`delta_${p.through}`, false)}${TIMES}${signed(p.local, false)}`)),
      EQ, num(`dE_dout_${n}`));
}

/** The δ of every neuron of the layers above layer `index` + 1, each from the layer above it:
 * what the paths from a neuron of layer `index` run through, when they run through more than
 * the outputs. None in the worked example, whose paths end at the outputs. */
function deltasAbove(index, { softmax, updatedDeltas }) {
  const all = layers();
  const last = all.length - 1;
  if (index + 1 >= last) return [];
  const rows = [];
  for (const o of all[last]) rows.push(outputDelta(o, softmax));
  for (let layer = last - 1; layer > index; layer -= 1) {
    for (const n of all[layer]) rows.push(pathSum(n, updatedDeltas), hiddenDelta(n));
  }
  // folded on a laptop and a phone (one click opens it), a page at a time on the projector
  return [`<details class="card-above"><summary class="card-note">${t("cards.above")}</summary>
    <div class="card-derivation">${rows.join("")}</div></details>`];
}

function hiddenWeightCard(w, { softmax, activation, updatedDeltas }) {
  const { from: i, to: h } = weight(w);
  // one path from out_h to E_total through each neuron its weights feed
  const paths = pathsOf(h);
  // an output's δ comes with its path; a hidden neuron's was derived above
  const path = ({ through: o, weight: via, factor, local }) => (isOutput(o)
    ? `${outputDelta(o, softmax)}${line(d(`net_${o}`, `out_${h}`), EQ,
      updatedDeltas ? updated(via) : name(via), EQ, num(local))}${line(d(`E_${o}`, `out_${h}`), EQ, name(`δ_${o}`), DOT,
      d(`net_${o}`, `out_${h}`), EQ, num(`delta_${o}`, false), TIMES, signed(local, false), EQ, num(factor))}`
    : `${line(d(`net_${o}`, `out_${h}`), EQ, updatedDeltas ? updated(via) : name(via), EQ, num(local))}${line(name(`δ_${o}`), DOT,
      d(`net_${o}`, `out_${h}`), EQ, num(`delta_${o}`, false), TIMES, signed(local, false), EQ, num(factor))}`);
  const term = (p) => (isOutput(p.through) ? d(`E_${p.through}`, `out_${h}`) : `${name(`δ_${p.through}`)}${DOT}${d(`net_${p.through}`, `out_${h}`)}`);
  const through = paths.map((p) => p.through);
  const note = through.length === 2 && through.every(isOutput) && through.join() === "o1,o2"
    ? t("cards.twoPaths", { h: `out<sub>${h}</sub>` })
    : t("cards.paths", { h: `out<sub>${h}</sub>`, through: through.join(", ") });
  return [
    line(d("E_total", w), EQ, d("E_total", `out_${h}`), DOT, d(`out_${h}`, `net_${h}`), DOT, d(`net_${h}`, w)),
    ...deltasAbove(layerOf(h), { softmax, updatedDeltas }),
    `<p class="card-note">${note}</p>`,
    `<div class="card-derivation">
      ${line(d("E_total", `out_${h}`), EQ, ...sum(paths.map(term)))}
      ${paths.map(path).join("")}
      ${line(d("E_total", `out_${h}`), EQ, ...sum(paths.map((p, k) => (k ? signed(p.factor, false) : num(p.factor, false)))),
        EQ, num(`dE_dout_${h}`))}
      ${activationSlope(h, activation)}
      ${line(d(`net_${h}`, w), EQ, name(i), EQ, num(`dnet_${h}_d${w}`))}
    </div>`,
    line(d("E_total", w), EQ, signed(`dE_dout_${h}`, false), TIMES, signed(`dout_${h}_dnet_${h}`, false), TIMES,
      signed(`dnet_${h}_d${w}`, false), EQ, num(`gradient_${w}`)),
  ];
}

function biasCard(b, { softmax, updatedDeltas }) {
  const fed = bias(b).to;
  const [n1, n2] = fed;
  const hidden = !isOutput(n1);
  const index = layerOf(n1);
  // a hidden layer below the last one: each δ from the paths through the layer above
  const fromAbove = hidden && index + 1 < layers().length - 1;
  const delta = (n) => (hidden ? `${fromAbove ? pathSum(n, updatedDeltas) : ""}${hiddenDelta(n)}` : outputDelta(n, softmax));
  const note = fed.length === 2 ? t("cards.bias", { b, n1, n2 }) : t("cards.biasLayer", { b, neurons: fed.join(", ") });
  return [
    `<p class="card-note">${note}</p>`,
    line(d("E_total", b), EQ, ...sum(fed.map((n) => `${d("E_total", `net_${n}`)}${DOT}${mn1()}`))),
    ...deltasAbove(index, { softmax, updatedDeltas }),
    `<div class="card-derivation">${fed.map(delta).join("")}</div>`,
    line(EQ, ...sum(fed.map((n) => name(`δ_${n}`))), EQ,
      ...sum(fed.map((n, k) => (k ? signed(`delta_${n}`, false) : num(`delta_${n}`, false)))), EQ, num(`gradient_${b}`)),
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
    const fed = bias(p).to;
    return fed.length === 2 ? t("cards.biasOf", { n1: fed[0], n2: fed[1] }) : t("cards.biasOfLayer", { neurons: fed.join(", ") });
  }
  const { from, to } = weight(p);
  const layer = (n) => t(`layer.${isInput(n) ? "i" : isOutput(n) ? "o" : "h"}`);
  return t("cards.joins", { from, to, fromLayer: layer(from), toLayer: layer(to) });
}

/** The card of parameter `p` under `mode` ({softmax, activation, updatedDeltas}), as markup
 * whose number slots name their keys (data-key). */
export function cardHtml(p, mode) {
  let rows;
  if (isBias(p)) rows = biasCard(p, mode);
  else if (isOutput(weight(p).to)) rows = outputWeightCard(p, mode);
  else rows = hiddenWeightCard(p, mode);
  return `
    <header class="card-head">
      <h3 class="card-title"><span class="card-param">${p}</span> <span class="card-where">${where(p)}</span></h3>
      <span class="card-page" data-testid="card-page" hidden></span>
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

/** The number of `key` in `view`'s last update (a card's slot). */
export function lookup(key, view) {
  const { last } = view;
  const { trace, sent } = last;
  if (key === "eta") return sent.learning_rate;
  const [kind, rest] = [key.split("_")[0], key.slice(key.indexOf("_") + 1)];
  if (kind === "gradient") return trace.gradients[rest];
  if (kind === "delta") return trace.deltas[rest];
  if (kind === "old") return rest in sent.weights ? sent.weights[rest] : sent.biases[rest];
  if (kind === "out" || kind === "net") return trace.forward[key];
  if (kind === "target") return sent.targets[rest];
  if (kind === "new") {
    const state = view.state;
    return rest in state.weights ? state.weights[rest] : state.biases[rest];
  }
  return trace.factors[key];
}

/** The diagram's cells (data-testid) a number of the cards comes from. */
export function sourcesOf(key) {
  const [kind, rest] = [key.split("_")[0], key.slice(key.indexOf("_") + 1)];
  const param = (p) => (isBias(p) ? `bias-${p}` : `weight-${p}`);
  let match;
  if (kind === "out" || kind === "net" || kind === "target") return [`${kind}-${rest}`];
  if (kind === "delta") return [`delta-${rest}`];
  if (kind === "gradient") return [`grad-${rest}`];
  if (kind === "old" || kind === "new") return [param(rest)];
  if (key === "eta") return [];
  const path = hiddenNames().flatMap(pathsOf).find((p) => p.factor === key || p.local === key);
  if (path) return key === path.local ? [`weight-${path.weight}`] : [`delta-${path.through}`, `weight-${path.weight}`];
  if ((match = /^dE_dout_(\w+)$/.exec(key))) {
    const n = match[1];
    return isOutput(n) ? [`out-${n}`, `target-${n}`] : pathsOf(n).flatMap((p) => [`delta-${p.through}`, `weight-${p.weight}`]);
  }
  if ((match = /^dout_(\w+)_dnet_\w+$/.exec(key))) return [`out-${match[1]}`, `net-${match[1]}`];
  if ((match = /^dnet_(\w+)_d(\w+)$/.exec(key)) && weight(match[2])) {
    const { from } = weight(match[2]);
    return [isInput(from) ? `value-${from}` : `out-${from}`];
  }
  return [];
}

// --- Pages: a card taller than the room for it is shown a page at a time --------------------

/** The parts of a card's body a page break may fall between, in reading order (the update,
 * its note and its two lines, stays whole). */
function atomsOf(element) {
  return [...element.querySelectorAll(
    ".card-body > :not(.card-derivation, .card-above), .card-above > summary, .card-derivation > *")]
    .filter((atom) => !atom.hidden);
}

/** Split the card `element` into pages that each fit above `limit` (a y on screen); show page
 * `index` (clamped) and return {index, count}. */
function paginate(element, index, limit) {
  const atoms = atomsOf(element);
  for (const part of element.querySelectorAll(".off-page")) part.classList.remove("off-page");
  const heightOf = (atom) => {
    const style = getComputedStyle(atom);
    return atom.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
  };
  const heights = atoms.map(heightOf);
  const whole = element.getBoundingClientRect();
  const chrome = whole.height - heights.reduce((a, b) => a + b, 0); // head, borders, padding
  let budget = limit - whole.top - chrome;
  let pages = [];
  for (let attempt = 0; attempt < 4; attempt += 1) {
    pages = [[]];
    let used = 0;
    atoms.forEach((atom, k) => {
      if (used + heights[k] > budget && pages.at(-1).length) {
        pages.push([]);
        used = 0;
      }
      pages.at(-1).push(atom);
      used += heights[k];
    });
    index = Math.min(Math.max(index, 0), pages.length - 1);
    show(element, atoms, pages[index]);
    // the page's own layout (a container's border, a margin) may differ from the sum: check it
    const over = element.getBoundingClientRect().bottom - limit;
    if (over <= 0.5 || pages[index].length === 1) break;
    budget -= over;
  }
  return { index, count: pages.length };
}

/** Show only `shown` of a card's `atoms`, and the containers that hold one of them. */
function show(element, atoms, shown) {
  const on = new Set(shown);
  for (const atom of atoms) atom.classList.toggle("off-page", !on.has(atom));
  for (const box of element.querySelectorAll(".card-derivation")) {
    box.classList.toggle("off-page", ![...box.children].some((child) => on.has(child)));
  }
  for (const fold of element.querySelectorAll(".card-above")) {
    fold.classList.toggle("off-page", ![...fold.querySelectorAll("summary, .card-derivation > *")].some((atom) => on.has(atom)));
  }
}

function unpaginate(element) {
  for (const part of element.querySelectorAll(".off-page")) part.classList.remove("off-page");
}

export function createCards(container, { onClose, onLink = () => {}, onStage = () => {} }) {
  const cards = new Map(); // parameter -> {element, key}
  let paging = null; // {card, page, count}: the card shown a page at a time, where it is

  container.addEventListener("click", (event) => {
    const button = event.target.closest("[data-close]");
    if (button) onClose(button.dataset.close);
    else if (paging && event.target.closest(".card")?.dataset.param === paging.card) onStage(paging.card);
  });
  // pointing at a number or focusing a factor marks where it comes from on the diagram
  let linked = null;
  let by = null; // "pointer" or "focus": what marked it, and so what may unmark it
  const slotOf = (target) => target?.closest?.("mn[data-key]") ?? null;
  const link = (slot, source) => {
    by = slot ? source : null;
    if (slot === linked) return;
    linked?.removeAttribute("data-linked");
    linked = slot;
    slot?.setAttribute("data-linked", "true");
    onLink(slot ? sourcesOf(slot.dataset.key) : []);
  };
  const focused = () => (container.contains(document.activeElement) ? slotOf(document.activeElement) : null);
  container.addEventListener("pointerover", (event) => {
    const slot = slotOf(event.target);
    if (slot) link(slot, "pointer");
    else if (by === "pointer") link(focused(), "focus");
  });
  container.addEventListener("pointerleave", () => {
    if (by === "pointer") link(focused(), "focus");
  });
  container.addEventListener("focusin", (event) => link(slotOf(event.target), "focus"));
  container.addEventListener("focusout", () => {
    if (by === "focus") link(null, null);
  });

  function ensure(p, mode, index) {
    let card = cards.get(p);
    const key = JSON.stringify(mode);
    // written anew for other options, another language or another network
    if (!card || card.key !== key || card.language !== language() || card.definition !== definition()) {
      const element = card ? card.element : document.createElement("article");
      element.className = "card";
      element.dataset.param = p;
      element.setAttribute("data-testid", `card-${p}`);
      element.setAttribute("aria-label", t("cards.label", { p }));
      element.innerHTML = cardHtml(p, mode);
      card = { element, key, language: language(), definition: definition() };
      cards.set(p, card);
    }
    if (container.children[index] !== card.element) container.insertBefore(card.element, container.children[index] ?? null);
    return card;
  }

  /** Show the cards of `open` (in order) with the numbers of `view`. `stage`: the card on the
   * stage and its page ({card, page}) or null; `paged`: the first card (or the one on the stage)
   * alone, split into pages that fit in the explanation's room (presentation). */
  function render(open, view, { digits, flash, stage = null, paged = false }) {
    for (const [p, card] of cards) {
      if (!open.includes(p)) {
        card.element.remove();
        cards.delete(p);
      }
    }
    const { options } = view.last ? view.last.sent : view.state;
    const mode = {
      softmax: options.loss === "cross_entropy",
      activation: options.activation,
      updatedDeltas: options.hidden_deltas_use === "updated",
    };
    open.forEach((p, index) => {
      const { element } = ensure(p, mode, index);
      const last = view.last;
      element.classList.toggle("pending", !last);
      // paged on the projector, the δ of the layers above are read page by page
      if (paged) for (const fold of element.querySelectorAll("details.card-above")) fold.open = true;
      const folded = element.querySelector("details.card-above:not([open])");
      for (const slot of element.querySelectorAll("mn[data-key]")) {
        // with no update yet, every number is blank: nothing stale behind "press Step"
        const value = last ? lookup(slot.dataset.key, view) : null;
        const withheld = value === null && last && view.withheld?.size; // the class is answering
        // a number folded away is not drawn: it changes without a flash
        setValue(slot, withheld ? "?" : formatNumber(value, digits), exact(value), flash && !folded?.contains(slot));
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
    const current = stage && open.includes(stage.card) ? stage.card : open[0];
    for (const [p, { element }] of cards) element.classList.toggle("current", p === current);
    paging = paged && current ? { card: current, page: stage?.card === current ? stage.page : 0, staged: stage?.card === current } : null;
    layout();
  }

  /** Lay the card being paged out again (the room for it changed, or its page). */
  function layout() {
    for (const [p, { element }] of cards) {
      const indicator = element.querySelector(".card-page");
      if (!paging || p !== paging.card) {
        unpaginate(element);
        indicator.hidden = true;
        continue;
      }
      const room = container.closest(".explain") ?? container;
      const panel = container.closest(".cards-panel") ?? container;
      const below = parseFloat(getComputedStyle(panel).paddingBottom) + parseFloat(getComputedStyle(panel).borderBottomWidth)
        + parseFloat(getComputedStyle(container).paddingBottom);
      // the page number holds its place in the head whether or not it is needed
      indicator.hidden = false;
      const { index, count } = paginate(element, paging.page, room.getBoundingClientRect().bottom - below);
      paging.count = count;
      element.dataset.page = String(index);
      element.dataset.pages = String(count);
      indicator.style.visibility = count < 2 ? "hidden" : "";
      indicator.textContent = t(paging.staged ? "cards.pageKeys" : "cards.page", { k: index + 1, n: count });
    }
  }
  new ResizeObserver(() => { if (paging) layout(); }).observe(container.closest(".explain") ?? container);

  /** The pages of the card being paged (1 when none is). */
  function pageCount() {
    return paging ? paging.count ?? 1 : 1;
  }

  function highlight(p) {
    const card = cards.get(p);
    if (!card) return;
    // a card shown a page at a time is in place already; inside a panel that scrolls, only that
    // panel moves; else the page does
    const panel = card.element.closest(".explain");
    if (paging) {
      // nothing moves
    } else if (panel && panel.scrollHeight > panel.clientHeight && getComputedStyle(panel).overflowY !== "visible") {
      const top = card.element.getBoundingClientRect().top - panel.getBoundingClientRect().top + panel.scrollTop;
      panel.scrollTo({ top: top - 4, behavior: "smooth" });
    } else {
      card.element.scrollIntoView({ block: "start", behavior: "smooth" });
    }
    card.element.animate?.(
      [{ boxShadow: "0 0 0 6px rgba(255, 196, 0, 0.95)" }, { boxShadow: "0 0 0 6px rgba(255, 196, 0, 0)" }],
      { duration: 1400, easing: "ease-out" },
    );
  }

  return { render, highlight, pageCount };
}
