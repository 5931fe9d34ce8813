// The panel of initial values. Each field takes an exact decimal as typed ("0.15" stays 0.15).
// A field the browser cannot read as a number, or the server refuses, gets a message beside
// it, and nothing changes until every field is accepted. Below the values, folded away: the
// network's shape (a neuron, a hidden layer, an input or an output more or fewer), its rows of
// data and the way it trains (online or batch); a change of shape or rows starts the network
// again at once (onReshape), keeping what was typed.

import { exact } from "./format.js";
import { problemText, t } from "../i18n/index.js";
import { definition } from "../state/definition.js";
import { editedLayers } from "../state/reshape.js";

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

/** The fields of `state`'s rows of data: [test id suffix ("d2-i1"), path in the state]. */
export function rowFields(state) {
  const d = definition();
  return (state?.data ?? []).flatMap((_, k) => [
    ...d.inputs.map((i) => [`d${k}-${i}`, ["data", k, "inputs", i]]),
    ...d.outputs.map((o) => [`d${k}-${o}`, ["data", k, "targets", o]]),
  ]);
}

/** The label of field `id`, for any network: {key, params} of the dictionaries. */
export function labelOf(id) {
  let match = /^d(\d+)-([io])(\d+)$/.exec(id);
  if (match) {
    return { key: match[2] === "i" ? "editor.field.rowInput" : "editor.field.rowTarget", params: { row: Number(match[1]) + 1, name: `${match[2]}${match[3]}` } };
  }
  if (/^i\d+$/.test(id)) return { key: "editor.field.input", params: { name: id } };
  match = /^t(\d+)$/.exec(id);
  if (match) return { key: "editor.field.target", params: { name: `o${match[1]}` } };
  if (/^[wb]\d+$/.test(id)) return { key: "editor.field.parameter", params: { name: id } };
  return { key: `editor.field.${id}`, params: {} };
}

const labelText = (id) => t(labelOf(id).key, labelOf(id).params);

/** Attributes that translate an element's text by `key` and `params` (i18n/index.js). */
function i18n(key, params = {}) {
  return `data-i18n="${key}"${Object.keys(params).length ? ` data-i18n-params='${JSON.stringify(params)}'` : ""}`;
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

/** The name of layer `k` of `layers` in the dictionaries, and the suffix of its test ids. */
function layerName(layers, k) {
  if (k === 0) return { key: "editor.shape.inputs", params: {}, id: "input", more: "editor.shape.moreInputs", fewer: "editor.shape.fewerInputs" };
  if (k === layers.length - 1) return { key: "editor.shape.outputs", params: {}, id: "output", more: "editor.shape.moreOutputs", fewer: "editor.shape.fewerOutputs" };
  return { key: "editor.shape.hidden", params: { k }, id: `hidden-${k}`, more: "editor.shape.moreHidden", fewer: "editor.shape.fewerHidden" };
}

export function createEditor(form, { onApply, onRestore, onReshape = () => {} }) {
  const inputs = new Map(); // id -> {input, message, path, wrapper, choice}
  form.innerHTML = "";
  const grid = document.createElement("div");
  grid.className = "fields";
  const shape = document.createElement("details");
  shape.className = "editor-shape";
  shape.dataset.testid = "editor-shape";
  shape.innerHTML = `
    <summary><span ${i18n("editor.shape.heading")}>${t("editor.shape.heading")}</span>
      <span class="shape-now" data-testid="shape-now"></span></summary>
    <div class="shape-layers" data-testid="shape-layers"></div>
    <div class="field training-field">
      <label for="edit-training" ${i18n("editor.field.training")}>${t("editor.field.training")}</label>
      <select id="edit-training" name="training" data-testid="input-training" aria-describedby="edit-training-message">
        <option value="online" ${i18n("editor.training.online")}>${t("editor.training.online")}</option>
        <option value="batch" ${i18n("editor.training.batch")}>${t("editor.training.batch")}</option>
      </select>
      <span class="field-message" id="edit-training-message" data-testid="message-training" role="alert"></span>
    </div>
    <div class="shape-rows">
      <h3 class="editor-rows-heading" ${i18n("editor.rows.heading")}>${t("editor.rows.heading")}</h3>
      <p class="editor-rows-none" data-testid="editor-rows-none" ${i18n("editor.rows.none")}>${t("editor.rows.none")}</p>
      <div class="editor-rows-scroll"><table class="editor-rows-table" data-testid="editor-rows-table"></table></div>
      <button type="button" class="button" data-testid="add-row" ${i18n("editor.rows.add")}>${t("editor.rows.add")}</button>
    </div>`;
  const layersBox = shape.querySelector(".shape-layers");
  const table = shape.querySelector(".editor-rows-table");
  const training = shape.querySelector(".training-field");
  const addRow = shape.querySelector("[data-testid=add-row]");
  addRow.addEventListener("click", () => onReshape({ addRow: true }));
  let builtFor = null; // the fields' network: its definition, and its rows of data

  /** The fields of `state`'s network, built again when its shape or its rows change. */
  function build(state) {
    const kind = { definition: definition(), rows: state?.data ? state.data.length : null };
    if (builtFor?.definition === kind.definition && builtFor.rows === kind.rows) return;
    builtFor = kind;
    inputs.clear();
    grid.replaceChildren();
    for (const [id, path] of fields(state)) grid.appendChild(field(id, path));
    inputs.set("training", {
      input: training.querySelector("select"), message: training.querySelector(".field-message"),
      path: ["options", "training"], wrapper: training, choice: true,
    });
    buildLayers();
    buildRows(state);
  }

  function field(id, path, { hiddenLabel = false } = {}) {
    const wrapper = document.createElement("div");
    wrapper.className = "field";
    const inputId = `edit-${id}`;
    const { key, params } = labelOf(id);
    // a weight may be negative: inputmode="text" brings the phone's full keyboard, whose number
    // layer has a minus key; the "decimal" and "numeric" pads of iOS, and of some Android
    // keyboards (Samsung's), have none
    wrapper.innerHTML = `
      <label for="${inputId}" ${hiddenLabel ? 'class="visually-hidden"' : ""} ${i18n(key, params)}>${t(key, params)}</label>
      <input id="${inputId}" name="${id}" type="text" inputmode="text" autocapitalize="off" spellcheck="false"
             data-testid="input-${id}" aria-describedby="${inputId}-message">
      <span class="field-message" id="${inputId}-message" data-testid="message-${id}" role="alert"></span>`;
    inputs.set(id, { input: wrapper.querySelector("input"), message: wrapper.querySelector(".field-message"), path, wrapper });
    return wrapper;
  }

  /** A line per layer: its name, − its width +; then a hidden layer more or fewer. */
  function buildLayers() {
    const { layers, bounds } = definition();
    const button = (testid, text, edit, label) => {
      const next = editedLayers(layers, edit, bounds);
      const element = document.createElement("button");
      element.type = "button";
      element.className = "button";
      element.dataset.testid = testid;
      element.textContent = text;
      if (label) {
        element.dataset.i18nAriaLabel = label.key;
        if (label.params) element.dataset.i18nParams = JSON.stringify(label.params);
        element.setAttribute("aria-label", t(label.key, label.params));
      } else {
        element.dataset.i18n = text;
        element.textContent = t(text);
      }
      element.disabled = next === null;
      element.addEventListener("click", () => onReshape({ layers: next }));
      return element;
    };
    layersBox.replaceChildren(...layers.map((width, k) => {
      const name = layerName(layers, k);
      const line = document.createElement("div");
      line.className = "shape-layer";
      line.innerHTML = `<span class="shape-name" ${i18n(name.key, name.params)}>${t(name.key, name.params)}</span>
        <output class="shape-width" data-testid="count-${name.id}">${width}</output>`;
      line.querySelector("output").before(button(`remove-${name.id}`, "\u2212", { layer: k, change: -1 }, { key: name.fewer, params: name.params }));
      line.appendChild(button(`add-${name.id}`, "+", { layer: k, change: 1 }, { key: name.more, params: name.params }));
      return line;
    }));
    const more = document.createElement("div");
    more.className = "shape-layer-actions";
    more.append(button("add-layer", "editor.shape.addLayer", { hidden: 1 }), button("remove-layer", "editor.shape.removeLayer", { hidden: -1 }));
    layersBox.appendChild(more);
  }

  /** The rows of data, a line each: its inputs, its targets, and a button that removes it. */
  function buildRows(state) {
    const d = definition();
    const rows = state?.data ?? [];
    shape.querySelector(".editor-rows-none").hidden = rows.length > 0;
    table.hidden = rows.length === 0;
    addRow.disabled = rows.length >= d.bounds.rows_max;
    const head = document.createElement("tr");
    head.innerHTML = `<th scope="col" ${i18n("editor.rows.number")}>${t("editor.rows.number")}</th>`
      + [...d.inputs.map((i) => labelOf(i)), ...d.outputs.map((_, k) => labelOf(`t${k + 1}`))]
        .map(({ key, params }) => `<th scope="col" ${i18n(key, params)}>${t(key, params)}</th>`).join("")
      + "<td></td>";
    const lines = rows.map((_, k) => {
      const line = document.createElement("tr");
      const params = { row: k + 1 };
      line.innerHTML = `<th scope="row" ${i18n("editor.rows.row", params)}>${t("editor.rows.row", params)}</th>`;
      for (const [id, path] of rowFields(state).filter(([, path]) => path[1] === k)) {
        const cell = document.createElement("td");
        cell.appendChild(field(id, path, { hiddenLabel: true }));
        line.appendChild(cell);
      }
      const cell = document.createElement("td");
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button";
      remove.dataset.testid = `remove-row-${k}`;
      remove.textContent = "\u2212";
      remove.dataset.i18nAriaLabel = "editor.rows.remove";
      remove.dataset.i18nParams = JSON.stringify(params);
      remove.setAttribute("aria-label", t("editor.rows.remove", params));
      remove.disabled = rows.length <= 1;
      remove.addEventListener("click", () => onReshape({ removeRow: k }));
      cell.appendChild(remove);
      line.appendChild(cell);
      return line;
    });
    const thead = document.createElement("thead");
    thead.appendChild(head);
    const tbody = document.createElement("tbody");
    tbody.append(...lines);
    table.replaceChildren(thead, tbody);
  }

  build(null);
  const actions = document.createElement("div");
  actions.className = "editor-actions";
  actions.innerHTML = `
    <button type="submit" class="button primary" data-testid="apply-inputs" data-i18n="editor.apply">${t("editor.apply")}</button>
    <button type="button" class="button" data-testid="restore-example" data-role="restore-example" data-i18n="editor.restore">${t("editor.restore")}</button>
    <span class="form-message" data-testid="editor-message" role="status"></span>`;
  form.append(grid, shape, actions);
  const formMessage = actions.querySelector(".form-message");

  function clearMessages() {
    for (const { message, wrapper, input } of inputs.values()) {
      message.textContent = "";
      wrapper.classList.remove("invalid");
      input.removeAttribute("aria-invalid");
    }
    formMessage.textContent = "";
  }

  function mark(id, text) {
    const item = inputs.get(id);
    item.message.textContent = text;
    item.wrapper.classList.add("invalid");
    item.input.setAttribute("aria-invalid", "true");
    if (shape.contains(item.wrapper)) shape.open = true; // a marked row or choice is in view
  }

  /** Show the server's 422 errors beside their fields: "state.weights.w1" → w1's field,
   * "state.data.2.inputs.i1" → row 2's i1. */
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

  /** The shape, rows and training in the folded line: "2-3-1 · rows: 4 · online". */
  function summarize(state) {
    const rows = state.data?.length ?? 0;
    const mode = state.options?.training === "batch" ? "editor.training.batchShort" : "editor.training.onlineShort";
    shape.querySelector(".shape-now").innerHTML = `(${definition().layers.join("-")}`
      + (rows ? ` · <span ${i18n("editor.shape.rows", { count: rows })}>${t("editor.shape.rows", { count: rows })}</span>` : "")
      + ` · <span ${i18n(mode)}>${t(mode)}</span>)`;
  }

  /** Fill the fields with `state`'s values. */
  function show(state) {
    build(state);
    clearMessages();
    summarize(state);
    for (const [id, { input, path, choice }] of inputs) {
      if (choice) {
        input.value = getPath(state, path) ?? input.options[0].value;
        continue;
      }
      input.value = exact(getPath(state, path));
      // "w5 = 0.4, edit": what the field holds and what it is for
      const params = { label: labelText(id), value: input.value };
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
    for (const [id, { input, path, choice }] of inputs) {
      if (choice) {
        setPath(state, path, input.value);
        continue;
      }
      const parsed = parseDecimal(input.value);
      if (parsed.error) {
        mark(id, parsed.error);
        ok = false;
      } else {
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
