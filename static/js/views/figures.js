// The published figures, reconciled: every figure the worked example and its Chinese retelling
// print, the app's value beside it (from the server's answers), whether the two agree at the
// printed digits, and where not, why; a button sets the options and iteration that reproduce it.

import { exact, formatCount } from "./format.js";
import { t } from "../i18n/index.js";

// Where the app's values come from: one server answer each (the worked example, with the rule
// for the hidden deltas named, after `iterations` updates).
export const SOURCES = {
  start: { rule: "original", iterations: 0 }, // /api/reset
  first: { rule: "original", iterations: 1, step: true }, // /api/step from iteration 0
  firstUpdated: { rule: "updated", iterations: 1, step: true },
  pass10000: { rule: "original", iterations: 9999 }, // /api/epoch: E of the 10,000th forward pass
  after10000: { rule: "original", iterations: 10000 },
  after10000Updated: { rule: "updated", iterations: 10000 },
};

// [id, quantity, published, where the app's value is, the one that reproduces it (if another), why]
const F = (id, quantity, published, at, reproduce = null, why = null) => ({ id, quantity, published, at, reproduce, why });
const POST = [
  F("net_h1", "net_h1", "0.3775", ["start", "forward.net_h1"]),
  F("out_h1", "out_h1", "0.593269992", ["start", "forward.out_h1"]),
  F("out_h2", "out_h2", "0.596884378", ["start", "forward.out_h2"]),
  F("net_o1", "net_o1", "1.105905967", ["start", "forward.net_o1"]),
  F("out_o1", "out_o1", "0.75136507", ["start", "forward.out_o1"]),
  F("out_o2", "out_o2", "0.772928465", ["start", "forward.out_o2"]),
  F("E_o1", "E_o1", "0.274811083", ["start", "forward.E_o1"]),
  F("E_o2", "E_o2", "0.023560026", ["start", "forward.E_o2"]),
  F("E_total", "E_total", "0.298371109", ["start", "forward.E_total"]),
  F("dE_dout_o1", "∂E_total/∂out_o1", "0.74136507", ["first", "trace.factors.dE_dout_o1"]),
  F("dout_o1_dnet_o1", "∂out_o1/∂net_o1", "0.186815602", ["first", "trace.factors.dout_o1_dnet_o1"]),
  F("dE_dw5", "∂E_total/∂w5", "0.082167041", ["first", "trace.gradients.w5"]),
  F("w5", "w5⁺", "0.35891648", ["first", "state.weights.w5"]),
  F("w6", "w6⁺", "0.408666186", ["first", "state.weights.w6"]),
  F("w7", "w7⁺", "0.511301270", ["first", "state.weights.w7"]),
  F("w8", "w8⁺", "0.561370121", ["first", "state.weights.w8"]),
  F("dE_dout_h1_via_o1", "∂E_o1/∂out_h1", "0.055399425", ["first", "trace.factors.dE_dout_h1_via_o1"]),
  F("dE_dout_h1_via_o2", "∂E_o2/∂out_h1", "−0.019049119", ["first", "trace.factors.dE_dout_h1_via_o2"], null, "rounded"),
  F("dE_dout_h1", "∂E_total/∂out_h1", "0.036350306", ["first", "trace.factors.dE_dout_h1"]),
  F("dout_h1_dnet_h1", "∂out_h1/∂net_h1", "0.241300709", ["first", "trace.factors.dout_h1_dnet_h1"]),
  F("dE_dw1", "∂E_total/∂w1", "0.000438568", ["first", "trace.gradients.w1"]),
  F("w1", "w1⁺", "0.149780716", ["first", "state.weights.w1"]),
  F("w2", "w2⁺", "0.19956143", ["first", "state.weights.w2"]),
  F("w3", "w3⁺", "0.24975114", ["first", "state.weights.w3"]),
  F("w4", "w4⁺", "0.29950229", ["first", "state.weights.w4"]),
  F("E_1", "E_total (1)", "0.291027924", ["first", "loss"], ["firstUpdated", "loss"], "updated"),
  F("E_10000", "E_total (10,000)", "0.0000351085", ["after10000", "loss"], ["pass10000", "loss"], "pass"),
  F("out_o1_10000", "out_o1 (10,000)", "0.015912196", ["after10000", "forward.out_o1"], ["after10000Updated", "forward.out_o1"], "updated_end"),
  F("out_o2_10000", "out_o2 (10,000)", "0.984065734", ["after10000", "forward.out_o2"], ["after10000Updated", "forward.out_o2"], "updated_end"),
];
const SEED = [
  F("seed_E_total", "E_total", "0.298371109", ["start", "forward.E_total"]),
  F("seed_out_o1", "out_o1", "0.75136079", ["start", "forward.out_o1"], null, "slip"),
  F("seed_out_o2", "out_o2", "0.772928465", ["start", "forward.out_o2"]),
  F("seed_E_1", "E_total (1)", "0.291027924", ["first", "loss"], ["firstUpdated", "loss"], "updated"),
  F("seed_E_10000", "E_total (10,000)", "0.000035085", ["after10000", "loss"], ["pass10000", "loss"], "slip_error"),
  F("seed_out_o1_10000", "out_o1 (10,000)", "0.015912196", ["after10000", "forward.out_o1"], ["after10000Updated", "forward.out_o1"], "updated_end"),
  F("seed_out_o2_10000", "out_o2 (10,000)", "0.984065734", ["after10000", "forward.out_o2"], ["after10000Updated", "forward.out_o2"], "updated_end"),
];
export const FIGURES = [...POST.map((f) => ({ ...f, source: "post" })), ...SEED.map((f) => ({ ...f, source: "seed" }))];

const read = (answer, path) => path.split(".").reduce((node, key) => (node == null ? null : node[key]), answer);

/** Return `value` printed with as many decimals as `published` shows (formatting only). */
export function atPrintedDigits(value, published) {
  const decimals = (published.split(".")[1] ?? "").length;
  return value.toFixed(decimals).replace("-", "−");
}

/** "a_b" → a<sub>b</sub>, for the quantities' names. */
function nameHtml(text) {
  return text.replace(/_(\w+)/g, "<sub>$1</sub>");
}

export function createFigures(root, { fetchAll, reproduce }) {
  let answers = null;
  let loading = null;

  function sourceLabel(key) {
    const { rule, iterations } = SOURCES[key];
    return t(`lessons.figures.at.${rule}`, { n: formatCount(iterations) });
  }

  function build() {
    const rows = (list) => list.map((f) => `
      <tr data-testid="figure-${f.id}" data-role="figure-${f.id}">
        <th scope="row">${nameHtml(f.quantity)}</th>
        <td class="published">${f.published}</td>
        <td class="app" data-testid="figure-${f.id}-app">…</td>
        <td class="agree" data-testid="figure-${f.id}-agree"></td>
        <td class="why" data-testid="figure-${f.id}-why"></td>
        <td><button type="button" class="button small" data-testid="reproduce-${f.id}" data-figure="${f.id}">${t("lessons.figures.show")}</button></td>
      </tr>`).join("");
    const head = `<thead><tr>
        <th scope="col">${t("lessons.figures.quantity")}</th><th scope="col">${t("lessons.figures.published")}</th>
        <th scope="col">${t("lessons.figures.app")}</th><th scope="col">${t("lessons.figures.agree")}</th>
        <th scope="col">${t("lessons.figures.why")}</th><th scope="col"></th></tr></thead>`;
    root.innerHTML = `
      <p class="lesson-note">${t("lessons.figures.intro")}</p>
      <h3 class="lesson-subheading">${t("lessons.figures.post")}</h3>
      <table class="lesson-table figures-table">${head}<tbody>${rows(POST.map((f) => ({ ...f })))}</tbody></table>
      <h3 class="lesson-subheading">${t("lessons.figures.seed")}</h3>
      <table class="lesson-table figures-table">${head}<tbody>${rows(SEED)}</tbody></table>`;
    paint();
  }

  function onClick(event) {
    const button = event.target.closest("[data-figure]");
    if (!button) return;
    const figure = FIGURES.find((f) => f.id === button.dataset.figure);
    const [key] = figure.reproduce ?? figure.at;
    const { rule, iterations } = SOURCES[key];
    reproduce({ rule, iterations, figure: figure.id });
  }

  function paint() {
    if (!answers) return;
    for (const f of FIGURES) {
      const row = root.querySelector(`[data-role=figure-${f.id}]`);
      if (!row) continue;
      const value = read(answers[f.at[0]], f.at[1]);
      const printed = atPrintedDigits(value, f.published);
      const agrees = printed === f.published;
      const app = row.querySelector(".app");
      app.textContent = printed;
      app.setAttribute("data-value", exact(value));
      app.title = `${sourceLabel(f.at[0])}: ${exact(value)}`;
      const agree = row.querySelector(".agree");
      agree.textContent = agrees ? "✓" : "✗";
      agree.dataset.agrees = String(agrees);
      agree.setAttribute("aria-label", t(agrees ? "lessons.figures.yes" : "lessons.figures.no"));
      row.classList.toggle("differs", !agrees);
      const why = row.querySelector(".why");
      let text = agrees ? "" : t(`lessons.figures.why.${f.why}`);
      if (f.reproduce) {
        const other = read(answers[f.reproduce[0]], f.reproduce[1]);
        const otherPrinted = atPrintedDigits(other, f.published);
        text += ` ${t("lessons.figures.reproduced", { where: sourceLabel(f.reproduce[0]), value: otherPrinted })}`;
        why.dataset.reproduced = exact(other);
      }
      why.textContent = text.trim();
      const [key] = f.reproduce ?? f.at;
      row.querySelector("button").title = sourceLabel(key);
    }
  }

  root.addEventListener("click", onClick);
  build();
  return {
    /** Fetch the answers once (they are the worked example's) and fill the table. */
    async update() {
      if (!answers) {
        loading ??= fetchAll(SOURCES).then((result) => {
          answers = result;
        }).finally(() => {
          loading = null;
        });
        await loading;
      }
      paint();
    },
    rebuild: build,
  };
}
