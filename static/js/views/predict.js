// Predict before reveal: at chosen sub-steps the class answers a question before the value
// appears; the answer then comes with its reason. Answers are read from the trace (signs and
// comparisons of the server's numbers), never computed here.

import { formatNumber } from "./format.js";
import { t } from "../i18n/index.js";
import { pathsOf, weight } from "../state/definition.js";

// question -> the sub-step where it is asked
const WHERE = { "w5-direction": "gradient-w5", "h1-path": "paths-h1", "loss-falls": "updates" };

// what a question is about must be there: w5 from h1 into o1, h1's two paths through o1 and o2
// (the worked example's; a network of another shape is asked whether the loss falls)
const ASKS_OF = {
  "w5-direction": () => weight("w5")?.from === "h1" && weight("w5")?.to === "o1",
  "h1-path": () => pathsOf("h1").map((path) => path.through).join() === "o1,o2",
  "loss-falls": () => true,
};

/** The question asked at sub-step `id`, or null. */
export function askedAt(id) {
  return Object.keys(WHERE).find((question) => WHERE[question] === id && ASKS_OF[question]()) ?? null;
}

const sign = (value) => (value > 0 ? "+" : value < 0 ? "−" : "0");

/** For `question` and a context {sent, trace, after, loss}: {choices, correct, reason(digits)}. */
export function answerOf(question, { sent, trace, after, loss }) {
  const f = trace.factors;
  if (question === "w5-direction") {
    const before = sent.weights.w5;
    const now = after.weights.w5;
    const correct = now > before ? "up" : now < before ? "down" : "same";
    return {
      choices: ["up", "down"],
      correct,
      reason: (digits) => {
        const n = (v) => formatNumber(v, digits);
        const factors = f.dE_dout_o1 === null
          ? `δ_o1 = ${n(trace.deltas.o1)} (${sign(trace.deltas.o1)}), out_h1 = ${n(f.dnet_o1_dw5)} (${sign(f.dnet_o1_dw5)})`
          : `∂E/∂out_o1 = ${n(f.dE_dout_o1)} (${sign(f.dE_dout_o1)}), ∂out_o1/∂net_o1 = ${n(f.dout_o1_dnet_o1)} (${sign(f.dout_o1_dnet_o1)}), ∂net_o1/∂w5 = out_h1 = ${n(f.dnet_o1_dw5)} (${sign(f.dnet_o1_dw5)})`;
        return t(`predict.w5.reason.${correct}`, {
          factors, gradient: n(trace.gradients.w5), before: n(before), after: n(now), sign: sign(trace.gradients.w5),
        });
      },
    };
  }
  if (question === "h1-path") {
    const one = f.dE_dout_h1_via_o1;
    const two = f.dE_dout_h1_via_o2;
    const correct = Math.abs(one) >= Math.abs(two) ? "o1" : "o2";
    return {
      choices: ["o1", "o2"],
      correct,
      reason: (digits) => {
        const n = (v) => formatNumber(v, digits);
        const opposite = Math.sign(one) !== Math.sign(two);
        return t("predict.path.reason", {
          one: n(one), two: n(two), d1: n(trace.deltas.o1), d2: n(trace.deltas.o2),
          w5: n(f.dnet_o1_dout_h1), w7: n(f.dnet_o2_dout_h1), total: n(f.dE_dout_h1),
          winner: correct,
        }) + (opposite ? ` ${t("predict.path.opposite")}` : "");
      },
    };
  }
  if (question === "loss-falls") {
    const before = trace.forward.E_total;
    const correct = loss < before ? "yes" : "no";
    return {
      choices: ["yes", "no"],
      correct,
      reason: (digits) => t(`predict.loss.reason.${correct}`, {
        before: formatNumber(before, digits), after: formatNumber(loss, digits), eta: formatNumber(sent.learning_rate, digits),
      }),
    };
  }
  throw new Error(`no such question: ${question}`);
}

function element(tag, attributes = {}, text = null) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text !== null) made.textContent = text;
  return made;
}

export function createPredict({ onAnswer }) {
  /** Show `question` in `box`: its choices while unanswered, then the answer and its reason. */
  function render(box, question, ctx, given, digits) {
    const answer = answerOf(question, ctx);
    box.dataset.question = question;
    box.setAttribute("data-testid", "predict");
    // built from elements, every text as text: the answers and numbers may come from a class
    const heading = element("p", { class: "predict-question", id: "predict-question" }, t(`predict.${question}.question`));
    if (given === undefined) {
      const choices = element("div", { class: "predict-choices", role: "group", "aria-labelledby": "predict-question" });
      for (const choice of answer.choices) {
        const button = element("button", {
          type: "button", class: "button predict-choice", "data-choice": choice, "data-testid": `predict-${choice}`,
        }, t(`predict.${question}.${choice}`));
        button.addEventListener("click", () => onAnswer(question, choice));
        choices.append(button);
      }
      box.replaceChildren(heading, choices, element("p", { class: "predict-hint" }, t("predict.hint")));
      return;
    }
    const verdict = given === null ? "skipped" : given === answer.correct ? "right" : "wrong";
    const said = element("p", {
      class: "predict-answer", "data-testid": "predict-answer", "data-correct": answer.correct, "data-verdict": verdict, role: "status",
    });
    said.append(element("strong", {}, t(`predict.verdict.${verdict}`, { answer: t(`predict.${question}.${answer.correct}`) })),
      ` ${answer.reason(digits)}`);
    box.replaceChildren(heading, said);
  }
  return { render };
}
