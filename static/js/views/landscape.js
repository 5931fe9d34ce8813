// The loss landscape: E_total over two parameters (the rest held at their current values) from
// /api/landscape, as a plotly contour, with the training path so far drawn on it. The path is
// the parameters the page was sent: sampled by /api/epoch on Run, one point per Step or Play.

import { parseDecimal } from "./editor.js";
import { exact, formatCount, formatNumber } from "./format.js";
import { oneAtATime } from "./plotly.js";
import { t } from "../i18n/index.js";
import { definition, parameterNames } from "../state/definition.js";

const RESOLUTIONS = [25, 51, 101, 201]; // up to the definition's landscape_resolution_max

const valueOf = (point, name) => (name in point.weights ? point.weights[name] : point.biases[name]);
const withValue = (point, name, value) => (name in point.weights
  ? { ...point, weights: { ...point.weights, [name]: value } }
  : { ...point, biases: { ...point.biases, [name]: value } });
const MARGIN = 1.15; // room around the training path, as a share of its half-extent

/** The surface to ask for: centred on the training path (and the network now) and wide enough
 * to hold all of it, never narrower than the chosen span; the other parameters as they are now. */
function framing(state, path, { x, y, span }) {
  const xs = [...path.map((p) => valueOf(p, x)), valueOf(state, x)];
  const ys = [...path.map((p) => valueOf(p, y)), valueOf(state, y)];
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const half = Math.max(x1 - x0, y1 - y0) / 2;
  const centred = withValue(withValue(state, x, (x0 + x1) / 2), y, (y0 + y1) / 2);
  return { state: half === 0 ? state : centred, span: Math.max(span, half * MARGIN) };
}

/** The axes drawn first: in the worked example w5 against w8, one weight into each output, along
 * both of which the error bends (along w1 it is nearly flat: its gradient is a hundred times
 * smaller); with one output, its first two weights. */
export function defaultAxes() {
  const { outputs, weights, parameters } = definition();
  const into = (o) => weights.filter((w) => w.to === o).map((w) => w.name);
  const x = into(outputs[0])[0];
  const y = outputs.length > 1 ? into(outputs.at(-1)).at(-1) : (into(outputs[0])[1] ?? parameters.find((p) => p !== x));
  return { x, y };
}

export function createLandscape(root, { request, plotly: loader }) {
  const settings = { ...defaultAxes(), span: 2, resolution: 51 };
  let builtFrom = null; // the definition whose parameters the axes offer
  let path = []; // the training path, as the page state holds it
  let state = null;
  let digits = 0;
  const draw = oneAtATime(() => drawNow()); // a change while a request is out draws once more after
  let drawnKey = null;
  let surface = null; // {key, answer}

  function build() {
    if (builtFrom !== definition()) {
      Object.assign(settings, defaultAxes()); // another network: its own first axes
      surface = null;
    }
    builtFrom = definition();
    const options = (values, selected) => values.map((v) => `<option value="${v}"${v === selected ? " selected" : ""}>${v}</option>`).join("");
    root.innerHTML = `
      <p class="lesson-note">${t("lessons.landscape.intro")}</p>
      <form class="landscape-form" novalidate autocomplete="off">
        <label class="option"><span class="option-label">${t("lessons.landscape.x")}</span>
          <select name="x" data-testid="landscape-x">${options(parameterNames(), settings.x)}</select></label>
        <label class="option"><span class="option-label">${t("lessons.landscape.y")}</span>
          <select name="y" data-testid="landscape-y">${options(parameterNames(), settings.y)}</select></label>
        <label class="option"><span class="option-label">${t("lessons.landscape.span")}</span>
          <input name="span" class="check-input" type="text" inputmode="decimal" data-testid="landscape-span" value="${settings.span}"></label>
        <label class="option"><span class="option-label">${t("lessons.landscape.resolution")}</span>
          <select name="resolution" data-testid="landscape-resolution">${options(RESOLUTIONS.filter((r) => r <= definition().bounds.landscape_resolution_max), settings.resolution)}</select></label>
        <button type="submit" class="button primary" data-testid="landscape-draw">${t("lessons.landscape.draw")}</button>
        <span class="field-message" data-testid="landscape-message" data-role="landscape-message" role="alert"></span>
      </form>
      <div class="landscape-plot" data-testid="landscape-plot"></div>
      <p class="lesson-note" data-testid="landscape-caption" data-role="landscape-caption"></p>`;
    const form = root.querySelector("form");
    const apply = () => {
      const span = parseDecimal(form.elements.span.value);
      if (span.error) return say(span.error);
      if (form.elements.x.value === form.elements.y.value) return say(t("lessons.landscape.same"));
      settings.x = form.elements.x.value;
      settings.y = form.elements.y.value;
      settings.span = span.value;
      settings.resolution = Number(form.elements.resolution.value);
      say("");
      draw();
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      apply();
    });
    for (const name of ["x", "y", "resolution"]) form.elements[name].addEventListener("change", apply);
    drawnKey = null;
  }

  function say(text) {
    root.querySelector("[data-role=landscape-message]").textContent = text;
  }

  async function drawNow() {
    if (!state) return;
    const frame = framing(state, path, settings);
    const key = JSON.stringify([frame.state.weights, frame.state.biases, state.inputs, state.targets, state.data, state.options, settings, frame.span]);
    if (!surface || surface.key !== key) {
      try {
        surface = { key, span: frame.span, answer: await request(frame.state, settings.x, settings.y, frame.span, settings.resolution) };
      } catch (error) {
        if (error.status === 422) {
          say(error.errors.map((e) => `${e.field}: ${e.message}`).join("; "));
          return;
        }
        throw error;
      }
    }
    await plot();
  }

  async function plot() {
    const plotly = await loader.load();
    const element = root.querySelector(".landscape-plot");
    const { answer } = surface;
    const drawnPath = `${path.length}:${path.at(-1)?.iteration}:${surface.key}:${digits}:${document.documentElement.lang}`;
    if (drawnPath === drawnKey) return;
    const xs = path.map((p) => valueOf(p, settings.x));
    const ys = path.map((p) => valueOf(p, settings.y));
    const here = { x: valueOf(state, settings.x), y: valueOf(state, settings.y) };
    const font = { family: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', sans-serif", size: 17, color: "#111" };
    const hover = digits === 0 ? ".9~g" : `.${digits}~g`;
    const traces = [
      {
        type: "contour",
        x: answer.x.values,
        y: answer.y.values,
        z: answer.E_total,
        colorscale: "Viridis",
        reversescale: true,
        contours: { coloring: "heatmap", showlines: true },
        line: { color: "rgba(255,255,255,0.55)", width: 1 },
        colorbar: { title: { text: "E<sub>total</sub>", side: "right" }, thickness: 18 },
        hovertemplate: `${settings.x} = %{x:${hover}}<br>${settings.y} = %{y:${hover}}<br>E<sub>total</sub> = %{z:${hover}}<extra></extra>`,
        name: "E_total",
      },
      {
        type: "scatter",
        mode: "lines",
        x: xs,
        y: ys,
        line: { color: "#d55e00", width: 4 },
        hovertemplate: `${t("lessons.landscape.path")}<br>${settings.x} = %{x:${hover}}, ${settings.y} = %{y:${hover}}<extra></extra>`,
        name: t("lessons.landscape.path"),
      },
      {
        type: "scatter",
        mode: "markers",
        x: [xs[0] ?? here.x, here.x],
        y: [ys[0] ?? here.y, here.y],
        marker: { color: ["#ffffff", "#d55e00"], size: [14, 18], line: { color: "#111", width: 2 }, symbol: ["circle", "x"] },
        hovertemplate: "%{text}<extra></extra>",
        text: [t("lessons.landscape.start"), t("lessons.landscape.now")],
        name: t("lessons.landscape.now"),
      },
    ];
    const layout = {
      margin: { l: 80, r: 20, t: 10, b: 64 },
      font,
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff",
      xaxis: { title: { text: settings.x }, zeroline: false },
      yaxis: { title: { text: settings.y }, zeroline: false },
      showlegend: false,
      hoverlabel: { font: { size: 17 } },
      uirevision: `${settings.x}/${settings.y}`,
    };
    await plotly.react(element, traces, layout, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"] });
    element.dataset.points = String(path.length);
    element.dataset.resolution = String(answer.x.values.length);
    root.querySelector("[data-role=landscape-caption]").textContent = t("lessons.landscape.caption", {
      x: settings.x, y: settings.y, span: formatNumber(surface.span, digits),
      points: formatCount(path.length), iteration: formatCount(state.iteration),
    });
    drawnKey = drawnPath;
    root.dataset.centre = exact(here.x);
  }

  build();
  return {
    /** Draw for `current`, the network now, with the training path `trained` (only while the view is shown). */
    update(current, options, trained) {
      if (builtFrom !== definition()) build();
      state = current;
      digits = options.digits;
      path = trained;
      return draw();
    },
    rebuild: build,
  };
}
