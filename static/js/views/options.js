// The network's options in the page: activation, loss, training the biases, and which w5–w8
// the hidden deltas use. They live in the state, so applying them resets the network (as the
// editor does) and the server validates them: a refusal is shown beside the controls.

import { problemText, t } from "../i18n/index.js";
import { definition } from "../state/definition.js";


export function createOptions(root, { onApply }) {
  let current = null;

  function build() {
    const select = (name, testid) => `
      <label class="option">
        <span class="option-label">${t(`lessons.options.${name}`)}</span>
        <select name="${name}" data-testid="${testid}">
          ${definition().options[name].map((value) => `<option value="${value}">${t(`lessons.options.${name}.${value}`)}</option>`).join("")}
        </select>
      </label>`;
    root.innerHTML = `
      <p class="lesson-note">${t("lessons.options.intro")}</p>
      <form class="options-form" novalidate autocomplete="off">
        ${select("activation", "option-activation")}
        ${select("loss", "option-loss")}
        <label class="option toggle">
          <input type="checkbox" name="train_biases" data-testid="option-train-biases">
          <span class="option-label">${t("lessons.options.train_biases")}</span>
        </label>
        ${select("hidden_deltas_use", "option-hidden-deltas")}
        <div class="options-actions">
          <button type="submit" class="button primary" data-testid="apply-options">${t("lessons.options.apply")}</button>
          <span class="field-message" data-testid="options-message" data-role="options-message" role="alert"></span>
        </div>
      </form>
      <p class="lesson-note">${t("lessons.options.softmax")}</p>`;
    root.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      say("");
      onApply(read());
    });
    if (current) show(current);
  }

  function read() {
    const form = root.querySelector("form");
    return {
      activation: form.elements.activation.value,
      loss: form.elements.loss.value,
      train_biases: form.elements.train_biases.checked,
      hidden_deltas_use: form.elements.hidden_deltas_use.value,
    };
  }

  function show(options) {
    current = options;
    const form = root.querySelector("form");
    form.elements.activation.value = options.activation;
    form.elements.loss.value = options.loss;
    form.elements.train_biases.checked = options.train_biases;
    form.elements.hidden_deltas_use.value = options.hidden_deltas_use;
  }

  function say(text, kind = "error") {
    const message = root.querySelector("[data-role=options-message]");
    message.textContent = text;
    message.dataset.kind = kind;
  }

  build();
  return {
    show,
    /** The server refused the options (a 422): say why beside the controls. */
    refused(error) {
      const text = error.errors?.length ? error.errors.map((e) => problemText(e)).join("; ") : error.message;
      say(t("lessons.options.refused", { reason: text }));
    },
    applied() {
      say(t("lessons.options.applied"), "info");
    },
    rebuild: build,
  };
}
