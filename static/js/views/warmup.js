// The warm-up of the computational-graph view: the fruit purchase of the graph lesson, as its
// multiply and add layers. The page's ONLY arithmetic lives here, because this toy graph is not
// the network the server computes: each layer keeps what its backward pass needs, as in the
// lesson's MulLayer and AddLayer.

import { t } from "../i18n/index.js";
import { parseDecimal } from "./editor.js";
import { exact, formatNumber } from "./format.js";
import { svg } from "./svg.js";

export class MulLayer {
  forward(x, y) {
    this.x = x;
    this.y = y;
    return x * y;
  }

  /** Return [dx, dy]: each input's gradient is dout times the other input. */
  backward(dout) {
    return [dout * this.y, dout * this.x];
  }
}

export class AddLayer {
  forward(x, y) {
    return x + y;
  }

  /** Return [dx, dy]: an add node passes dout unchanged to both inputs. */
  backward(dout) {
    return [dout, dout];
  }
}

/** The purchase: `count` units at `price` each, plus a `fee`; every value of both passes. */
export function purchase(price, count, fee) {
  const mul = new MulLayer();
  const add = new AddLayer();
  const subtotal = mul.forward(price, count);
  const total = add.forward(subtotal, fee);
  const dtotal = 1;
  const [dsubtotal, dfee] = add.backward(dtotal);
  const [dprice, dcount] = mul.backward(dsubtotal);
  return { price, count, fee, subtotal, total, dtotal, dsubtotal, dfee, dprice, dcount };
}

// --- The warm-up: the fruit purchase --------------------------------------------------------

export function createWarmup(root) {
  const values = { price: 10, count: 5, fee: 8 };

  function build() {
    const field = (name) => `
      <label class="option"><span class="option-label">${t(`lessons.warmup.${name}`)}</span>
        <input class="check-input" type="text" inputmode="decimal" name="${name}" data-testid="warmup-${name}" value="${values[name]}"></label>`;
    root.innerHTML = `
      <h3 class="lesson-subheading">${t("lessons.warmup.title")}</h3>
      <p class="lesson-note">${t("lessons.warmup.intro")}</p>
      <form class="warmup-form" novalidate autocomplete="off">${field("price")}${field("count")}${field("fee")}
        <span class="field-message" data-testid="warmup-message" role="alert"></span></form>
      <svg class="warmup-graph" viewBox="0 0 1500 330" role="img" aria-label="${t("lessons.warmup.aria")}"></svg>
      <p class="lesson-note">${t("lessons.warmup.after")}</p>`;
    const form = root.querySelector("form");
    form.addEventListener("input", () => {
      const message = root.querySelector(".field-message");
      for (const name of Object.keys(values)) {
        const parsed = parseDecimal(form.elements[name].value);
        if (parsed.error) {
          message.textContent = `${t(`lessons.warmup.${name}`)}: ${parsed.error}`;
          return;
        }
        values[name] = parsed.value;
      }
      message.textContent = "";
      draw();
    });
    draw();
  }

  function draw() {
    const r = purchase(values.price, values.count, values.fee);
    const root2 = root.querySelector(".warmup-graph");
    root2.replaceChildren();
    const defs = svg("defs", {}, root2);
    const marker = svg("marker", { id: "warmup-arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" }, defs);
    svg("path", { d: "M0,0 L10,5 L0,10 z", class: "graph-arrow-head" }, marker);
    const node = (x, y, symbol) => {
      svg("circle", { cx: x, cy: y, r: 46, class: "warmup-node" }, root2);
      svg("text", { x, y: y + 14, "text-anchor": "middle", class: "warmup-symbol" }, root2).textContent = symbol;
    };
    const leaf = (x, y, name) => {
      svg("text", { x, y: y + 10, "text-anchor": "end", class: "warmup-leaf" }, root2).textContent = name;
    };
    // an arrow from (x1,y1) to (x2,y2): the forward value above it, the gradient below it
    const arrow = (x1, y1, x2, y2, forward, backward, id) => {
      svg("line", { x1, y1, x2, y2, class: "graph-edge", "marker-end": "url(#warmup-arrow)" }, root2);
      const mx = (x1 + x2) / 2;
      const my = (y1 + y2) / 2;
      const f = svg("text", { x: mx, y: my - 16, "text-anchor": "middle", class: "warmup-forward", "data-testid": `warmup-${id}-forward` }, root2);
      f.textContent = formatNumber(forward, 6);
      f.setAttribute("data-value", exact(forward));
      const b = svg("text", { x: mx, y: my + 40, "text-anchor": "middle", class: "warmup-backward", "data-testid": `warmup-${id}-gradient` }, root2);
      b.textContent = `← ${formatNumber(backward, 6)}`;
      b.setAttribute("data-value", exact(backward));
    };
    leaf(250, 80, t("lessons.warmup.price"));
    leaf(250, 250, t("lessons.warmup.count"));
    node(560, 165, "×");
    arrow(270, 80, 516, 150, r.price, r.dprice, "price");
    arrow(270, 250, 516, 180, r.count, r.dcount, "count");
    leaf(760, 305, t("lessons.warmup.fee"));
    node(1060, 165, "+");
    arrow(606, 165, 1014, 165, r.subtotal, r.dsubtotal, "subtotal");
    arrow(780, 295, 1018, 190, r.fee, r.dfee, "fee");
    arrow(1106, 165, 1430, 165, r.total, r.dtotal, "total");
  }

  build();
  return { rebuild: build };
}
