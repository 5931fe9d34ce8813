// The practice view: renders the slice and the loaded exercise; never changes either. The
// controller (main.js) wires its inputs and buttons to the store.

import { formatNumber } from "../views/format.js";
import { number, notation } from "./solution.js";
import { solved } from "../state/practice.js";
import { text } from "./text.js";

const byId = (id) => document.getElementById(id);

/** Fill every element under `root` that names a practice text: data-pt (its text),
 * data-pt-title and data-pt-aria-label (those attributes), params from data-pt-params. */
export function translate(root = document) {
  const params = (element) => (element.dataset.ptParams ? JSON.parse(element.dataset.ptParams) : {});
  for (const element of root.querySelectorAll("[data-pt]")) element.textContent = text(element.dataset.pt, params(element));
  for (const element of root.querySelectorAll("[data-pt-title]")) element.title = text(element.dataset.ptTitle);
  for (const element of root.querySelectorAll("[data-pt-aria-label]")) {
    element.setAttribute("aria-label", text(element.dataset.ptAriaLabel));
  }
}

/** The exercise's numbers: inputs, targets, weights, biases and η, as a table. */
export function networkTable(state) {
  const cell = (name, value) => `<span class="pair"><span class="name">${notation(name)}</span> = ${number(value)}</span>`;
  const row = (key, cells) => `<tr><th scope="row">${text(key)}</th><td>${cells.join(" ")}</td></tr>`;
  const weights = Object.entries(state.weights).map(([name, value]) => cell(name, value));
  return `<table class="values"><tbody>
    ${row("inputs", Object.entries(state.inputs).map(([name, value]) => cell(name, value)))}
    ${row("targets", Object.entries(state.targets).map(([name, value]) => cell(`target_${name}`, value)))}
    ${row("weights", weights)}
    ${row("biases", Object.entries(state.biases).map(([name, value]) => cell(name, value)))}
    ${row("learningRate", [cell("η", state.learning_rate)])}
  </tbody></table>`;
}

export function renderExercise({ practice, exercise, given }) {
  byId("exercise-name").textContent = `${text("seed", { seed: practice.seed })} · ${text("level", { level: practice.level })}`;
  document.title = text("document.title");
  byId("network-values").innerHTML = networkTable(exercise.state);
  byId("network-note").innerHTML = notation(text("network.note"));
  byId("given").innerHTML = givenHtml(given);
  byId("questions").classList.toggle("many", exercise.asks.length > 8);
  byId("questions").innerHTML = questionsHtml(exercise.asks, practice.answers);
}

/** The factors an exercise gives ([{id, label, value}]), as one line. */
export function givenHtml(given) {
  return given.length
    ? `<p class="given"><span class="given-head">${text("given")}:</span> ${given
        .map(({ id, label, value }) => `<span class="pair" data-testid="given-${id}"><span class="name">${notation(label)}</span> = ${number(value)}</span>`)
        .join(" ")}</p>`
    : "";
}

/** The list items of `asks`, each with its label, input (`answer-<id>`), Check and verdict
 * (`verdict-<id>`); the practice page and a class's practice both show them. */
export function questionsHtml(asks, answers) {
  return asks
    .map(({ id, label }) => `
      <li class="question" data-id="${id}">
        <label class="q-label" for="answer-${id}">${notation(label)}</label>
        <span class="q-equals" aria-hidden="true">=</span>
        <input class="answer" id="answer-${id}" data-testid="answer-${id}" data-id="${id}" type="text"
               inputmode="decimal" autocomplete="off" spellcheck="false" enterkeyhint="done"
               aria-label="${text("answer.label", { label })}" aria-describedby="verdict-${id}"
               value="${escapeAttribute(answers[id] ?? "")}">
        <button type="button" class="button check" data-id="${id}">${text("check")}</button>
        <output class="verdict" id="verdict-${id}" data-testid="verdict-${id}" for="answer-${id}" aria-live="polite"></output>
      </li>`)
    .join("");
}

function escapeAttribute(value) {
  return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** Show each verdict beside its answer, the solved note, and the ladder's counts. */
export function renderVerdicts(practice) {
  for (const { id } of practice.asks) {
    const output = byId(`verdict-${id}`);
    const input = byId(`answer-${id}`);
    if (!output || !input) continue;
    const verdict = practice.verdicts[id];
    if (!verdict) {
      if (output.dataset.kind !== "invalid") clearVerdict(output, input);
      continue;
    }
    showVerdict(output, input, verdict);
  }
  byId("solved").hidden = !solved(practice);
  byId("next-level").hidden = practice.level >= 4;
}

/** Show `verdict` ({correct, misconception, message}) in `output`, beside `input`. */
export function showVerdict(output, input, verdict) {
  output.dataset.kind = verdict.correct ? "correct" : "wrong";
  output.dataset.correct = String(verdict.correct);
  output.dataset.misconception = verdict.misconception ?? "";
  input.setAttribute("aria-invalid", String(!verdict.correct));
  const head = verdict.correct ? `✓ ${text("correct")}` : "✗";
  const named = verdict.misconception
    ? ` <span class="mistake">${text(`mistake.${verdict.misconception}`)}</span>`
    : "";
  const message = verdict.correct ? "" : ` <span class="verdict-message">${notation(verdict.message)}</span>`;
  output.innerHTML = `<span class="verdict-head">${head}</span>${named}${message}`;
}

export function clearVerdict(output, input) {
  output.textContent = "";
  delete output.dataset.kind;
  delete output.dataset.correct;
  delete output.dataset.misconception;
  input.removeAttribute("aria-invalid");
}

/** Say, beside an answer, that what was typed is not a number (nothing is sent). */
export function renderInvalid(id) {
  const output = byId(`verdict-${id}`);
  const input = byId(`answer-${id}`);
  clearVerdict(output, input);
  output.dataset.kind = "invalid";
  output.textContent = text("notANumber");
  input.setAttribute("aria-invalid", "true");
}

export function forgetInvalid(id) {
  const output = byId(`verdict-${id}`);
  if (output?.dataset.kind === "invalid") clearVerdict(output, byId(`answer-${id}`));
}

/** The ladder: the current rung marked, each rung's link on this seed, the count solved. */
export function renderLadder(practice) {
  for (const rung of document.querySelectorAll(".rung")) {
    const level = Number(rung.dataset.level);
    rung.href = `?seed=${practice.seed}&level=${level}`;
    if (level === practice.level) rung.setAttribute("aria-current", "page");
    else rung.removeAttribute("aria-current");
    const count = (practice.progress[level] ?? []).length;
    const counter = rung.querySelector(".rung-count");
    counter.textContent = count ? `✓ ${text("solvedCount", { count })}` : "";
    rung.classList.toggle("done", (practice.progress[level] ?? []).includes(practice.seed));
  }
}

/** The worked solution, `practice.solutionShown` of its lines visible. */
export function renderSolution(lines, shown, key) {
  const list = byId("solution");
  if (list.dataset.key !== key) {
    list.dataset.key = key;
    list.innerHTML = lines
      .map((line) => `
        <li class="step${line.asked ? " asked" : ""}" data-testid="step-${line.key}" hidden>
          <span class="formula">${notation(line.formula)}</span>
          <span class="numbers">= ${line.numbers}</span>
          <span class="result">= <strong>${formatNumber(line.result)}</strong></span>
        </li>`)
      .join("");
  }
  [...list.children].forEach((item, index) => {
    item.hidden = index >= shown;
  });
  byId("solution-progress").textContent = shown ? text("solution.progress", { shown, total: lines.length }) : "";
  byId("solution-next").disabled = shown >= lines.length;
  byId("solution-all").disabled = shown >= lines.length;
  byId("solution-hide").hidden = shown === 0;
}

export function renderStatus(message, kind = "info") {
  const status = byId("status");
  status.textContent = message;
  status.dataset.kind = kind;
  status.hidden = !message;
}
