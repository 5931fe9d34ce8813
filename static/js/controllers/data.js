// The data panel, shown while the network has rows of data: the rows table and, for a network
// with two inputs, its output over the input square. A small controller: it hands the views
// the state's rows and each row's forward pass (api.rowsFor) and sets the row chosen.

import * as api from "./api.js";
import { t } from "../i18n/index.js";
import { definition } from "../state/definition.js";
import { rowShown } from "../state/row.js";
import { createOutputMap } from "../views/outputmap.js";
import { createRowsTable } from "../views/rows.js";

export function createDataPanel(root, { plotly, onChoose }) {
  root.innerHTML = `
    <h2 class="panel-heading" id="data-heading"></h2>
    <p class="lesson-note" data-role="data-intro"></p>
    <div class="data-body">
      <div class="data-rows" data-role="rows"></div>
      <div class="data-map" data-role="map" data-testid="data-map"></div>
      <div class="map-reading" data-role="reading" data-testid="map-reading"></div>
      <p class="lesson-note data-map-note" data-role="map-note" data-testid="map-note" hidden></p>
    </div>`;
  const table = createRowsTable(root.querySelector("[data-role=rows]"), { onChoose });
  const reading = root.querySelector("[data-role=reading]");
  const map = createOutputMap(root.querySelector("[data-role=map]"), reading, { request: api.outputs, plotly });
  let language = null;
  let renders = 0; // the renders asked for: one that a later one overtook while it waited stops

  function text(batch) {
    root.querySelector("#data-heading").textContent = t("data.heading");
    root.querySelector("[data-role=data-intro]").textContent = t(batch ? "data.intro.batch" : "data.intro.online");
  }

  return {
    /** Show the network now (`page` the page state); hidden while it has no rows of data. */
    async render(page, { digits }) {
      const turn = ++renders;
      const network = page.network;
      const state = network?.state;
      root.hidden = !state?.data;
      if (root.hidden) return;
      const batch = state.options.training === "batch";
      if (language !== document.documentElement.lang) {
        language = document.documentElement.lang;
        table.rebuild();
        map.rebuild();
      }
      text(batch);
      const rows = await api.rowsFor(state);
      if (turn !== renders) return;
      table.render({
        data: state.data, forwards: rows, loss: network.loss,
        chosen: rowShown({ ...network, rows }, page.settings), next: batch ? null : state.iteration % state.data.length,
      }, { digits });
      const twoInputs = definition().inputs.length === 2;
      root.querySelector("[data-role=map]").hidden = !twoInputs;
      reading.hidden = !twoInputs;
      const note = root.querySelector("[data-role=map-note]");
      note.hidden = twoInputs;
      note.textContent = twoInputs ? "" : t("data.map.twoInputs", { count: definition().inputs.length });
      if (twoInputs) await map.update({ state, data: state.data, forwards: rows }, { digits });
      if (turn !== renders) return;
      root.dataset.rendered = String(state.iteration);
    },
  };
}
