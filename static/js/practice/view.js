// The practice view: renders the slice and the loaded exercise; never changes either. The
// controller (main.js) wires its inputs and buttons to the store.

import { formatNumber } from "../views/format.js";
import { language } from "../i18n/index.js";
import { mistakeName } from "../state/definition.js";
import { recurringMistakes, solved, solvedAlone } from "../state/practice.js";
import { serialize } from "../state/serialize.js";
import { networkDiagram } from "./diagram.js";
import { number, notation } from "./solution.js";
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

/** A named mistake's short name in the page's language, from the server's catalogue. */
const nameOf = (code) => mistakeName(code, language());

/** The main page's walk of this exercise's network, opened at sub-step `substep`. */
export function walkLink(state, substep) {
  const link = serialize({ network: { initial: state, state } }, "link");
  return `/#${link}&walk=${encodeURIComponent(substep)}`;
}

export function renderExercise({ practice, exercise, given }) {
  byId("exercise-name").textContent = `${text("seed", { seed: practice.seed })} · ${text("level", { level: practice.level })}`;
  document.title = text("document.title");
  const label = text("diagram.label");
  byId("network-diagram").innerHTML = networkDiagram(exercise.state, label, "wide") + networkDiagram(exercise.state, label, "tall");
  byId("network-values").innerHTML = networkTable(exercise.state);
  byId("network-note").innerHTML = notation(text("network.note"));
  byId("given").innerHTML = givenHtml(given);
  byId("questions").classList.toggle("many", exercise.asks.length > 8);
  byId("decimals-note").textContent = text("questions.note", { decimals: exercise.decimals });
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

/** The list items of `asks`, each with its label, input (`answer-<id>`), Check, decimals and
 * verdict (`verdict-<id>`): the practice page and a live class's practice both show them. */
export function questionsHtml(asks, answers) {
  return asks
    // an answer may be negative: inputmode="text" brings the phone's full keyboard, whose
    // number layer has a minus key; the "decimal" and "numeric" pads of iOS, and of some
    // Android keyboards (Samsung's), have none, and type="number" refuses "−" and a comma
    .map(({ id, label, decimals }) => `
      <li class="question" data-id="${id}">
        <label class="q-label" for="answer-${id}">${notation(label)}</label>
        <span class="q-equals" aria-hidden="true">=</span>
        <input class="answer" id="answer-${id}" data-testid="answer-${id}" data-id="${id}" type="text"
               inputmode="text" autocomplete="off" autocapitalize="off" autocorrect="off" spellcheck="false" enterkeyhint="done"
               aria-label="${text("answer.label", { label })}" aria-describedby="decimals-${id} verdict-${id}"
               value="${escapeAttribute(answers[id] ?? "")}">
        <button type="button" class="button check" data-id="${id}">${text("check")}</button>
        <span class="q-decimals" id="decimals-${id}" data-testid="decimals-${id}" data-decimals="${decimals}">${text("decimals", { decimals })}</span>
        <span class="q-attempts" data-testid="attempts-${id}"></span>
        <output class="verdict" id="verdict-${id}" data-testid="verdict-${id}" for="answer-${id}" aria-live="polite"></output>
      </li>`)
    .join("");
}

/** Empty the exercise's panels (a link that names no exercise shows none). */
export function clearExercise() {
  for (const id of ["network-diagram", "network-values", "given", "questions", "solution", "network-note"]) byId(id).innerHTML = "";
  byId("decimals-note").textContent = "";
  byId("exercise-name").textContent = "";
  delete byId("solution").dataset.key;
  byId("solved").hidden = true;
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
    const attempts = practice.attempts[id] ?? 0;
    const counter = output.parentElement.querySelector(".q-attempts");
    counter.textContent = attempts ? text("attempts", { count: attempts }) : "";
    counter.dataset.count = String(attempts);
    const seen = Boolean(practice.seen[id]);
    output.parentElement.classList.toggle("seen", seen);
    if (!verdict) {
      if (output.dataset.kind !== "invalid") clearVerdict(output, input);
      output.dataset.seen = String(seen);
      if (seen && output.dataset.kind !== "invalid") output.innerHTML = `<span class="seen-note">${text("seenFirst")}</span>`;
      continue;
    }
    showVerdict(output, input, verdict, seen);
  }
  byId("solved").hidden = !solved(practice);
  byId("solved-text").textContent = text(solvedAlone(practice) ? "solved" : "solvedWithHelp");
  byId("next-level").hidden = practice.level >= 4;
}

/** Show `verdict` ({correct, misconception, misconceptions, message}) in `output`, beside
 * `input`; `seen`: the answer was read in the worked solution first. */
export function showVerdict(output, input, verdict, seen = false) {
  output.dataset.kind = verdict.correct ? "correct" : "wrong";
  output.dataset.correct = String(verdict.correct);
  output.dataset.misconception = verdict.misconception ?? "";
  output.dataset.misconceptions = verdict.misconceptions.join(" ");
  output.dataset.seen = String(seen);
  input.setAttribute("aria-invalid", String(!verdict.correct));
  const head = verdict.correct ? `✓ ${text(seen ? "correctSeen" : "correct")}` : "✗";
  const named = verdict.misconceptions
    .map((code) => ` <span class="mistake" data-code="${code}">${escapeAttribute(nameOf(code))}</span>`)
    .join("");
  const message = verdict.correct ? "" : ` <span class="verdict-message">${notation(verdict.message)}</span>`;
  output.innerHTML = `<span class="verdict-head">${head}</span>${named}${message}`;
}

/** The mistakes made most often, each with a link to the sub-step of the main page's walk that
 * explains it, walked on `network` (the exercise on screen; no links without one). */
export function renderSummary(practice, network) {
  const list = byId("summary-list");
  const recurring = recurringMistakes(practice);
  byId("summary").hidden = recurring.length === 0;
  list.innerHTML = recurring
    .map(({ code, count, substep, level, seed }) => {
      const times = text("summary.times", { count });
      let link = "";
      if (!substep) link = ` <span class="summary-tip">${text("summary.rounding")}</span>`;
      else if (network) {
        link = ` <a class="summary-link" data-testid="summary-link-${code}" href="${escapeAttribute(walkLink(network, substep))}">${text("summary.explain")}</a>`;
      }
      return `<li class="summary-item" data-testid="summary-${code}" data-code="${code}" data-count="${count}">
        <span class="mistake">${escapeAttribute(nameOf(code))}</span> <span class="summary-count">${times}</span>
        <span class="summary-where">${text("summary.where", { seed, level })}</span>${link}</li>`;
    })
    .join("");
}

export function clearVerdict(output, input) {
  output.textContent = "";
  delete output.dataset.kind;
  delete output.dataset.correct;
  delete output.dataset.misconception;
  delete output.dataset.misconceptions;
  input.removeAttribute("aria-invalid");
}

/** Say, beside an answer, why what was typed cannot be sent (not a number, out of bounds). */
export function renderInvalid(id, message) {
  const output = byId(`verdict-${id}`);
  const input = byId(`answer-${id}`);
  clearVerdict(output, input);
  output.dataset.kind = "invalid";
  output.textContent = message;
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
    const count = (practice.progress[level] ?? []).length; // solved without the solution's help
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
