// The lessons below the network: the computational graph (with its warm-up), the matrix form,
// the gradient check, the options, the published figures reconciled, and the loss landscape,
// one tab each. A small controller: it hands each view the numbers the server sent and asks
// the server for what a view needs; the views compute nothing (except the warm-up's toy sums,
// kept in warmup.js).

import * as api from "./api.js";
import { definition } from "../state/definition.js";
import { LESSON_TABS as TABS } from "../state/settings.js";
import { createFigures } from "../views/figures.js";
import { createGradCheck } from "../views/gradcheck.js";
import { createGraph } from "../views/graph.js";
import { onLanguageChange, t } from "../i18n/index.js";
import { createLandscape } from "../views/landscape.js";
import { createMatrix } from "../views/matrix.js";
import { createOptions } from "../views/options.js";
import { createWarmup } from "../views/warmup.js";


/** `state` as the server takes it: with rows of data, without the inputs and targets of the row
 * a view shows. */
function sendable(state) {
  if (!state.data) return state;
  const { inputs, targets, ...rest } = state;
  return rest;
}

// --- The controller --------------------------------------------------------------------------

export function createLessons(root, { plotly, onOptions, onReproduce, onTab }) {
  let tab = null; // the tab shown; the page state's settings choose it
  let path = []; // the training path, for the landscape
  let view = null; // {state, forward, last}
  let digits = 0;
  let row = 0; // the row of the data chosen (settings.row)
  let lastTrace = null; // the trace the graph was last given, to know when a new one arrives
  const forwards = new Map(); // JSON of a state -> its /api/reset trace (forward and terms)

  root.innerHTML = `
    <div class="lessons-head">
      <h2 class="panel-heading" id="lessons-heading"></h2>
      <div class="tabs" role="tablist"></div>
    </div>
    <div class="lesson-panels">
      <section class="lesson" role="tabpanel" data-tab="graph" data-testid="lesson-graph">
        <div class="warmup"></div>
        <h3 class="lesson-subheading graph-heading"></h3>
        <p class="lesson-note graph-intro"></p>
        <div class="graph-controls">
          <button type="button" class="button" data-testid="graph-forward" data-role="graph-forward"></button>
          <button type="button" class="button primary" data-testid="graph-back" data-role="graph-back"></button>
          <button type="button" class="button" data-testid="graph-all" data-role="graph-all"></button>
          <button type="button" class="button" data-testid="graph-replay" data-role="graph-replay"></button>
          <span class="graph-stage" data-testid="graph-stage" data-role="graph-stage" role="status"></span>
        </div>
        <p class="lesson-pending" data-testid="graph-pending" data-role="graph-pending"></p>
        <svg class="graph" data-testid="graph" role="group"></svg>
        <p class="lesson-note graph-legend"></p>
      </section>
      <section class="lesson" role="tabpanel" data-tab="matrix" data-testid="lesson-matrix"></section>
      <section class="lesson" role="tabpanel" data-tab="check" data-testid="lesson-check"></section>
      <section class="lesson" role="tabpanel" data-tab="options" data-testid="lesson-options"></section>
      <section class="lesson" role="tabpanel" data-tab="figures" data-testid="lesson-figures"></section>
      <section class="lesson" role="tabpanel" data-tab="landscape" data-testid="lesson-landscape"></section>
    </div>`;
  const panel = (name) => root.querySelector(`[data-tab=${name}]`);
  const warmup = createWarmup(panel("graph").querySelector(".warmup"));
  const graph = createGraph(panel("graph").querySelector(".graph"));
  const matrix = createMatrix(panel("matrix"));
  const check = createGradCheck(panel("check"), { check: api.gradientCheck });
  const options = createOptions(panel("options"), { onApply: onOptions });
  const figures = createFigures(panel("figures"), { fetchAll, reproduce: onReproduce });
  const landscape = createLandscape(panel("landscape"), { request: api.landscape, plotly });

  function buildText() {
    root.querySelector("#lessons-heading").textContent = t("lessons.heading");
    const tabs = root.querySelector(".tabs");
    tabs.innerHTML = TABS.map((name) => `<button type="button" role="tab" class="tab" id="lesson-tab-${name}"
      data-testid="lesson-tab-${name}" data-name="${name}" aria-controls="lesson-panel-${name}">${t(`lessons.tab.${name}`)}</button>`).join("");
    const g = panel("graph");
    g.querySelector(".graph-heading").textContent = t("lessons.graph.heading");
    g.querySelector(".graph-intro").textContent = t("lessons.graph.intro");
    g.querySelector(".graph-legend").textContent = t("lessons.graph.legend");
    g.querySelector("[data-role=graph-pending]").textContent = t("lessons.pending");
    for (const name of ["forward", "back", "all", "replay"]) g.querySelector(`[data-role=graph-${name}]`).textContent = t(`lessons.graph.${name}`);
    for (const name of TABS) {
      panel(name).id = `lesson-panel-${name}`;
      panel(name).setAttribute("aria-labelledby", `lesson-tab-${name}`);
    }
    select(tab, false);
  }

  root.querySelector(".tabs").addEventListener("click", (event) => {
    const button = event.target.closest("[data-name]");
    if (button) select(button.dataset.name);
  });
  root.querySelector(".tabs").addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    event.preventDefault();
    event.stopPropagation(); // the arrows move between tabs here, not through the iteration
    const next = TABS[(TABS.indexOf(tab) + (event.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length];
    select(next);
    root.querySelector(`[data-name=${next}]`).focus();
  });
  const g = panel("graph");
  const showStage = () => {
    g.querySelector("[data-role=graph-stage]").textContent = t("lessons.graph.stage", { stage: graph.stage(), of: graph.stages() });
  };
  g.querySelector("[data-role=graph-forward]").addEventListener("click", () => { graph.forwardOnly(); showStage(); });
  g.querySelector("[data-role=graph-back]").addEventListener("click", () => { graph.back(); showStage(); });
  g.querySelector("[data-role=graph-all]").addEventListener("click", () => { graph.all(); showStage(); });
  g.querySelector("[data-role=graph-replay]").addEventListener("click", () => {
    graph.replay();
    const timer = setInterval(() => {
      showStage();
      if (graph.stage() >= graph.stages()) clearInterval(timer);
    }, 250);
  });

  function select(name, draw = true) {
    if (draw && name !== tab) {
      onTab(name); // the page state changes and the lessons are drawn again
      return;
    }
    tab = name;
    for (const button of root.querySelectorAll(".tab")) {
      const on = button.dataset.name === name;
      button.setAttribute("aria-selected", String(on));
      button.tabIndex = on ? 0 : -1;
    }
    for (const section of root.querySelectorAll(".lesson")) section.hidden = section.dataset.tab !== name;
    if (draw) refresh(false);
  }

  async function fetchAll(sources) {
    const result = {};
    const starts = {};
    for (const [key, { rule, iterations, step }] of Object.entries(sources)) {
      starts[rule] ??= await api.reset({ options: { ...definition().example.options, hidden_deltas_use: rule } });
      const start = starts[rule];
      if (iterations === 0) result[key] = { state: start.state, forward: start.trace.forward };
      else if (step) result[key] = await api.step(start.state);
      else result[key] = await api.epoch(start.state, iterations);
    }
    return result;
  }

  /** The numbers of the graph and matrix views: the last update's trace, or the forward pass.
   * With rows of data, those of one row, its inputs and targets in the state: online the row
   * the update used (or the next one uses); in a batch the row chosen, as if it were trained
   * alone, so that its gradients are its own (the update used the mean of the rows'). */
  async function lessonData() {
    const { last, state } = view;
    if (state.data) return rowData(last && last.trace && !last.diverged ? last : null, state);
    if (last && last.trace && !last.diverged) return { state: last.sent, ...last.trace, fresh: last.trace !== lastTrace, trace: last.trace };
    const trace = await forwardOf(state);
    return { state, forward: trace.forward, terms: trace.terms, fresh: true, trace: null };
  }

  /** The /api/reset trace (forward and terms) of `state`, kept while it is shown. */
  async function forwardOf(state) {
    const key = JSON.stringify([state.layers, state.inputs, state.targets, state.data, state.weights, state.biases, state.options]);
    if (!forwards.has(key)) {
      forwards.clear();
      forwards.set(key, (await api.reset(state)).trace);
    }
    return forwards.get(key);
  }

  /** One row of data as the lessons show it: the state on that row alone, and its numbers. */
  async function rowData(last, state) {
    const batch = state.options.training === "batch";
    const rows = state.data.length;
    const on = (sent, k) => ({ ...sent, inputs: sent.data[k].inputs, targets: sent.data[k].targets });
    const alone = (sent, k) => ({ ...sendable(sent), data: [sent.data[k]], options: { ...sent.options, training: "online" }, iteration: 0 });
    if (last && !batch) {
      const k = last.trace.row ?? 0;
      return { state: on(last.sent, k), ...last.trace, row: k, fresh: last.trace !== lastTrace, trace: last.trace };
    }
    if (last) {
      const k = Math.min(row, rows - 1);
      const key = JSON.stringify([k, last.sent]);
      if (!forwards.has(key)) {
        forwards.clear();
        forwards.set(key, (await api.step(alone(last.sent, k))).trace);
      }
      const trace = forwards.get(key);
      return { state: on(last.sent, k), ...trace, row: k, batch: true, fresh: last.trace !== lastTrace, trace: last.trace };
    }
    const k = batch ? Math.min(row, rows - 1) : state.iteration % rows;
    const trace = await forwardOf(alone(state, k));
    return { state: on(state, k), forward: trace.forward, terms: trace.terms, row: k, batch, fresh: true, trace: null };
  }

  /** Under the graph and the matrix: which row of the data they show. */
  function showRow(data) {
    for (const name of ["graph", "matrix"]) {
      let note = panel(name).querySelector(":scope > [data-role=lesson-row]");
      if (data.row === undefined) {
        note?.remove();
        continue;
      }
      if (!note) {
        note = Object.assign(document.createElement("p"), { className: "lesson-note lesson-row" });
        note.dataset.role = "lesson-row";
        note.dataset.testid = `${name}-row`;
        const before = panel(name).querySelector(".graph-controls");
        if (before) before.before(note);
        else panel(name).prepend(note);
      }
      note.textContent = t(data.batch ? "lessons.row.batch" : "lessons.row.online", { row: data.row + 1 });
      note.dataset.row = String(data.row);
    }
  }

  async function refresh(flash) {
    if (!view) return;
    const optionsShown = { digits, flash };
    const held = root.querySelector(`[data-tab=${tab}] > .lesson-withheld`);
    if (view.withheld?.size && (tab === "check" || tab === "figures")) {
      // the gradient check and the published figures would give the class's answer away
      if (!held) panel(tab).replaceChildren(Object.assign(document.createElement("p"), {
        className: "lesson-note lesson-withheld", textContent: t("lessons.withheld"),
      }));
      return;
    }
    if (held) {
      held.remove();
      if (tab === "check") check.rebuild();
      else figures.rebuild();
    }
    if (tab === "graph" || tab === "matrix") {
      const data = await lessonData();
      if (tab === "graph") {
        graph.render(data, { digits, fresh: data.fresh });
        lastTrace = data.trace;
        const pending = !data.gradients;
        g.querySelector("[data-role=graph-pending]").hidden = !pending;
        for (const name of ["forward", "back", "all", "replay"]) g.querySelector(`[data-role=graph-${name}]`).disabled = pending;
        showStage();
      } else {
        matrix.render(data, optionsShown);
      }
      showRow(data);
    } else if (tab === "check") {
      await check.update(sendable(view.state), optionsShown);
    } else if (tab === "options") {
      options.show(view.state.options);
    } else if (tab === "figures") {
      await figures.update();
    } else if (tab === "landscape") {
      await landscape.update(sendable(view.state), optionsShown, path);
    }
    root.dataset.rendered = `${tab}:${view.state.iteration}`;
    document.dispatchEvent(new CustomEvent("backprop:lesson", { detail: { tab, iteration: view.state.iteration } }));
  }

  onLanguageChange(() => {
    buildText();
    warmup.rebuild();
    graph.rebuild();
    matrix.rebuild();
    check.rebuild();
    options.rebuild();
    figures.rebuild();
    landscape.rebuild();
    refresh(false);
  });
  buildText();

  return {
    /** Show the network now: `current` = {state, forward, last} as the diagram gets it. */
    render(current, { digits: shown, flash, path: trained, tab: chosen, row: chosenRow = 0 }) {
      view = current;
      row = chosenRow;
      digits = shown;
      path = trained;
      if (chosen !== tab) select(chosen, false);
      options.show(current.state.options);
      return refresh(flash).catch((error) => {
        console.warn(error);
      });
    },
    optionsRefused: (error) => options.refused(error),
    optionsApplied: () => options.applied(),
    select,
  };
}
