// The rows of data as a table: each row's inputs and targets, the network's outputs on it now
// and its error, every number the server's (the forward pass of each row it answers with). A
// row is chosen with a click (or Enter on it) and the page shows that row on the network.

import { exact, formatNumber } from "./format.js";
import { t } from "../i18n/index.js";
import { definition } from "../state/definition.js";

/** The table's content: the columns [{key, name, group}] and each row's cells by key, read from
 * the rows of data (`data`: [{inputs, targets}]) and each row's forward pass (`forwards`). */
export function rowsTable(data, forwards) {
  const { inputs, outputs } = definition();
  const columns = [
    ...inputs.map((name) => ({ key: name, name, group: "input" })),
    ...outputs.map((name) => ({ key: `t_${name}`, name: `t_${name}`, group: "target" })),
    ...outputs.map((name) => ({ key: `out_${name}`, name: `out_${name}`, group: "output" })),
    { key: "E_total", name: "E_total", group: "error" },
  ];
  const rows = data.map((row, k) => {
    const forward = forwards?.[k] ?? null;
    const cells = {};
    for (const name of inputs) cells[name] = row.inputs[name];
    for (const name of outputs) cells[`t_${name}`] = row.targets[name];
    for (const name of outputs) cells[`out_${name}`] = forward ? forward[`out_${name}`] : null;
    cells.E_total = forward ? forward.E_total : null;
    return cells;
  });
  return { columns, rows };
}

/** "out_o1" as written on the page: out with o1 as a subscript. */
const written = (name) => name.replace(/^(\w+?)_(\w+)$/, "$1<sub>$2</sub>");

export function createRowsTable(root, { onChoose }) {
  let shape = null; // the definition and row count the table was built for
  let rowCount = 0;

  root.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-row]");
    if (row) onChoose(Number(row.dataset.row));
  });
  root.addEventListener("keydown", (event) => {
    const row = event.target.closest("tr[data-row]");
    if (!row || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    onChoose(Number(row.dataset.row));
  });

  function build(columns, count) {
    root.innerHTML = `
      <table class="lesson-table data-table" data-testid="data-table">
        <caption class="visually-hidden">${t("data.heading")}</caption>
        <thead><tr>
          <th scope="col">${t("data.row")}</th>
          ${columns.map((c) => `<th scope="col" class="data-${c.group}">${written(c.name)}</th>`).join("")}
        </tr></thead>
        <tbody>${Array.from({ length: count }, (_, k) => `
          <tr data-row="${k}" data-testid="data-row-${k}" tabindex="0" aria-label="${t("data.rowLabel", { row: k + 1 })}">
            <th scope="row"><span class="data-number">${k + 1}</span><span class="data-next" data-role="next" title="${t("data.nextTitle")}" hidden>${t("data.next")}</span></th>
            ${columns.map((c) => `<td class="data-${c.group}" data-testid="data-row-${k}-${c.key}">…</td>`).join("")}
          </tr>`).join("")}
        </tbody>
        <tfoot><tr>
          <th scope="row" colspan="${columns.length}">${t("data.mean")}</th>
          <td data-testid="data-mean">…</td>
        </tr></tfoot>
      </table>`;
  }

  return {
    /** Show `data` (the rows) with `forwards` (each row's forward pass, or null while unknown),
     * `loss` (their mean E_total), the row `chosen` and the row the next update uses (`next`,
     * null in a batch). */
    render({ data, forwards, loss, chosen, next }, { digits }) {
      const { columns, rows } = rowsTable(data, forwards);
      if (shape !== definition() || rowCount !== rows.length) {
        build(columns, rows.length);
        shape = definition();
        rowCount = rows.length;
      }
      rows.forEach((cells, k) => {
        const tr = root.querySelector(`tr[data-row="${k}"]`);
        tr.classList.toggle("chosen", k === chosen);
        tr.setAttribute("aria-current", String(k === chosen));
        tr.querySelector("[data-role=next]").hidden = k !== next;
        for (const column of columns) {
          const cell = tr.querySelector(`[data-testid="data-row-${k}-${column.key}"]`);
          const value = cells[column.key];
          cell.textContent = value === null ? "…" : formatNumber(value, digits);
          cell.dataset.value = exact(value);
        }
      });
      const mean = root.querySelector("[data-testid=data-mean]");
      mean.textContent = loss === null || loss === undefined ? "…" : formatNumber(loss, digits);
      mean.dataset.value = exact(loss);
    },
    rebuild() {
      shape = null;
    },
  };
}
