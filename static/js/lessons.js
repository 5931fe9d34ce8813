// The lessons below the network: the computational graph (with its warm-up), the matrix form,
// the gradient check, the options, the published figures reconciled, and the loss landscape,
// one tab each. A small controller: it hands each view the numbers the server sent and asks
// the server for what a view needs; the views compute nothing (except the warm-up's toy sums,
// kept in warmup.js).

import * as api from "./api.js";
import { createFigures } from "./figures.js";
import { exact, formatNumber } from "./format.js";
import { createGradCheck } from "./gradcheck.js";
import { createGraph } from "./graph.js";
import { onLanguageChange, t } from "./i18n.js";
import { createLandscape } from "./landscape.js";
import { createMatrix } from "./matrix.js";
import { createOptions } from "./options.js";
import { svg } from "./svg.js";
import { parseDecimal } from "./editor.js";
import { purchase } from "./warmup.js";

const TABS = ["graph", "matrix", "check", "options", "figures", "landscape"];
const TAB_KEY = "backprop-lab/lesson-tab";

// --- The warm-up: the fruit purchase --------------------------------------------------------

function createWarmup(root) {
  const values = { price: 10, count: 5, fee: 8 };

  function build() {
    const field = (name) => `
      <label class="option"><span class="option-label">${t(`lessons.warmup.${name}`)}</span>
        <input class="check-input" type="text" inputmode="decimal" name="${name}" data-testid="warmup-${name}" value="${values[name]}"></label>`;
    root.innerHTML = `
      <h3 class="lesson-subheading">${t("lessons.warmup.title")}</h3>
      <p class="lesson-note">${t("lessons.warmup.intro")}</p>
      <form class="warmup-form" novalidate autocomplete="off">${field("price")}${field("count")}${field("fee")}
        <span class="field-message" data-testid="warmup-message" role="alert"></span></form>
      <svg class="warmup-graph" viewBox="0 0 1500 330" role="img" aria-label="${t("lessons.warmup.aria")}"></svg>
      <p class="lesson-note">${t("lessons.warmup.after")}</p>`;
    const form = root.querySelector("form");
    form.addEventListener("input", () => {
      const message = root.querySelector("[data-testid=warmup-message]");
      for (const name of Object.keys(values)) {
        const parsed = parseDecimal(form.elements[name].value);
        if (parsed.error) {
          message.textContent = `${t(`lessons.warmup.${name}`)}: ${parsed.error}`;
          return;
        }
        values[name] = parsed.value;
      }
      message.textContent = "";
      draw();
    });
    draw();
  }

  function draw() {
    const r = purchase(values.price, values.count, values.fee);
    const root2 = root.querySelector(".warmup-graph");
    root2.replaceChildren();
    const defs = svg("defs", {}, root2);
    const marker = svg("marker", { id: "warmup-arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" }, defs);
    svg("path", { d: "M0,0 L10,5 L0,10 z", class: "graph-arrow-head" }, marker);
    const node = (x, y, symbol) => {
      svg("circle", { cx: x, cy: y, r: 46, class: "warmup-node" }, root2);
      svg("text", { x, y: y + 14, "text-anchor": "middle", class: "warmup-symbol" }, root2).textContent = symbol;
    };
    const leaf = (x, y, name) => {
      svg("text", { x, y: y + 10, "text-anchor": "end", class: "warmup-leaf" }, root2).textContent = name;
    };
    // an arrow from (x1,y1) to (x2,y2): the forward value above it, the gradient below it
    const arrow = (x1, y1, x2, y2, forward, backward, id) => {
      svg("line", { x1, y1, x2, y2, class: "graph-edge", "marker-end": "url(#warmup-arrow)" }, root2);
      const mx = (x1 + x2) / 2;
      const my = (y1 + y2) / 2;
      const f = svg("text", { x: mx, y: my - 16, "text-anchor": "middle", class: "warmup-forward", "data-testid": `warmup-${id}-forward` }, root2);
      f.textContent = formatNumber(forward, 6);
      f.setAttribute("data-value", exact(forward));
      const b = svg("text", { x: mx, y: my + 40, "text-anchor": "middle", class: "warmup-backward", "data-testid": `warmup-${id}-gradient` }, root2);
      b.textContent = `← ${formatNumber(backward, 6)}`;
      b.setAttribute("data-value", exact(backward));
    };
    leaf(250, 80, t("lessons.warmup.price"));
    leaf(250, 250, t("lessons.warmup.count"));
    node(560, 165, "×");
    arrow(270, 80, 516, 150, r.price, r.dprice, "price");
    arrow(270, 250, 516, 180, r.count, r.dcount, "count");
    leaf(760, 305, t("lessons.warmup.fee"));
    node(1060, 165, "+");
    arrow(606, 165, 1014, 165, r.subtotal, r.dsubtotal, "subtotal");
    arrow(780, 295, 1018, 190, r.fee, r.dfee, "fee");
    arrow(1106, 165, 1430, 165, r.total, r.dtotal, "total");
  }

  build();
  return { rebuild: build };
}

// --- The controller --------------------------------------------------------------------------

export function createLessons(root, { onOptions, onReproduce }) {
  let tab = (() => {
    try {
      const saved = localStorage.getItem(TAB_KEY);
      return TABS.includes(saved) ? saved : "graph";
    } catch {
      return "graph";
    }
  })();
  let view = null; // {state, forward, last}
  let digits = 0;
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
          <button type="button" class="button" data-testid="graph-forward"></button>
          <button type="button" class="button primary" data-testid="graph-back"></button>
          <button type="button" class="button" data-testid="graph-all"></button>
          <button type="button" class="button" data-testid="graph-replay"></button>
          <span class="graph-stage" data-testid="graph-stage" role="status"></span>
        </div>
        <p class="lesson-pending" data-testid="graph-pending"></p>
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
  const plotlyReady = new Promise((resolve) => {
    const wait = () => (window.Plotly ? resolve(window.Plotly) : setTimeout(wait, 50));
    wait();
  });
  const landscape = createLandscape(panel("landscape"), { request: api.landscape, plotlyReady });

  function buildText() {
    root.querySelector("#lessons-heading").textContent = t("lessons.heading");
    const tabs = root.querySelector(".tabs");
    tabs.innerHTML = TABS.map((name) => `<button type="button" role="tab" class="tab" id="lesson-tab-${name}"
      data-testid="lesson-tab-${name}" data-name="${name}" aria-controls="lesson-panel-${name}">${t(`lessons.tab.${name}`)}</button>`).join("");
    const g = panel("graph");
    g.querySelector(".graph-heading").textContent = t("lessons.graph.heading");
    g.querySelector(".graph-intro").textContent = t("lessons.graph.intro");
    g.querySelector(".graph-legend").textContent = t("lessons.graph.legend");
    g.querySelector("[data-testid=graph-pending]").textContent = t("lessons.pending");
    for (const name of ["forward", "back", "all", "replay"]) g.querySelector(`[data-testid=graph-${name}]`).textContent = t(`lessons.graph.${name}`);
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
    g.querySelector("[data-testid=graph-stage]").textContent = t("lessons.graph.stage", { stage: graph.stage(), of: graph.stages() });
  };
  g.querySelector("[data-testid=graph-forward]").addEventListener("click", () => { graph.forwardOnly(); showStage(); });
  g.querySelector("[data-testid=graph-back]").addEventListener("click", () => { graph.back(); showStage(); });
  g.querySelector("[data-testid=graph-all]").addEventListener("click", () => { graph.all(); showStage(); });
  g.querySelector("[data-testid=graph-replay]").addEventListener("click", () => {
    graph.replay();
    const timer = setInterval(() => {
      showStage();
      if (graph.stage() >= graph.stages()) clearInterval(timer);
    }, 250);
  });

  function select(name, draw = true) {
    tab = name;
    try {
      localStorage.setItem(TAB_KEY, name);
    } catch {
      // storage disabled
    }
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
      starts[rule] ??= await api.reset({ options: { activation: "sigmoid", loss: "squared", train_biases: false, hidden_deltas_use: rule } });
      const start = starts[rule];
      if (iterations === 0) result[key] = { state: start.state, forward: start.trace.forward };
      else if (step) result[key] = await api.step(start.state);
      else result[key] = await api.epoch(start.state, iterations);
    }
    return result;
  }

  /** The numbers of the graph and matrix views: the last update's trace, or the forward pass. */
  async function lessonData() {
    const { last, state } = view;
    if (last && last.trace && !last.diverged) return { state: last.sent, ...last.trace, fresh: last.trace !== lastTrace, trace: last.trace };
    const key = JSON.stringify([state.inputs, state.targets, state.weights, state.biases, state.options]);
    if (!forwards.has(key)) {
      forwards.clear();
      forwards.set(key, (await api.reset(state)).trace);
    }
    const trace = forwards.get(key);
    return { state, forward: trace.forward, terms: trace.terms, fresh: true, trace: null };
  }

  async function refresh(flash) {
    if (!view) return;
    const optionsShown = { digits, flash };
    if (tab === "graph" || tab === "matrix") {
      const data = await lessonData();
      if (tab === "graph") {
        graph.render(data, { digits, fresh: data.fresh });
        lastTrace = data.trace;
        const pending = !data.gradients;
        g.querySelector("[data-testid=graph-pending]").hidden = !pending;
        for (const name of ["forward", "back", "all", "replay"]) g.querySelector(`[data-testid=graph-${name}]`).disabled = pending;
        showStage();
      } else {
        matrix.render(data, optionsShown);
      }
    } else if (tab === "check") {
      await check.update(view.state, optionsShown);
    } else if (tab === "options") {
      options.show(view.state.options);
    } else if (tab === "figures") {
      await figures.update();
    } else if (tab === "landscape") {
      await landscape.update(view.state, optionsShown);
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
    render(current, { digits: shown, flash }) {
      view = current;
      digits = shown;
      options.show(current.state.options);
      return refresh(flash).catch((error) => {
        console.warn(error);
      });
    },
    /** The network started again (reset, new values or options): the path starts at `state`. */
    restart(state) {
      landscape.restart(state);
    },
    /** Parameters reached in training ([{iteration, weights, biases}]), for the path. */
    extendPath(points) {
      landscape.extend(points);
    },
    savePath: () => landscape.save(),
    optionsRefused: (error) => options.refused(error),
    optionsApplied: () => options.applied(),
    select,
  };
}
