// The loss curve: E_total per iteration, drawn by plotly.js (served by this app from the
// installed plotly package). Every point is plotted and hovering reads its exact iteration
// and value; plotly simplifies the drawn line itself, so 100,000 points stay smooth.

import { language, t } from "../i18n/index.js";
import { AS_PRINTED } from "./format.js";

const COLOR = "#0a5fa8";
const MARKER = "#d55e00";

/** Run plotly.js (fetched ahead by the <link rel=preload> `preload`), once `painted` resolves:
 * its 3 MB take a slow laptop seconds to evaluate, and the network must be on screen first. */
function plotlyReady(preload, painted) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  return painted.then(() => new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = preload.href;
    script.addEventListener("load", () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js did not load"))));
    script.addEventListener("error", () => reject(new Error("plotly.js could not be loaded")));
    document.head.appendChild(script);
  }));
}

export function createChart(element, { script, painted }) {
  let log = false;
  let digits = 9;
  let drawn = null; // {curve, log, digits, marker, language}
  let marker = null; // {x, y}: the iteration shown, when the timeline is not at the end
  let plotly = null;
  const ready = plotlyReady(script, painted).then((library) => {
    plotly = library;
    return library;
  });
  // The curve's box changes with the layout (presentation mode, the column beside the
  // diagram), not only with the window: follow the box itself.
  new ResizeObserver(() => {
    if (drawn && element.clientWidth && element.clientHeight) plotly.Plots.resize(element);
  }).observe(element);

  /** The page's text size where the curve sits: 18 px, 24 px on a large projector. */
  const fontSize = () => Math.round(parseFloat(getComputedStyle(element).fontSize)) || 18;

  function layout(last, size) {
    const narrow = element.clientWidth < 480;
    return {
      margin: narrow ? { l: 70, r: 12, t: 8, b: 56 } : { l: 92, r: 24, t: 12, b: 64 },
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff",
      font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', sans-serif", size, color: "#111" },
      xaxis: {
        title: { text: t("chart.iteration"), standoff: 8 },
        gridcolor: "#e2e5e9",
        zeroline: false,
        rangemode: "tozero",
        tickformat: ",d",
        ...(last < 10 ? { dtick: 1, tick0: 0 } : {}),
        hoverformat: ",d",
      },
      yaxis: {
        title: { text: "E<sub>total</sub>", standoff: 8 },
        type: log ? "log" : "linear",
        gridcolor: "#e2e5e9",
        zeroline: false,
        exponentformat: "power",
        rangemode: log ? "normal" : "tozero",
      },
      hovermode: "x",
      hoverlabel: { font: { size } },
      showlegend: false,
      uirevision: log ? "log" : "linear",
      dragmode: "zoom",
    };
  }

  const config = {
    displaylogo: false,
    responsive: true,
    scrollZoom: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toImage"],
  };

  /** Draw `curve` ({x, y}, see state/curve.js); resolve when plotly has drawn it. */
  async function draw(curve) {
    if (!plotly) await ready;
    const markerKey = marker ? `${marker.x}:${marker.y}` : "";
    const size = fontSize();
    if (drawn && drawn.curve === curve && drawn.log === log && drawn.digits === digits
      && drawn.marker === markerKey && drawn.language === language() && drawn.size === size) return;
    const { x, y } = curve;
    const trace = {
      type: "scatter",
      mode: x.length === 1 ? "markers" : "lines",
      x,
      y,
      line: { color: COLOR, width: 3 },
      marker: { color: COLOR, size: 9 },
      // plotly formats hover text itself; "as printed" reads nine significant digits there
      hovertemplate: `${t("chart.iteration")} %{x:,d}<br>E<sub>total</sub> = %{y:.${digits === AS_PRINTED ? 9 : digits}~g}<extra></extra>`,
    };
    const traces = [trace];
    if (marker) {
      traces.push({
        type: "scatter", mode: "markers", x: [marker.x], y: [marker.y], hoverinfo: "skip", name: "shown",
        marker: { color: MARKER, size: 16, symbol: "diamond", line: { color: "#111", width: 2 } },
      });
    }
    await plotly.react(element, traces, layout(x.length ? x[x.length - 1] : 0, size), config);
    element.dataset.points = String(x.length);
    element.dataset.marker = marker ? String(marker.x) : "";
    drawn = { curve, log, digits, marker: markerKey, language: language(), size };
  }

  return {
    ready,
    draw,
    setLog(value) {
      log = value;
    },
    setDigits(value) {
      digits = value;
    },
    /** Mark iteration `x` (E_total `y`) on the curve; null removes the mark. */
    setMarker(point) {
      marker = point;
    },
  };
}
