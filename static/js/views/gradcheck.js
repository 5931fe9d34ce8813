// The gradient-check panel: for every weight and bias, backpropagation's gradient beside a
// central difference of E_total (both from /api/gradient-check) and their relative error, with
// an ε control and, when a check fails, the likely reasons.

import { parseDecimal } from "./editor.js";
import { exact, formatNumber } from "./format.js";
import { t } from "../i18n/index.js";
import { definition } from "../state/definition.js";

/** Whether parameter `name` feeds the hidden layer (its gradient uses the hidden deltas). */
function feedsHiddenLayer(name) {
  const { weights, biases, hidden } = definition();
  return [...weights, ...biases].some((p) => p.name === name && [p.to].flat().some((n) => hidden.includes(n)));
}

// A relative error above this is called a failure (central differences of a smooth E_total
// with a sensible ε agree with backprop to about 1e-9 here).
export const FAIL_ABOVE = 1e-6;
const LARGE_EPSILON = 1e-2;
const SMALL_EPSILON = 1e-8;

export function createGradCheck(root, { check }) {
  let epsilonText = "1e-4";
  let accepted = epsilonText; // the last ε the server took: a refused one is not sent again
  let shown = null; // {key, answer}
  let state = null;
  let digits = 0;

  function build() {
    root.innerHTML = `
      <p class="lesson-note">${t("lessons.check.intro")}</p>
      <form class="check-form" novalidate autocomplete="off">
        <label class="check-label" for="check-epsilon">ε</label>
        <input id="check-epsilon" class="check-input" type="text" inputmode="decimal" spellcheck="false"
               data-testid="check-epsilon" value="${epsilonText}" aria-describedby="check-epsilon-message">
        <button type="submit" class="button primary" data-testid="check-run">${t("lessons.check.run")}</button>
        <span class="field-message" id="check-epsilon-message" data-testid="check-message" data-role="check-message" role="alert"></span>
      </form>
      <table class="lesson-table check-table" data-testid="check-table">
        <thead><tr>
          <th scope="col">${t("lessons.check.parameter")}</th>
          <th scope="col">${t("lessons.check.backprop")}</th>
          <th scope="col">${t("lessons.check.numerical")}</th>
          <th scope="col">${t("lessons.check.relative")}</th>
          <th scope="col">${t("lessons.check.verdict")}</th>
        </tr></thead>
        <tbody></tbody>
      </table>
      <div class="check-why" data-testid="check-why" data-role="check-why" hidden></div>`;
    const form = root.querySelector("form");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      epsilonText = root.querySelector("#check-epsilon").value;
      shown = null;
      run();
    });
  }

  function say(text) {
    root.querySelector("[data-role=check-message]").textContent = text;
    root.querySelector("#check-epsilon").toggleAttribute("aria-invalid", Boolean(text));
  }

  async function run() {
    if (!state) return;
    const parsed = parseDecimal(epsilonText);
    if (parsed.error) {
      say(parsed.error);
      return;
    }
    const key = JSON.stringify([state, parsed.value]);
    if (shown && shown.key === key) {
      paint();
      return;
    }
    let answer;
    try {
      answer = await check(state, parsed.value);
    } catch (error) {
      if (error.status === 422) {
        say(error.errors.map((e) => e.message).join("; ") || error.message);
        epsilonText = accepted;
        return;
      }
      throw error;
    }
    say("");
    accepted = epsilonText;
    shown = { key, answer, epsilon: parsed.value, options: state.options };
    paint();
  }

  function paint() {
    if (!shown) return;
    const body = root.querySelector("tbody");
    body.innerHTML = "";
    const failed = [];
    for (const p of shown.answer.parameters) {
      const fail = p.relative_error > FAIL_ABOVE;
      if (fail) failed.push(p.name);
      const tr = document.createElement("tr");
      tr.className = fail ? "fail" : "pass";
      tr.setAttribute("data-testid", `check-${p.name}`);
      tr.innerHTML = `<th scope="row">${p.name}</th>
        <td data-testid="check-${p.name}-backprop" data-value="${exact(p.backprop)}">${formatNumber(p.backprop, digits)}</td>
        <td data-testid="check-${p.name}-numerical" data-value="${exact(p.numerical)}">${formatNumber(p.numerical, digits)}</td>
        <td data-testid="check-${p.name}-relative" data-value="${exact(p.relative_error)}">${formatNumber(p.relative_error, 2)}</td>
        <td>${fail ? `✗ ${t("lessons.check.fail")}` : `✓ ${t("lessons.check.pass")}`}</td>`;
      body.appendChild(tr);
    }
    const why = root.querySelector("[data-role=check-why]");
    why.hidden = failed.length === 0;
    if (!failed.length) return;
    const reasons = [];
    const { options, epsilon } = shown;
    if (options.hidden_deltas_use === "updated" && failed.some(feedsHiddenLayer)) reasons.push("updated");
    if (options.activation === "relu") reasons.push("relu");
    if (epsilon >= LARGE_EPSILON) reasons.push("large");
    if (epsilon <= SMALL_EPSILON) reasons.push("small");
    if (!reasons.length) reasons.push("other");
    why.innerHTML = `<h3>${t("lessons.check.why", { names: failed.join(", "), limit: FAIL_ABOVE })}</h3>
      <ul>${reasons.map((r) => `<li data-reason="${r}">${t(`lessons.check.why.${r}`)}</li>`).join("")}</ul>`;
  }

  build();
  return {
    /** Check `current` (the network now) when it changed since the last check. */
    update(current, options) {
      state = current;
      digits = options.digits;
      return run();
    },
    rebuild() {
      build();
      paint();
    },
  };
}
