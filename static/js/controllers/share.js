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

/** The serializer's export `data` as one table, long format: iteration, section, quantity, value. */
export function toCsv(data) {
  const rows = [["iteration", "section", "quantity", "value"]];
  const add = (iteration, section, values) => {
    for (const [quantity, value] of Object.entries(values)) rows.push([iteration, section, quantity, value]);
  };
  const put = (iteration, section, state) => {
    add(iteration, section, {
      ...Object.fromEntries(Object.entries(state.inputs)),
      ...Object.fromEntries(Object.entries(state.targets).map(([k, v]) => [`target_${k}`, v])),
      ...state.weights, ...state.biases, learning_rate: state.learning_rate,
    });
  };
  if (data.update) {
    const { from, trace, to } = data.update;
    const n = to.iteration;
    put(n, "before", from);
    add(n, "forward", trace.forward);
    add(n, "factor", trace.factors);
    add(n, "delta", trace.deltas);
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
