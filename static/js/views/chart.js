// The loss curve: E_total per iteration, drawn by plotly.js (served by this app from the
// installed plotly package). Every point is plotted and hovering reads its exact iteration
// and value; plotly simplifies the drawn line itself, so 100,000 points stay smooth.
//
// plotly.js runs only when there is a curve to draw (two points or more) near the window: at
// iteration 0 a note holds the curve's place, so the first load and the first Step never wait
// for it, and a phone that never scrolls to the curve never runs it.

import { language, t } from "../i18n/index.js";
import { AS_PRINTED } from "./format.js";

const COLOR = "#0a5fa8";
const MARKER = "#d55e00";
// "near": on screen, or a screen away from it
const NEAR = "100% 0px";
// Safari has no requestIdleCallback
const idle = (work) => (window.requestIdleCallback ? requestIdleCallback(work, { timeout: 2000 }) : setTimeout(work, 500));

/** Resolve after the next frame is painted (a task queued by a requestAnimationFrame callback
 * runs after that frame's paint). */
function nextPaint() {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
    setTimeout(resolve, 100); // a hidden page paints no frame: carry on all the same
  });
}

export function createChart(element, { plotly: loader, heading = null }) {
  let log = false;
  let perEpoch = null; // with rows of data: the iterations an epoch takes, and x counts epochs
  let digits = 9;
  let drawn = null; // {curve, log, digits, marker, language}
  let marker = null; // {x, y}: the iteration shown, when the timeline is not at the end
  let plotly = null;
  let wanted = null; // the latest curve asked for
  let near = false;
  let chain = Promise.resolve(); // one drawing at a time
  let note = ""; // the note in the curve's place: its key and language
  // The curve's box changes with the layout (presentation mode, the column beside the
  // diagram), not only with the window: follow the box itself.
  new ResizeObserver(() => {
    if (drawn && element.clientWidth && element.clientHeight) plotly.Plots.resize(element);
  }).observe(element);
  new IntersectionObserver((entries) => {
    near = entries.at(-1).isIntersecting;
    if (near && wanted) draw(wanted);
  }, { rootMargin: NEAR }).observe(element);

  /** Show the text of `key` in the curve's place, or no note (null). */
  function showNote(key, params = {}) {
    const shown = key && `${key}:${language()}:${params.message ?? ""}`;
    if (shown === note) return;
    note = shown;
    element.querySelector(":scope > .chart-note")?.remove();
    if (!key) return;
    const paragraph = document.createElement("p");
    paragraph.className = "chart-note";
    paragraph.dataset.testid = "chart-note";
    paragraph.dataset.note = key;
    paragraph.textContent = t(key, params);
    element.prepend(paragraph);
  }

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
        title: { text: t(perEpoch ? "chart.epoch" : "chart.iteration"), standoff: 8 },
        gridcolor: "#e2e5e9",
        zeroline: false,
        rangemode: "tozero",
        tickformat: perEpoch > 1 ? ",~f" : ",d",
        // a short curve ticks every iteration, or with rows of data every epoch; within the
        // first epoch, every update (a quarter epoch on four rows)
        ...(last < 10 ? { dtick: last < 1 && perEpoch > 1 ? 1 / perEpoch : 1, tick0: 0 } : {}),
        hoverformat: perEpoch > 1 ? ",.4~f" : ",d",
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

  /** Show `curve` ({x, y}, see state/curve.js); resolve once it is drawn, or at once when it
   * waits for plotly's first use (a curve of one point) or for its box to come near the window.
   * aria-busy on the box says that a curve is owed to it. */
  function draw(curve) {
    wanted = curve;
    const turn = chain.then(() => (curve === wanted ? render(curve) : null)); // else a later turn draws
    chain = turn;
    return turn;
  }

  async function render(curve) {
    if (!plotly && curve.x.length < 2) {
      element.removeAttribute("aria-busy");
      showNote("chart.waiting");
      if (near) idle(() => loader.prefetch());
      return;
    }
    element.setAttribute("aria-busy", "true");
    if (!near) return;
    try {
      if (!plotly) {
        showNote("chart.loading");
        await nextPaint(); // the note is on screen before plotly.js holds the page
        plotly = await loader.load();
        showNote(null);
      }
      await plot(curve);
      if (curve === wanted) element.removeAttribute("aria-busy");
    } catch (error) {
      element.removeAttribute("aria-busy");
      showNote("chart.failed", { message: error.message });
    }
  }

  async function plot(curve) {
    const markerKey = marker ? `${marker.x}:${marker.y}` : "";
    const size = fontSize();
    if (drawn && drawn.curve === curve && drawn.log === log && drawn.digits === digits && drawn.perEpoch === perEpoch
      && drawn.marker === markerKey && drawn.language === language() && drawn.size === size) return;
    // with data the curve is read in epochs: an online epoch is one update per row
    const per = perEpoch ?? 1;
    const x = per === 1 ? curve.x : curve.x.map((iteration) => iteration / per);
    const { y } = curve;
    const unit = t(perEpoch ? "chart.epoch" : "chart.iteration");
    const trace = {
      type: "scatter",
      mode: x.length === 1 ? "markers" : "lines",
      x,
      y,
      line: { color: COLOR, width: 3 },
      marker: { color: COLOR, size: 9 },
      // plotly formats hover text itself; "as printed" reads nine significant digits there
      hovertemplate: `${unit} %{x:${per > 1 ? ",.4~f" : ",d"}}<br>E<sub>total</sub> = %{y:.${digits === AS_PRINTED ? 9 : digits}~g}<extra></extra>`,
    };
    const traces = [trace];
    if (marker) {
      traces.push({
        type: "scatter", mode: "markers", x: [marker.x / per], y: [marker.y], hoverinfo: "skip", name: "shown",
        marker: { color: MARKER, size: 16, symbol: "diamond", line: { color: "#111", width: 2 } },
      });
    }
    await plotly.react(element, traces, layout(x.length ? x[x.length - 1] : 0, size), config);
    element.dataset.points = String(x.length);
    element.dataset.marker = marker ? String(marker.x) : "";
    drawn = { curve, log, digits, marker: markerKey, language: language(), size, perEpoch };
  }

  return {
    draw,
    setLog(value) {
      log = value;
    },
    setDigits(value) {
      digits = value;
    },
    /** Count the curve in epochs of `iterations` each (a network with rows of data), or in
     * iterations (null); the heading says which. */
    setEpochs(iterations) {
      perEpoch = iterations;
      if (!heading) return;
      const key = iterations ? "chart.perEpoch" : "chart.perIteration";
      if (heading.dataset.i18n !== key) heading.dataset.i18n = key;
      heading.textContent = t(key);
    },
    /** Mark iteration `x` (E_total `y`) on the curve; null removes the mark. */
    setMarker(point) {
      marker = point;
    },
  };
}
