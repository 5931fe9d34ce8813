// Where the diagram's parts go for a network of any shape: pure functions of its definition
// ({neurons, weights, biases}), so that node can test them without a page. The worked
// example's 2-2-2 keeps the hand-drawn tables of diagram.js; every other shape is laid out here.
//
// Two drawings, as for the example. Wide: the layers run left to right across the example's
// 1464 units, so that text drawn at the example's size reads at the example's size on a
// projector (28 units are 18 px at 1280×720). Tall (a phone): the layers run top to bottom
// across 350 units, drawn about 1:1.
//
// A network whose numbers all fit is drawn with all of them. A larger one keeps the size of
// its text and shows less: its neurons the rows that fit (out and δ first), and its weights'
// numbers only for the weights selected, in a band of slots at the top ("focus"); the paths
// of a selected weight are marked on the drawing.

const WIDTH = 1464;
const MARGIN = 8;
const LINE = 28;
const TITLE = 34;
const MAX_COLUMN = 560; // the tallest column of boxes: the stage keeps room for the explanation
const GAP = 10; // the least room between two boxes of a column
const WIDTHS = { input: 100, hidden: 260, output: 270 };
// a weight's label (name, then ∂E/∂w and Δw or the updated weight), as measured on a projector
const LABEL = { w: 320, h: 100 };
const BAND = LABEL.h + 16; // the focus band's height, above the columns

// Which rows a neuron's box holds, in the order they are drawn; with less room, the first
// rows of PRIORITY are kept.
export const ROWS = {
  hidden: ["net", "out", "δ"],
  output: ["net", "out", "target", "E", "δ"],
};
const PRIORITY = { hidden: ["out", "δ", "net"], output: ["out", "δ", "target", "E", "net"] };

const kindOf = (index, count) => (index === 0 ? "input" : index === count - 1 ? "output" : "hidden");

/** The first `count` rows of `kind` by priority, in drawing order. */
export function rowsKept(kind, count) {
  const kept = new Set(PRIORITY[kind].slice(0, count));
  return ROWS[kind].filter((row) => kept.has(row));
}

const overlaps = (a, b, margin = 0) => a.x < b.x + b.w + margin && b.x < a.x + a.w + margin
  && a.y < b.y + b.h + margin && b.y < a.y + a.h + margin;
const rectOf = (box) => ({ x: box.x - box.w / 2, y: box.y - box.h / 2, w: box.w, h: box.h });

/** Where each weight's edge leaves its source and enters its target: spread along the box's
 * side in the order of the neurons at the other end, so that no two edges meet at a box. */
function ends(weights, boxes, flow) {
  const along = flow === "down" ? "x" : "y";
  const side = (box, sign) => (flow === "down"
    ? { x: box.x, y: box.y + sign * box.h / 2 }
    : { x: box.x + sign * box.w / 2, y: box.y });
  const spread = (box, others) => {
    const extent = flow === "down" ? box.w : box.h;
    const step = Math.min(flow === "down" ? 14 : 20, (extent - 16) / Math.max(others.length, 1));
    return new Map(others.map((name, k) => [name, (k - (others.length - 1) / 2) * step]));
  };
  const byPosition = (names) => [...names].sort((a, b) => boxes[a][along] - boxes[b][along]);
  const out = {};
  const outOffsets = new Map();
  const inOffsets = new Map();
  for (const name of new Set(weights.map((w) => w.from))) {
    outOffsets.set(name, spread(boxes[name], byPosition(weights.filter((w) => w.from === name).map((w) => w.to))));
  }
  for (const name of new Set(weights.map((w) => w.to))) {
    inOffsets.set(name, spread(boxes[name], byPosition(weights.filter((w) => w.to === name).map((w) => w.from))));
  }
  for (const w of weights) {
    const a = side(boxes[w.from], 1);
    const b = side(boxes[w.to], -1);
    a[along] += outOffsets.get(w.from).get(w.to);
    b[along] += inOffsets.get(w.to).get(w.from);
    out[w.name] = { a, b };
  }
  return out;
}

// --- Wide: left to right ------------------------------------------------------------------

const wideHeight = (kind, rows) => (kind === "input" ? 84 : TITLE + LINE * rows + 22);

/** The wide drawing of `network` ({neurons, weights, biases}) in the form diagram.js draws. */
export function wideLayout(network) {
  const full = wideAttempt(network, null);
  if (full) return full;
  const layers = network.neurons.length;
  // focus: each column the most rows that fit, its bias a name and a number
  const rows = network.neurons.map((names, k) => {
    const kind = kindOf(k, layers);
    if (kind === "input") return null;
    for (let count = ROWS[kind].length; count > 1; count -= 1) {
      if (columnHeight(names.length, wideHeight(kind, count), 52) <= MAX_COLUMN) return count;
    }
    return 1;
  });
  return wideAttempt(network, rows);
}

function columnHeight(count, height, bias) {
  return count * height + (bias ? bias + GAP : 0) + GAP * (count - 1);
}

/** The wide layout with every row and every weight's label on its edge, or null when they do
 * not fit (`rows` null); with `rows` (per layer), the focus layout. */
function wideAttempt({ neurons, weights, biases }, rows) {
  const focus = rows !== null;
  const layers = neurons.length;
  const kinds = neurons.map((_, k) => kindOf(k, layers));
  const rowCounts = kinds.map((kind, k) => (kind === "input" ? 0 : focus ? rows[k] : ROWS[kind].length));
  const biasHeight = focus ? 52 : TITLE + LINE * 2 + 22;
  const heights = kinds.map((kind, k) => wideHeight(kind, rowCounts[k]));
  const columns = neurons.map((names, k) => columnHeight(names.length, heights[k], k ? biasHeight : 0));
  const tallest = Math.max(...columns);
  if (!focus && tallest > MAX_COLUMN) return null;
  // a full drawing may leave room above its columns and grow downwards for its labels
  const tries = [];
  for (let height = tallest; height <= MAX_COLUMN; height += 40) {
    for (const above of focus ? [0] : [0, 50, 100]) tries.push({ height, above });
  }
  tries.sort((p, q) => p.height + p.above - (q.height + q.above));

  const widths = kinds.map((kind) => WIDTHS[kind]);
  // between the columns: a gap of one or two edges the room of one label, the others the rest
  const spare = WIDTH - 2 * MARGIN - widths.reduce((a, b) => a + b, 0);
  const edgeCounts = neurons.slice(1).map((names, k) => names.length * neurons[k].length);
  const few = edgeCounts.filter((count) => count <= 2).length;
  const manyRoom = (spare - few * (LABEL.w + 24)) / (layers - 1 - few);
  const rooms = edgeCounts.map((count) => (focus || few === layers - 1 || manyRoom < LABEL.w + 24 ? spare / (layers - 1)
    : count <= 2 ? LABEL.w + 24 : manyRoom));

  for (const { height, above } of tries) {
    const top = (focus ? MARGIN + BAND : 60) + above;
    const boxes = {};
    let left = MARGIN;
    neurons.forEach((names, k) => {
      const x = left + widths[k] / 2;
      left += widths[k] + (rooms[k] ?? 0);
      // the bias between the middle two of its neurons (as b1 between h1 and h2), or below one
      const stack = names.map((name) => ({ name, h: heights[k] }));
      if (k) stack.splice(Math.ceil(names.length / 2), 0, { name: biases[k - 1].name, h: biasHeight, bias: true });
      const used = stack.reduce((sum, item) => sum + item.h, 0);
      const spare = stack.length > 1 ? (height - used) / (stack.length - 1) : 0;
      const gap = names.length > 1 || !k ? spare : Math.min(spare, 40);
      let y = top + (height - used - gap * (stack.length - 1)) / 2;
      for (const item of stack) {
        boxes[item.name] = { x, y: y + item.h / 2, w: widths[k], h: item.h };
        y += item.h + gap;
      }
    });
    const bottom = top + height + MARGIN + 4;
    const edgeEnds = ends(weights, boxes, "right");
    const caption = focus ? { x: MARGIN, y: 40, anchor: "start" } : { x: WIDTH / 2, y: 40, anchor: "middle" };
    const layout = {
      name: "wide",
      shape: neurons.map((names) => names.length).join("-"),
      viewBox: [0, 0, WIDTH, Math.ceil(bottom)],
      flow: "right",
      boxes,
      ends: edgeEnds,
      caption,
      rows: Object.fromEntries(kinds.flatMap((kind, k) => (kind === "input" ? [] : neurons[k].map((n) => [n, rowsKept(kind, rowCounts[k])])))),
      biasRows: focus ? null : { grad: 0, change: 1, stacked: false },
      fit: true,
      bias: { edge: "column" },
    };
    if (focus) {
      layout.labels = {};
      layout.focus = { slots: [0, 1, 2].map((k) => ({ x: WIDTH - MARGIN - k * (LABEL.w + 14), y: MARGIN, align: "right" })) };
      return layout;
    }
    const labels = placeLabels(weights, boxes, edgeEnds, { x: 0, y: 0, w: WIDTH, h: bottom }, caption);
    if (labels) return { ...layout, labels, focus: null };
  }
  return null;
}

/** A place on its edge for each weight's label that overlaps no box, no other label and stays
 * in the drawing; null when one has none. */
function placeLabels(weights, boxes, edgeEnds, frame, caption) {
  const taken = Object.values(boxes).map(rectOf);
  taken.push({ x: caption.x - 260, y: caption.y - 30, w: 520, h: 40 });
  const labels = {};
  // the edges nearest the middle of their gap choose first: they have the fewest places
  const ordered = [...weights].sort((p, q) => Math.abs(slope(edgeEnds[p.name])) - Math.abs(slope(edgeEnds[q.name])));
  for (const w of ordered) {
    const { a, b } = edgeEnds[w.name];
    let placed = null;
    for (const t of [0.35, 0.5, 0.65, 0.42, 0.58, 0.28, 0.72]) {
      const anchor = { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
      for (const side of ["above", "below", "on"]) {
        const top = side === "above" ? anchor.y - LABEL.h - 8 : side === "below" ? anchor.y + 10 : anchor.y - LABEL.h / 2;
        const rect = { x: anchor.x - LABEL.w / 2, y: top, w: LABEL.w, h: LABEL.h };
        const inside = rect.x >= frame.x && rect.y >= frame.y && rect.x + rect.w <= frame.w && rect.y + rect.h <= frame.h;
        if (inside && !taken.some((other) => overlaps(rect, other, 4))) {
          placed = { t, side, rect };
          break;
        }
      }
      if (placed) break;
    }
    if (!placed) return null;
    taken.push(placed.rect);
    labels[w.name] = { t: placed.t, side: placed.side };
  }
  return labels;
}

const slope = ({ a, b }) => (b.y - a.y) / (b.x - a.x || 1);

// --- Tall: top to bottom, a phone's ---------------------------------------------------------

const TALL_WIDTH = 350;
const TALL_LINE = 21;
const TALL_LABEL = 66; // a weight label of three rows, with its margins
const TALL_COLUMN = 170;
const MOST_SLOTTED = 9; // a gap with more weights than this shows the selected ones only

/** The phone's drawing of `network`: each layer a row of boxes (two or fewer side by side as
 * in the example; three or four narrower, each number under its row's name). */
export function tallLayout({ neurons, weights, biases }) {
  const layers = neurons.length;
  const gaps = neurons.slice(1).map((targets) => weights.filter((w) => targets.includes(w.to)));
  const focus = gaps.some((gap) => gap.length > MOST_SLOTTED);
  const boxes = {};
  const slots = {};
  const stackedRows = {};
  const rowsOf = {};
  let y = 26;
  const focusSlots = [];
  if (focus) {
    y += 6;
    focusSlots.push({ x: 0, y, align: "left" }, { x: TALL_WIDTH, y, align: "right" });
    y += TALL_LABEL + 8;
  }
  const rowHeight = (count, stacked) => TALL_LINE + TALL_LINE * count * (stacked ? 2 : 1) + 11;
  neurons.forEach((names, k) => {
    const kind = kindOf(k, layers);
    if (k) {
      // the weights into this layer in slots beside the edges, two to a row, then its bias
      const gap = gaps[k - 1];
      if (focus) {
        y += 40;
      } else {
        const midX = (w) => (boxes[w.from].x + columnX(names.indexOf(w.to), names.length)) / 2;
        const ordered = [...gap].sort((p, q) => midX(p) - midX(q));
        const left = ordered.slice(0, Math.ceil(ordered.length / 2));
        const right = ordered.slice(Math.ceil(ordered.length / 2));
        y += 14;
        for (let row = 0; row < left.length; row += 1) {
          slots[left[row].name] = { x: 0, y, align: "left" };
          if (right[row]) slots[right[row].name] = { x: TALL_WIDTH, y, align: "right" };
          y += TALL_LABEL + 8;
        }
      }
      const height = rowHeight(2, false);
      boxes[biases[k - 1].name] = { x: TALL_WIDTH / 2, y: y + height / 2, w: 230, h: height };
      y += height + 16;
    }
    const stacked = names.length > 2;
    const count = kind === "input" ? 0 : ROWS[kind].length;
    const height = kind === "input" ? 30 : rowHeight(count, stacked);
    names.forEach((name, j) => {
      boxes[name] = { x: columnX(j, names.length), y: y + height / 2, w: columnWidth(names.length), h: height };
      if (kind !== "input") {
        rowsOf[name] = ROWS[kind];
        stackedRows[name] = stacked;
      }
    });
    y += height;
  });
  return {
    name: "tall",
    shape: neurons.map((names) => names.length).join("-"),
    viewBox: [0, 0, TALL_WIDTH, Math.ceil(y + 6)],
    flow: "down",
    boxes,
    ends: ends(weights, boxes, "down"),
    labels: slots,
    caption: { x: TALL_WIDTH / 2, y: 16, anchor: "middle" },
    rows: rowsOf,
    stacked: stackedRows,
    biasRows: { grad: 0, change: 1, stacked: false },
    focus: focus ? { slots: focusSlots } : null,
    fit: true,
    labelWidth: TALL_COLUMN,
  };
}

/** A layer of `count` boxes across the phone: two or fewer in the example's columns. */
function columnWidth(count) {
  return count <= 2 ? TALL_COLUMN : (TALL_WIDTH - (count - 1) * 6) / count;
}
function columnX(index, count) {
  if (count === 1) return TALL_WIDTH / 2;
  if (count === 2) return index ? TALL_WIDTH - TALL_COLUMN / 2 : TALL_COLUMN / 2;
  const width = columnWidth(count);
  return width / 2 + index * (width + 6);
}
