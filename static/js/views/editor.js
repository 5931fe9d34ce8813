// The panel of initial values. Each field takes an exact decimal as typed ("0.15" stays 0.15).
// A field the browser cannot read as a number, or the server refuses, gets a message beside
// it, and nothing changes until every field is accepted.

import { exact } from "./format.js";
import { problemText, t } from "../i18n/index.js";
import { definition } from "../state/definition.js";

/** The fields of `state`, from the network's definition: [test id suffix, path in the
 * state]; a state with rows of data has no inputs and targets of its own. */
export function fields(state = null) {
  const d = definition();
  const own = !state?.data;
  return [
    ...d.weights.map((w) => [w.name, ["weights", w.name]]),
    ...d.biases.map((b) => [b.name, ["biases", b.name]]),
    ...(own ? d.inputs.map((i) => [i, ["inputs", i]]) : []),
    ...(own ? d.outputs.map((o, k) => [`t${k + 1}`, ["targets", o]]) : []),
    ["learning-rate", ["learning_rate"]],
  ];
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Read `text` as a number; return {value} or {error}. */
export function parseDecimal(text) {
  const cleaned = text.trim().replace(/^\u2212/, "-");
  if (cleaned === "") return { error: t("editor.empty") };
  if (/^[+-]?\d+,\d+$/.test(cleaned)) return { error: t("editor.comma") };
  if (!DECIMAL.test(cleaned)) return { error: t("editor.notNumber", { text: text.trim() }) };
  const value = Number(cleaned);
  if (!Number.isFinite(value)) return { error: t("editor.tooLarge") };
  return { value };
}

function getPath(state, path) {
  return path.reduce((node, key) => node[key], state);
}

function setPath(state, path, value) {
  const last = path[path.length - 1];
  const parent = path.slice(0, -1).reduce((node, key) => node[key], state);
  parent[last] = value;
}

export function createEditor(form, { onApply, onRestore }) {
  const inputs = new Map(); // id -> {input, message, path}
  form.innerHTML = "";
  const grid = document.createElement("div");
  grid.className = "fields";
  let builtFor = null; // the fields' network: its definition, and whether it has rows of data

  /** The fields of `state`'s network, built again when its shape or its kind of data changes. */
  function build(state) {
    const kind = { definition: definition(), data: Boolean(state?.data) };
    if (builtFor?.definition === kind.definition && builtFor.data === kind.data) return;
    builtFor = kind;
    inputs.clear();
    grid.replaceChildren();
    for (const [id, path] of fields(state)) addField(id, path);
  }

  function addField(id, path) {
    const wrapper = document.createElement("div");
    wrapper.className = "field";
    const inputId = `edit-${id}`;
    // a weight may be negative: inputmode="text" brings the phone's full keyboard, whose number
    // layer has a minus key; the "decimal" and "numeric" pads of iOS, and of some Android
    // keyboards (Samsung's), have none
    wrapper.innerHTML = `
      <label for="${inputId}" data-i18n="editor.field.${id}">${t(`editor.field.${id}`)}</label>
      <input id="${inputId}" name="${id}" type="text" inputmode="text" autocapitalize="off" spellcheck="false"
             data-testid="input-${id}" aria-describedby="${inputId}-message">
      <span class="field-message" id="${inputId}-message" data-testid="message-${id}" role="alert"></span>`;
    grid.appendChild(wrapper);
    inputs.set(id, { input: wrapper.querySelector("input"), message: wrapper.querySelector(".field-message"), path, wrapper });
  }
  build(null);
  const actions = document.createElement("div");
  actions.className = "editor-actions";
  actions.innerHTML = `
    <button type="submit" class="button primary" data-testid="apply-inputs" data-i18n="editor.apply">${t("editor.apply")}</button>
    <button type="button" class="button" data-testid="restore-example" data-role="restore-example" data-i18n="editor.restore">${t("editor.restore")}</button>
    <span class="form-message" data-testid="editor-message" role="status"></span>`;
  form.append(grid, actions);
  const formMessage = actions.querySelector(".form-message");

  function clearMessages() {
    for (const { message, wrapper } of inputs.values()) {
      message.textContent = "";
      wrapper.classList.remove("invalid");
    }
    formMessage.textContent = "";
  }

  function mark(id, text) {
    const item = inputs.get(id);
    item.message.textContent = text;
    item.wrapper.classList.add("invalid");
    item.input.setAttribute("aria-invalid", "true");
  }

  /** Show the server's 422 errors beside their fields: "state.weights.w1" → w1's field. */
  function showServerErrors(errors) {
    let placed = 0;
    for (const error of errors) {
      const field = String(error.field || "").replace(/^state\./, "");
      const matches = [...inputs.entries()].filter(([, { path }]) => {
        const dotted = path.join(".");
        return dotted === field || dotted.startsWith(`${field}.`);
      });
      const message = problemText(error);
      for (const [id] of matches) mark(id, message);
      placed += matches.length;
      if (!matches.length) formMessage.textContent = `${error.field}: ${message}`;
    }
    return placed;
  }

  /** Fill the fields with `state`'s values. */
  function show(state) {
    build(state);
    clearMessages();
    for (const [id, { input, path }] of inputs) {
      input.value = exact(getPath(state, path));
      input.removeAttribute("aria-invalid");
      // "w5 = 0.4, edit": what the field holds and what it is for
      const params = { label: t(`editor.field.${id}`), value: input.value };
      input.dataset.i18nAriaLabel = "editor.fieldName";
      input.dataset.i18nParams = JSON.stringify(params);
      input.setAttribute("aria-label", t("editor.fieldName", params));
    }
  }

  /** Return a copy of `base` with the typed values, or null after marking the unreadable ones. */
  function read(base) {
    clearMessages();
    const state = structuredClone(base);
    let ok = true;
    for (const [id, { input, path }] of inputs) {
      const parsed = parseDecimal(input.value);
      if (parsed.error) {
        mark(id, parsed.error);
        ok = false;
      } else {
        input.removeAttribute("aria-invalid");
        setPath(state, path, parsed.value);
      }
    }
    if (!ok) formMessage.textContent = t("editor.correctFirst");
    return ok ? state : null;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onApply();
  });
  actions.querySelector("[data-role=restore-example]").addEventListener("click", () => onRestore());

  return {
    show,
    read,
    showServerErrors(errors) {
      showServerErrors(errors);
      if (!formMessage.textContent) formMessage.textContent = t("editor.refused");
      else formMessage.textContent = t("editor.refusedBecause", { message: formMessage.textContent });
    },
    say(text) {
      formMessage.textContent = text;
    },
  };
}
