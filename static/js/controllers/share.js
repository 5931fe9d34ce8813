// Share and export: the clipboard, downloads, and the CSV table of an export. What a link or an
// export holds is the serializer's (state/serialize.js): the iteration shown with its whole
// trace, and the history (E_total of every iteration done, and the checkpoint states).

/** Put `text` on the clipboard; resolve false when the browser refuses. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Offer `text` as a download named `filename`. */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The serializer's export `data` as one table, long format: iteration, section, quantity, value.
 * A network of another shape than 2-2-2 says its layers first; a row of data's numbers are
 * named by the row ("row2_i1", "row2_target_o1", "row2_out_o1"). */
export function toCsv(data) {
  const rows = [["iteration", "section", "quantity", "value"]];
  const add = (iteration, section, values, prefix = "") => {
    for (const [quantity, value] of Object.entries(values ?? {})) rows.push([iteration, section, `${prefix}${quantity}`, value]);
  };
  const own = (values) => ({
    ...values.inputs,
    ...Object.fromEntries(Object.entries(values.targets).map(([k, v]) => [`target_${k}`, v])),
  });
  const put = (iteration, section, state) => {
    if (state.data) state.data.forEach((row, k) => add(iteration, section, own(row), `row${k}_`));
    else add(iteration, section, own(state));
    add(iteration, section, { ...state.weights, ...state.biases, learning_rate: state.learning_rate });
  };
  const shown = data.update?.to ?? data.state;
  if (shown.layers) rows.push([shown.iteration, "network", "layers", shown.layers.join("-")]);
  if (data.update) {
    const { from, trace, to } = data.update;
    const n = to.iteration;
    put(n, "before", from);
    // a batch's trace holds each row's values; an online one those of its row
    const each = trace.rows ?? [{ forward: trace.forward, factors: trace.factors, deltas: trace.deltas }];
    for (const row of each) {
      const prefix = trace.rows ? `row${row.row}_` : "";
      add(n, "forward", row.forward, prefix);
      add(n, "factor", row.factors, prefix);
      add(n, "delta", row.deltas, prefix);
    }
    add(n, "gradient", trace.gradients);
    add(n, "change", trace.changes);
    put(n, "after", to);
    rows.push([n, "after", "E_total", data.update.E_total_after]);
  } else {
    put(data.iteration, "state", data.state);
    add(data.iteration, "forward", data.forward);
  }
  for (const point of data.history.E_total) rows.push([point.iteration, "history", "E_total", point.E_total]);
  return `${rows.map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}
