import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { layoutsOf } from "../../static/js/views/diagram.js";
import { rowsKept, tallLayout, wideLayout } from "../../static/js/views/layout.js";

const SHAPES = Object.keys(server.shapes);
const rectOf = (box) => ({ x: box.x - box.w / 2, y: box.y - box.h / 2, w: box.w, h: box.h });
const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (rect, [x, y, w, h]) => rect.x >= x && rect.y >= y && rect.x + rect.w <= x + w && rect.y + rect.h <= y + h;

function boxesOf(d) {
  return [...d.neurons.flat(), ...d.biases.map((b) => b.name)];
}

test("the worked example keeps its hand-drawn tables", () => {
  const { wide, tall } = layoutsOf(server.definition);
  assert.equal(wide.name, "wide");
  assert.deepEqual(wide.viewBox, [0, 60, 1464, 580]);
  assert.deepEqual(wide.boxes.h1, { x: 636, y: 175, w: 292, h: 140 });
  assert.equal(wide.ends, undefined);
  assert.equal(tall.viewBox[2], 350);
  assert.deepEqual(tall.boxes.o1.x, 85);
});

for (const shape of SHAPES) {
  const d = server.shapes[shape].definition;
  for (const [name, layout] of Object.entries(layoutsOf(d))) {
    test(`${shape}, ${name}: every neuron and bias has a box inside the drawing, and no two boxes overlap`, () => {
      const names = boxesOf(d);
      assert.deepEqual(Object.keys(layout.boxes).sort(), [...names].sort());
      const rects = names.map((n) => rectOf(layout.boxes[n]));
      for (const [k, rect] of rects.entries()) {
        assert.ok(inside(rect, layout.viewBox), `${names[k]} leaves the drawing`);
        for (const [j, other] of rects.entries()) {
          if (j > k) assert.ok(!overlaps(rect, other), `${names[k]} overlaps ${names[j]}`);
        }
      }
    });

    test(`${shape}, ${name}: each weight's edge runs from its source's box to its target's, no two from one point`, () => {
      const points = new Set();
      for (const w of d.weights) {
        const { a, b } = layout.ends[w.name];
        const from = rectOf(layout.boxes[w.from]);
        const to = rectOf(layout.boxes[w.to]);
        const on = (p, r) => p.x >= r.x - 0.01 && p.x <= r.x + r.w + 0.01 && p.y >= r.y - 0.01 && p.y <= r.y + r.h + 0.01;
        assert.ok(on(a, from) && on(b, to), w.name);
        points.add(`${a.x},${a.y}`);
        points.add(`${b.x},${b.y}`);
      }
      assert.equal(points.size, 2 * d.weights.length);
    });

    test(`${shape}, ${name}: a label on its edge or in the band for the selected, never both`, () => {
      const onEdges = Object.keys(layout.labels);
      if (layout.focus) {
        assert.deepEqual(onEdges, []);
        assert.ok(layout.focus.slots.length >= 2);
      } else {
        assert.deepEqual(onEdges.sort(), d.weights.map((w) => w.name).sort());
      }
    });
  }
}

test("on the projector the wide drawing keeps the example's width, so its text keeps its size", () => {
  for (const shape of SHAPES) {
    const { viewBox } = wideLayout(server.shapes[shape].definition);
    assert.equal(viewBox[2], 1464, shape);
    // the stage keeps room for the explanation under it (the example is 580 high)
    assert.ok(viewBox[3] <= 700, `${shape}: ${viewBox[3]}`);
  }
});

test("a larger network keeps its text's size and shows fewer rows: out and δ first", () => {
  const deep = wideLayout(server.shapes["4-4-4-4-4"].definition);
  assert.ok(deep.focus);
  assert.deepEqual(deep.rows.h1, ["out", "δ"]);
  assert.deepEqual(deep.rows.o4, ["out", "δ"]);
  assert.equal(deep.biasRows, null);
  const small = wideLayout(server.shapes["2-2-1"].definition);
  assert.equal(small.focus, null);
  assert.deepEqual(small.rows.o1, ["net", "out", "target", "E", "δ"]);
  assert.deepEqual(rowsKept("output", 3), ["out", "target", "δ"]);
});

test("a full wide drawing's labels, as large as a projector draws them, cover no box and no other label", () => {
  for (const shape of SHAPES) {
    const layout = wideLayout(server.shapes[shape].definition);
    if (layout.focus) continue;
    const labels = Object.entries(layout.labels).map(([name, { t, side }]) => {
      const { a, b } = layout.ends[name];
      const anchor = { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
      const top = side === "above" ? anchor.y - 108 : side === "below" ? anchor.y + 10 : anchor.y - 50;
      return { x: anchor.x - 160, y: top, w: 320, h: 100 };
    });
    const boxes = Object.values(layout.boxes).map(rectOf);
    for (const [k, label] of labels.entries()) {
      assert.ok(inside(label, layout.viewBox), shape);
      for (const box of boxes) assert.ok(!overlaps(label, box), shape);
      for (const other of labels.slice(k + 1)) assert.ok(!overlaps(label, other), shape);
    }
  }
});

test("the phone's drawing stays 350 units across, its layers top to bottom", () => {
  for (const shape of SHAPES) {
    const d = server.shapes[shape].definition;
    const layout = tallLayout(d);
    assert.equal(layout.viewBox[2], 350);
    const tops = d.neurons.map((layer) => Math.min(...layer.map((n) => layout.boxes[n].y)));
    assert.deepEqual([...tops].sort((p, q) => p - q), tops, shape);
    // three or four to a row: each number under its row's name
    for (const layer of d.neurons.slice(1)) {
      for (const n of layer) assert.equal(layout.stacked[n], layer.length > 2, n);
    }
  }
});

test("the layout is a function of the definition alone", () => {
  const d = server.shapes["2-3-3-2"].definition;
  assert.deepEqual(wideLayout(copy(d)), wideLayout(d));
  assert.deepEqual(tallLayout(copy(d)), tallLayout(d));
});
