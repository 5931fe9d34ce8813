// The practice view's controller: reads the exercise from the link, loads it (its state and
// asks from the practice API, its numbers from one step of the ordinary API), sends each answer
// to be checked on Enter, and changes the slice only through the store.

import { step } from "../api.js";
import { LANGUAGES, language, onLanguageChange, setLanguage } from "../i18n.js";
import { checkAnswers, fetchExercise } from "./api.js";
import { givenFactors, solutionLines } from "./solution.js";
import { fromQuery, isLevel, parseAnswer, randomSeed, toQuery } from "./state.js";
import { change, restored, state, subscribe } from "./store.js";
import { text } from "./text.js";
import {
  forgetInvalid,
  renderExercise,
  renderInvalid,
  renderLadder,
  renderSolution,
  renderStatus,
  renderVerdicts,
  translate,
} from "./view.js";
import { renderWorksheets } from "./worksheet.js";

const MAX_SHEETS = 40;
const byId = (id) => document.getElementById(id);
const view = byId("practice");

// What the server sent for the exercise on screen (derived data, not part of the slice).
let loaded = null; // {level, seed, state, asks, step, lines}

async function load(level, seed) {
  const exercise = await fetchExercise(level, seed);
  const stepped = await step(exercise.state);
  const lines = solutionLines(level, exercise.asks, exercise.state, stepped);
  return { level, seed, state: exercise.state, asks: exercise.asks, step: stepped, lines };
}

/** Show exercise `level`, `seed`: the link first, then the numbers once they arrive. */
async function open(level, seed, { push = false } = {}) {
  const url = `${location.pathname}${toQuery({ level, seed })}`;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  change({ type: "practice/open", level, seed });
  renderLadder(state());
  view.setAttribute("aria-busy", "true");
  renderStatus(text("loading"));
  try {
    const exercise = await load(level, seed);
    if (state().level !== level || state().seed !== seed) return; // another was opened meanwhile
    loaded = exercise;
    change({ type: "practice/loaded", level, seed, asks: exercise.asks });
    draw();
    renderStatus("");
    view.setAttribute("aria-busy", "false");
  } catch (error) {
    renderStatus(text("failed", { message: error.message }), "error");
  }
}

function draw() {
  const practice = state();
  renderExercise({ practice, exercise: loaded, given: givenFactors(loaded.level, loaded.asks, loaded.step) });
  renderVerdicts(practice);
  renderLadder(practice);
  renderSolution(loaded.lines, practice.solutionShown, `${loaded.level}/${loaded.seed}`);
}

/** Send answer `id` to be checked, with the answers already right (they tell the server which
 * factor to suggest next). */
async function check(id) {
  const input = byId(`answer-${id}`);
  const value = parseAnswer(input.value);
  if (value === null) {
    renderInvalid(id);
    return;
  }
  change({ type: "practice/type", id, text: input.value });
  const { level, seed, verdicts, answers } = state();
  const sent = { [id]: value };
  const texts = { [id]: input.value };
  for (const [other, verdict] of Object.entries(verdicts)) {
    if (other !== id && verdict.correct) {
      sent[other] = parseAnswer(answers[other]);
      texts[other] = answers[other];
    }
  }
  await sendCheck(level, seed, sent, texts);
  if (state().verdicts[id]?.correct) focusNextOpen(id);
}

async function sendCheck(level, seed, sent, texts) {
  try {
    const { results } = await checkAnswers(level, seed, sent, language());
    change({ type: "practice/verdict", level, seed, results, texts });
  } catch (error) {
    renderStatus(text("checkFailed", { message: error.message }), "error");
  }
}

function focusNextOpen(id) {
  const { asks, verdicts } = state();
  const after = asks.findIndex((ask) => ask.id === id);
  const next = [...asks.slice(after + 1), ...asks.slice(0, after)].find((ask) => !verdicts[ask.id]?.correct);
  if (next) byId(`answer-${next.id}`)?.focus();
}

/** Ask again for every verdict on screen, so that its words follow the language. */
function recheck() {
  const { level, seed, verdicts, answers } = state();
  const ids = Object.keys(verdicts);
  if (!ids.length) return;
  const sent = Object.fromEntries(ids.map((id) => [id, parseAnswer(answers[id])]));
  sendCheck(level, seed, sent, Object.fromEntries(ids.map((id) => [id, answers[id]])));
}

async function printWorksheets() {
  const { level, seed } = state();
  const count = Math.min(MAX_SHEETS, Math.max(1, Math.floor(Number(byId("sheets").value)) || 1));
  byId("sheets").value = String(count);
  const seeds = Array.from({ length: count }, (_, k) => (seed + k) % 2 ** 31);
  try {
    const exercises = await Promise.all(seeds.map((s) => (s === seed && loaded?.seed === seed ? loaded : load(level, s))));
    renderWorksheets(byId("worksheets"), exercises);
    byId("worksheets").dataset.ready = `${level}/${seed}/${count}`;
    window.print();
  } catch (error) {
    renderStatus(text("failed", { message: error.message }), "error");
  }
}

function wire() {
  const questions = byId("questions");
  questions.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("input.answer")) {
      event.preventDefault();
      check(event.target.dataset.id);
    }
  });
  questions.addEventListener("click", (event) => {
    const button = event.target.closest("button.check");
    if (button) check(button.dataset.id);
  });
  questions.addEventListener("input", (event) => {
    if (!event.target.matches("input.answer")) return;
    forgetInvalid(event.target.dataset.id);
    change({ type: "practice/type", id: event.target.dataset.id, text: event.target.value });
  });
  byId("ladder").addEventListener("click", (event) => {
    const rung = event.target.closest(".rung");
    if (!rung || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    open(Number(rung.dataset.level), state().seed, { push: true });
  });
  const fresh = () => open(state().level, randomSeed(), { push: true });
  byId("new-exercise").addEventListener("click", fresh);
  byId("next-exercise").addEventListener("click", fresh);
  byId("next-level").addEventListener("click", () => {
    if (isLevel(state().level + 1)) open(state().level + 1, state().seed, { push: true });
  });
  const total = () => loaded?.lines.length ?? 0;
  byId("solution-next").addEventListener("click", () => change({ type: "practice/reveal", total: total() }));
  byId("solution-all").addEventListener("click", () => change({ type: "practice/reveal", all: true, total: total() }));
  byId("solution-hide").addEventListener("click", () => change({ type: "practice/hide" }));
  byId("print").addEventListener("click", printWorksheets);
  window.addEventListener("popstate", () => {
    const { level, seed } = fromQuery(location.search);
    if (level !== null && seed !== null) open(level, seed);
  });

  const select = byId("language");
  select.innerHTML = LANGUAGES.map(({ code, name }) => `<option value="${code}" lang="${code}">${name}</option>`).join("");
  select.value = language();
  select.addEventListener("change", () => setLanguage(select.value));
  onLanguageChange(() => {
    select.value = language();
    document.documentElement.lang = language();
    translate();
    if (loaded) draw();
    recheck();
  });
}

subscribe((practice, previous, action) => {
  if (!loaded || action.type === "practice/open") return;
  renderVerdicts(practice);
  renderLadder(practice);
  renderSolution(loaded.lines, practice.solutionShown, `${loaded.level}/${loaded.seed}`);
});

wire();
document.documentElement.lang = language();
translate();
const asked = fromQuery(location.search);
// A link names its exercise; without one, carry on where this browser left off, or draw one.
const kept = state();
open(asked.level ?? kept.level, asked.seed ?? (restored() ? kept.seed : randomSeed()));
