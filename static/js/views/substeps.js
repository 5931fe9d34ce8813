// One iteration unfolded in the worked example's order, from the trace of a single /api/step:
// forward pass (h1, h2, o1, o2, the errors), output deltas, ∂E/∂w5…w8, the two paths into each
// hidden output, hidden deltas, ∂E/∂w1…w4, the updates. Each sub-step names what it reads and
// what it writes, shows its formula with the server's numbers, and hides what is not reached yet.

import { t } from "../i18n/index.js";
// the panel's formula lines wrap between their terms on a narrow screen (a phone's)
import {
  activation, d, DOT, EQ, half, wrappingLine as line, MINUS, mo, name, numberSlots, PLUS, squared, TIMES, updated,
} from "../math/mathml.js";
import { askedAt, createPredict } from "./predict.js";
import {
  bias, biasNames, biasOf, definition, isInput, isOutput, layers, passedOn, pathsOf, weight, weightNames, weightsInto,
} from "../state/definition.js";

// The edges come from the network's definition: the weights into a neuron, what each weight
// joins, the bias each neuron adds, the paths from a hidden neuron to the loss.
const into = (n) => weightsInto(n).map((w) => w.name);
const layerBias = (layer) => bias(biasOf(layer[0]));

/** A sum written with `sign` between its terms, each term a list of parts. */
const sum = (terms, sign = PLUS) => terms.flatMap((term, k) => (k ? [sign, ...term] : term));

/** net = Σ weight·what it multiplies + bias, as names and as numbers (`value(neuron)` gives
 * what a neuron passes on). */
function netLines(n, { sent, trace }, g, value) {
  const edges = weightsInto(n);
  const b = biasOf(n);
  return [
    line(name(`net_${n}`), EQ, ...sum(edges.map((e) => [name(e.name), DOT, name(passedOn(e.from))])), PLUS, name(b)),
    line(EQ, ...sum(edges.map((e) => [g(sent.weights[e.name]), TIMES, value(e.from)])), PLUS, g(sent.biases[b]), EQ,
      g(trace.forward[`net_${n}`], `net_${n}`, false)),
  ];
}

/** What a step reads to compute neuron `n`'s net: its sources, its weights, its bias. */
const netReads = (n) => [...weightsInto(n).map((e) => e.from), ...into(n), biasOf(n)];

/** The sub-steps of an iteration made under `options` (the sent state's). Each has an id, a
 * title, what it reads and writes (neurons and weights), the diagram values it reveals, the
 * values it computes (their keys, as withheld.js names them), and its formula lines for a
 * context {sent, trace, after, digits}. */
export function buildSubsteps(options) {
  const softmax = options.loss === "cross_entropy";
  const { hidden, outputs } = definition();
  const steps = [];
  for (const h of hidden) {
    steps.push({
      id: `forward-${h}`, stage: "forward", title: ["substep.forward", { n: h }],
      reads: netReads(h), writes: [h], reveals: [`net-${h}`, `out-${h}`],
      lines: (ctx, g) => [
        ...netLines(h, ctx, g, (n) => g(isInput(n) ? ctx.sent.inputs[n] : ctx.trace.forward[`out_${n}`])),
        line(name(`out_${h}`), EQ, activation(options.activation, name(`net_${h}`)), EQ,
          g(ctx.trace.forward[`out_${h}`], `out_${h}`, false)),
      ],
    });
  }
  const exponentials = sum(outputs.map((o) => [`<msup><mi>e</mi>${name(`net_${o}`)}</msup>`]), "<mo>+</mo>").join("");
  const [lastOutput] = outputs.slice(-1);
  for (const o of outputs) {
    const outLine = ({ trace }, g) => softmax
      ? line(name(`out_${o}`), EQ, `<mfrac><msup><mi>e</mi>${name(`net_${o}`)}</msup><mrow>${exponentials}</mrow></mfrac>`,
        EQ, g(trace.forward[`out_${o}`], `out_${o}`, false))
      : line(name(`out_${o}`), EQ, activation(options.activation, name(`net_${o}`)), EQ,
        g(trace.forward[`out_${o}`], `out_${o}`, false));
    steps.push({
      id: `forward-${o}`, stage: "forward", title: ["substep.forward", { n: o }],
      reads: netReads(o), writes: [o],
      // a softmax output needs every net: the outputs appear once the last one is known
      reveals: softmax ? (o === lastOutput ? [`net-${o}`, ...outputs.map((n) => `out-${n}`)] : [`net-${o}`])
        : [`net-${o}`, `out-${o}`],
      lines: (ctx, g) => {
        const { trace } = ctx;
        const rows = netLines(o, ctx, g, (h) => g(trace.forward[`out_${h}`]));
        if (!softmax) rows.push(outLine(ctx, g));
        else if (o === lastOutput) {
          rows.push(outLine({ trace }, g), ...outputs.filter((n) => n !== o)
            .map((n) => line(name(`out_${n}`), EQ, g(trace.forward[`out_${n}`], `out_${n}`, false))));
        }
        return rows;
      },
    });
  }
  steps.push({
    id: "errors", stage: "forward", title: ["substep.errors", {}],
    reads: outputs, writes: outputs, reveals: outputs.map((o) => `error-${o}`),
    lines: ({ sent, trace }, g) => {
      const rows = [];
      for (const o of outputs) {
        const target = sent.targets[o];
        const out = trace.forward[`out_${o}`];
        if (softmax) {
          rows.push(line(name(`E_${o}`), EQ, MINUS, `<msub><mi mathvariant="normal">target</mi><mi mathvariant="normal">${o}</mi></msub>`,
            DOT, `<mi>ln</mi>`, name(`out_${o}`), EQ, MINUS, g(target), TIMES, `<mi>ln</mi>`, g(out), EQ,
            g(trace.forward[`E_${o}`], `E_${o}`, false)));
        } else {
          rows.push(line(name(`E_${o}`), EQ, half, squared(`<msub><mi mathvariant="normal">target</mi><mi mathvariant="normal">${o}</mi></msub>${MINUS}${name(`out_${o}`)}`),
            EQ, half, squared(`${g(target)}${MINUS}${g(out)}`), EQ, g(trace.forward[`E_${o}`], `E_${o}`, false)));
        }
      }
      rows.push(line(name("E_total"), EQ, ...sum(outputs.map((o) => [name(`E_${o}`)])), EQ,
        ...sum(outputs.map((o) => [g(trace.forward[`E_${o}`])])), EQ, g(trace.forward.E_total, "E_total", false)));
      return rows;
    },
  });
  for (const o of outputs) {
    steps.push({
      id: `delta-${o}`, stage: "backward", title: ["substep.deltaOutput", { n: o }],
      reads: [o], writes: [o], reveals: [`delta-${o}`], computes: [`delta_${o}`],
      lines: ({ sent, trace }, g) => softmax
        ? [line(name(`δ_${o}`), EQ, d("E_total", `net_${o}`), EQ, name(`out_${o}`), MINUS,
          `<msub><mi mathvariant="normal">target</mi><mi mathvariant="normal">${o}</mi></msub>`),
        line(EQ, g(trace.forward[`out_${o}`]), MINUS, g(sent.targets[o]), EQ, g(trace.deltas[o], `delta_${o}`, false))]
        : [line(name(`δ_${o}`), EQ, d("E_total", `net_${o}`), EQ, d("E_total", `out_${o}`), DOT, d(`out_${o}`, `net_${o}`)),
          line(EQ, g(trace.factors[`dE_dout_${o}`]), TIMES, g(trace.factors[`dout_${o}_dnet_${o}`]), EQ,
            g(trace.deltas[o], `delta_${o}`, false))],
    });
  }
  for (const w of outputs.flatMap(into)) steps.push(gradientStep(w, softmax));
  if (options.train_biases) steps.push(biasStep(layerBias(outputs)));
  // each hidden layer from the top: the paths into each neuron's out, its δ, the gradients of
  // the weights into the layer (and of its bias)
  for (const layer of layers().slice(1, -1).reverse()) {
    for (const h of layer) steps.push(pathsStep(h));
    for (const h of layer) steps.push(hiddenDeltaStep(h));
    for (const w of layer.flatMap(into)) steps.push(gradientStep(w, softmax));
    if (options.train_biases) steps.push(biasStep(layerBias(layer)));
  }
  const weights = weightNames();
  const trained = options.train_biases ? definition().parameters : weights;
  steps.push({
    id: "updates", stage: "update", title: ["substep.updates", {}],
    reads: weights, writes: weights,
    reveals: [...trained.map((p) => `change-${p}`),
      ...(options.train_biases ? [] : [...biasNames().map((b) => `grad-${b}`), ...biasNames().map((b) => `change-${b}`)])],
    showsAfter: true,
    computes: trained.flatMap((p) => [`change_${p}`, `new_${p}`]),
    lines: ({ sent, trace, after }, g) => [
      line(updated("w"), EQ, mi_w(), MINUS, name("η"), DOT, d("E_total", "w")),
      `<div class="substep-updates">${trained.map((p) => {
        const group = p in sent.weights ? "weights" : "biases";
        return line(updated(p), EQ, g(sent[group][p]), MINUS, g(sent.learning_rate), TIMES, g(trace.gradients[p]),
          EQ, g(after[group][p], `new_${p}`, false));
      }).join("")}</div>`,
    ],
  });
  return steps;
}

const mi_w = () => "<mi>w</mi>";

/** How hidden `h`'s out reaches E_total: one path through each neuron it feeds, δ times the
 * weight crossed (an output's part written ∂E_o/∂out_h, as in the worked example). */
function pathsStep(h) {
  const paths = pathsOf(h);
  const part = (p) => (isOutput(p.through) ? d(`E_${p.through}`, `out_${h}`) : `${name(`δ_${p.through}`)}${DOT}${name(p.weight)}`);
  return {
    id: `paths-${h}`, stage: "backward", title: ["substep.paths", { n: h }],
    reads: [...paths.map((p) => p.through), ...paths.map((p) => p.weight)], writes: [h], reveals: [],
    computes: [...paths.map((p) => p.factor), `dE_dout_${h}`],
    lines: ({ trace }, g) => {
      const f = trace.factors;
      return [
        line(d("E_total", `out_${h}`), EQ, ...sum(paths.map((p) => [part(p)]))),
        ...paths.map((p) => line(...(isOutput(p.through) ? [d(`E_${p.through}`, `out_${h}`), EQ] : []), name(`δ_${p.through}`), DOT,
          name(p.weight), EQ, g(trace.deltas[p.through]), TIMES, g(f[p.local]), EQ, g(f[p.factor], p.factor, false))),
        line(d("E_total", `out_${h}`), EQ, ...sum(paths.map((p) => [g(f[p.factor])])), EQ,
          g(f[`dE_dout_${h}`], `dE_dout_${h}`, false)),
      ];
    },
  };
}

function hiddenDeltaStep(h) {
  return {
    id: `delta-${h}`, stage: "backward", title: ["substep.deltaHidden", { n: h }],
    reads: [h], writes: [h], reveals: [`delta-${h}`], computes: [`delta_${h}`],
    lines: ({ trace }, g) => [
      line(name(`δ_${h}`), EQ, d("E_total", `out_${h}`), DOT, d(`out_${h}`, `net_${h}`)),
      line(EQ, g(trace.factors[`dE_dout_${h}`]), TIMES, g(trace.factors[`dout_${h}_dnet_${h}`]), EQ,
        g(trace.deltas[h], `delta_${h}`, false)),
    ],
  };
}

function gradientStep(w, softmax) {
  const { from, to } = weight(w);
  const output = isOutput(to);
  const source = passedOn(from);
  return {
    id: `gradient-${w}`, stage: "backward", title: ["substep.gradient", { w }],
    reads: [from, to], writes: [w], reveals: [`grad-${w}`], computes: [`gradient_${w}`],
    lines: ({ trace }, g) => {
      const f = trace.factors;
      const dnet = f[`dnet_${to}_d${w}`];
      if (output && softmax) {
        return [
          line(d("E_total", w), EQ, d("E_total", `net_${to}`), DOT, d(`net_${to}`, w), EQ, name(`δ_${to}`), DOT, name(source)),
          line(EQ, g(trace.deltas[to]), TIMES, g(dnet), EQ, g(trace.gradients[w], `gradient_${w}`, false)),
        ];
      }
      return [
        line(d("E_total", w), EQ, d("E_total", `out_${to}`), DOT, d(`out_${to}`, `net_${to}`), DOT, d(`net_${to}`, w),
          mo("="), name(`δ_${to}`), DOT, name(source)),
        line(EQ, g(f[`dE_dout_${to}`]), TIMES, g(f[`dout_${to}_dnet_${to}`]), TIMES, g(dnet), EQ, g(trace.gradients[w], `gradient_${w}`, false)),
      ];
    },
  };
}

/** A bias is shared by its layer's neurons: its gradient sums their deltas. */
function biasStep({ name: b, to: fed }) {
  return {
    id: `gradient-${b}`, stage: "backward", title: ["substep.gradient", { w: b }],
    reads: fed, writes: [b], reveals: [`grad-${b}`], computes: [`gradient_${b}`],
    lines: ({ trace }, g) => [
      line(d("E_total", b), EQ, ...sum(fed.map((n) => [name(`δ_${n}`)])), EQ, ...sum(fed.map((n) => [g(trace.deltas[n])])),
        EQ, g(trace.gradients[b], `gradient_${b}`, false)),
    ],
  };
}

// --- The panel and the diagram's highlights ---------------------------------------------------

/** Every diagram value a walk may hide, in the order the sub-steps reveal them. */
function allReveals(steps) {
  return steps.flatMap((step) => step.reveals);
}

export function createSubstepPanel(panel, diagramRoot, { onAnswer }) {
  const predict = createPredict({ onAnswer });

  function clearDiagram() {
    for (const element of diagramRoot.querySelectorAll(".unreached")) element.classList.remove("unreached");
    for (const element of diagramRoot.querySelectorAll(".reads, .writes")) element.classList.remove("reads", "writes");
    diagramRoot.classList.remove("walking");
  }

  function mark(names, kind) {
    for (const item of names) {
      const selector = weight(item) ? `.edge[data-param="${item}"], .edge-label[data-param="${item}"]`
        : `[data-node="${item}"]`;
      for (const element of diagramRoot.querySelectorAll(selector)) element.classList.add(kind);
    }
  }

  /** Show sub-step `walk.index` of `walk` ({steps, index, sent, trace, after, answers, asking,
   * withheld}); the values withheld (withheld.js) arrive as null and read "?". */
  function show(walk, { digits }) {
    clearDiagram();
    const step = walk.steps[walk.index];
    const question = walk.asking ? askedAt(step.id) : null;
    const pending = question && !(question in walk.answers);
    // before the class answers, this sub-step's values stay hidden too
    const reached = walk.steps.slice(0, pending ? walk.index : walk.index + 1);
    const shown = new Set(allReveals(reached));
    for (const cell of allReveals(walk.steps)) {
      if (shown.has(cell)) continue;
      diagramRoot.querySelector(`[data-cell="${cell}"]`)?.classList.add("unreached");
    }
    diagramRoot.classList.add("walking");
    mark(step.reads.filter((r) => !step.writes.includes(r)), "reads");
    mark(step.writes, "writes");

    const ctx = { sent: walk.sent, trace: walk.trace, after: walk.after, loss: walk.loss };
    // the formula's markup is the page's own: every number goes in afterwards, as text
    const numbers = numberSlots(digits);
    const g = (value, key = null, bracket = true) => (value === null
      ? `<mi class="withheld" data-withheld=""${key ? ` data-testid="substep-value-${key}"` : ""}>?</mi>`
      : numbers.num(value, { key, bracket }));
    const [titleKey, params] = step.title;
    panel.hidden = false;
    panel.dataset.substep = step.id;
    panel.dataset.index = String(walk.index);
    panel.innerHTML = `
      <div class="substep-head">
        <span class="substep-count" data-testid="substep-count"></span>
        <h3 class="substep-title" data-testid="substep-title"></h3>
        <span class="substep-key"><span class="key-reads"></span> <span class="key-writes"></span></span>
      </div>
      <div class="substep-body"${pending ? " hidden" : ""} data-testid="substep-formula">${step.lines(ctx, g).join("")}</div>
      <div class="substep-predict"></div>`;
    numbers.fill(panel);
    const texts = {
      ".substep-count": t("substep.count", { k: walk.index + 1, n: walk.steps.length, from: walk.sent.iteration, iteration: walk.sent.iteration + 1 }),
      ".substep-title": t(titleKey, params),
      ".key-reads": t("substep.reads"),
      ".key-writes": t("substep.writes"),
    };
    for (const [selector, text] of Object.entries(texts)) panel.querySelector(selector).textContent = text;
    const predictBox = panel.querySelector(".substep-predict");
    // an answer given to Ask first waits while a poll still withholds what it explains
    const waiting = (step.computes ?? []).some((key) => walk.withheld?.has(key));
    if (question && !(waiting && question in walk.answers)) predict.render(predictBox, question, ctx, walk.answers[question], digits);
  }

  function hide() {
    clearDiagram();
    panel.hidden = true;
    panel.innerHTML = "";
    delete panel.dataset.substep;
  }

  return { show, hide };
}
