// The output over the input square: a two-input network's out_o at every point of a grid of i1
// and i2 (POST /api/outputs), as a plotly heatmap with the rows of data marked on it, filled
// by their targets in the same colours, and the exact numbers of the point under the cursor
// (in `reading`, beside the rows table, which holds the rows' own).

import { exact, formatNumber } from "./format.js";
import { oneAtATime } from "./plotly.js";
import { t } from "../i18n/index.js";
import { definition } from "../state/definition.js";

export const RESOLUTION = 61;
// Playground's colours: orange for low, white between, blue for high
const COLORS = [[0, "#f59322"], [0.5, "#f7f7f7"], [1, "#0877bd"]];

/** The range of out that the colours span: what the output layer can give (sigmoid and
 * softmax 0 to 1, tanh −1 to 1); relu's from 0 to the largest value drawn. */
export function colourRange(options, grid) {
  if (options.loss === "cross_entropy" || options.activation === "sigmoid") return [0, 1];
  if (options.activation === "tanh") return [-1, 1];
  const largest = Math.max(0, ...grid.out.map((row) => Math.max(...row)));
  return [0, largest > 0 ? largest : 1];
}

/** The traces of the picture: the heatmap of `grid` (an /api/outputs answer) and the rows of
 * `data` marked, each filled by its target of `output`, its hover naming its numbers. */
export function outputTraces(grid, data, forwards, output, range, digits) {
  const format = (value) => formatNumber(value, digits);
  const [i1, i2] = definition().inputs;
  return [
    {
      type: "heatmap",
      x: grid.x.values,
      y: grid.y.values,
      z: grid.out,
      zmin: range[0],
      zmax: range[1],
      colorscale: COLORS,
      colorbar: { title: { text: `out<sub>${output}</sub>`, side: "right" }, thickness: 18 },
      hovertemplate: `${i1} = %{x}<br>${i2} = %{y}<br>out<sub>${output}</sub> = %{z}<extra></extra>`,
      name: `out_${output}`,
    },
    {
      type: "scatter",
      mode: "markers+text",
      x: data.map((row) => row.inputs[i1]),
      y: data.map((row) => row.inputs[i2]),
      text: data.map((_, k) => String(k + 1)),
      textposition: "top right",
      textfont: { size: 16, color: "#111" },
      marker: {
        size: 20,
        color: data.map((row) => row.targets[output]),
        cmin: range[0],
        cmax: range[1],
        colorscale: COLORS,
        line: { color: "#111", width: 2.5 },
      },
      customdata: data.map((row, k) => [k + 1, format(row.targets[output]), forwards?.[k] ? format(forwards[k][`out_${output}`]) : "…"]),
      hovertemplate: `${t("data.row")} %{customdata[0]}: ${i1} = %{x}, ${i2} = %{y}<br>t<sub>${output}</sub> = %{customdata[1]}, out<sub>${output}</sub> = %{customdata[2]}<extra></extra>`,
      name: t("data.map.rows"),
    },
  ];
}

export function createOutputMap(root, reading, { request, plotly: loader }) {
  let output = null;
  let shown = null; // {state, data, forwards, digits}
  let grid = null; // {key, answer}
  const draw = oneAtATime(() => drawNow()); // a change while a request is out draws once more after
  let drawnKey = null;
  let builtFrom = null;

  function build() {
    const { outputs } = definition();
    output = outputs.includes(output) ? output : outputs[0];
    root.innerHTML = `
      <h3 class="lesson-subheading">${t("data.map.heading")}</h3>
      <p class="lesson-note" data-role="map-intro"></p>
      <label class="option"${outputs.length > 1 ? "" : " hidden"}><span class="option-label">${t("data.map.output")}</span>
        <select data-testid="map-output">${outputs.map((o) => `<option value="${o}"${o === output ? " selected" : ""}>out_${o}</option>`).join("")}</select></label>
      <div class="map-plot" data-testid="map-plot"></div>
      <p class="field-message" data-testid="map-message" data-role="map-message" role="alert"></p>`;
    reading.innerHTML = `
      <h3 class="lesson-subheading">${t("data.map.cursor")}</h3>
      <p class="lesson-note" data-role="cursor-none">${t("data.map.cursorNone")}</p>
      <dl class="map-cursor" data-testid="map-cursor" hidden>
        <dt>${definition().inputs[0]}</dt><dd data-testid="map-cursor-x"></dd>
        <dt>${definition().inputs[1]}</dt><dd data-testid="map-cursor-y"></dd>
        <dt data-role="cursor-output"></dt><dd data-testid="map-cursor-out"></dd>
      </dl>`;
    root.querySelector("[data-testid=map-output]").addEventListener("change", (event) => {
      output = event.target.value;
      draw();
    });
    builtFrom = definition();
    drawnKey = null;
  }

  function say(text) {
    root.querySelector("[data-role=map-message]").textContent = text;
  }

  async function drawNow() {
    if (!shown) return;
    const { state } = shown;
    const key = JSON.stringify([state.layers, state.weights, state.biases, state.options, state.data, output]);
    if (!grid || grid.key !== key) {
      try {
        grid = { key, answer: await request(state, output, RESOLUTION) };
      } catch (error) {
        say(t("data.map.failed", { message: error.message }));
        return;
      }
    }
    say("");
    await plot();
  }

  function showCursor(x, y, z) {
    const { digits } = shown;
    reading.querySelector("[data-role=cursor-none]").hidden = true;
    const list = reading.querySelector("[data-testid=map-cursor]");
    list.hidden = false;
    for (const [id, value] of [["x", x], ["y", y], ["out", z]]) {
      const cell = list.querySelector(`[data-testid=map-cursor-${id}]`);
      cell.textContent = formatNumber(value, digits);
      cell.dataset.value = exact(value);
    }
  }

  async function plot() {
    const { state, data, forwards, digits } = shown;
    root.querySelector("[data-role=map-intro]").textContent = t("data.map.intro", { output: `out_${output}` });
    reading.querySelector("[data-role=cursor-output]").textContent = `out_${output}`;
    const key = `${grid.key}:${JSON.stringify(forwards)}:${digits}:${document.documentElement.lang}`;
    if (key === drawnKey) return;
    const plotly = await loader.load();
    const element = root.querySelector(".map-plot");
    const range = colourRange(state.options, grid.answer);
    const font = { family: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', sans-serif", size: 17, color: "#111" };
    const [i1, i2] = definition().inputs;
    const narrow = element.clientWidth < 480; // a phone: a thinner colour bar, more square
    const layout = {
      margin: narrow ? { l: 60, r: 4, t: 6, b: 48 } : { l: 64, r: 10, t: 10, b: 56 },
      font,
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff",
      xaxis: { title: { text: i1 }, zeroline: false, constrain: "domain" },
      yaxis: { title: { text: i2 }, zeroline: false, scaleanchor: "x", constrain: "domain" },
      showlegend: false,
      hoverlabel: { font: { size: 17 } },
      uirevision: definition().layers.join("-"),
    };
    const traces = outputTraces(grid.answer, data, forwards, output, range, digits);
    if (narrow) traces[0].colorbar = { ...traces[0].colorbar, thickness: 12, title: { text: "" } };
    await plotly.react(element, traces, layout,
      { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"] });
    if (!element.dataset.listening) {
      element.dataset.listening = "true";
      const read = (event) => {
        const point = event.points?.find((p) => p.data.type === "heatmap");
        if (point) showCursor(point.x, point.y, point.z);
      };
      element.on("plotly_hover", read);
      element.on("plotly_click", read); // a phone's tap

    }
    element.dataset.output = output;
    element.dataset.resolution = String(grid.answer.x.values.length);
    element.dataset.rows = String(data.length);
    drawnKey = key;
  }

  return {
    /** Draw `state`'s output over its inputs with its rows `data` and their forward passes. */
    update({ state, data, forwards }, { digits }) {
      if (builtFrom !== definition()) build();
      shown = { state, data, forwards, digits };
      return draw();
    },
    rebuild() {
      builtFrom = null;
    },
  };
}
