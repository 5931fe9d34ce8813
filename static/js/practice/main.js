// The practice view's controller: reads the exercise from the link, loads it (its state and
// asks from the practice API, its numbers from one step of the ordinary API), sends each answer
// to be checked on Enter, and changes the page state only through the one store; what is kept
// between visits (the exercise's record too: answers, verdicts, checks, the solution shown) goes
// through the one serializer.

import { step } from "../controllers/api.js";
import { LANGUAGES, browserLanguage, language, setLanguage } from "../i18n/index.js";
import { definition } from "../state/definition.js";
import { LEVELS, SEED_LIMIT, fromQuery, isLevel, parseAnswer, randomSeed, toQuery } from "../state/practice.js";
import { deserialize, serialize } from "../state/serialize.js";
import * as storage from "../state/storage.js";
import { change, state, subscribe } from "../state/store.js";
import { PracticeError, checkAnswers, fetchExercise } from "./api.js";
import { givenFactors, solutionLines } from "./solution.js";
import { text } from "./text.js";
import {
  clearExercise,
  forgetInvalid,
  renderExercise,
  renderInvalid,
  renderLadder,
  renderSolution,
  renderStatus,
  renderSummary,
  renderVerdicts,
  translate,
} from "./view.js";
import { renderWorksheets } from "./worksheet.js";

const MAX_SHEETS = 40;
const byId = (id) => document.getElementById(id);
const view = byId("practice");

// What the server sent for the exercise on screen (derived data, not part of the slice).
let loaded = null; // {level, seed, state, asks, decimals, step, lines}
let refused = null; // [wrong, search] of a link that names no exercise, said in the status

async function load(level, seed) {
  const exercise = await fetchExercise(level, seed);
  const stepped = await step(exercise.state);
  const lines = solutionLines(level, exercise.asks, exercise.state, stepped);
  return { level, seed, state: exercise.state, asks: exercise.asks, decimals: exercise.decimals, step: stepped, lines };
}

/** What went wrong, in the page's words: the server unreachable, a field it refused, or its
 * status; never its English detail. */
function problem(error) {
  if (!(error instanceof PracticeError)) return text("error.unknown");
  if (error.status === 0) return text("error.offline");
  if (error.status === 422 && error.field) return text("error.refused", { field: error.field });
  return text("error.status", { status: error.status });
}

/** Show exercise `level`, `seed`: the link first, then the numbers once they arrive. */
async function open(level, seed, { push = false } = {}) {
  const url = `${location.pathname}${toQuery({ level, seed })}`;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  refused = null;
  delete view.dataset.refused;
  change({ type: "practiceOpened", level, seed });
  renderLadder(state().practice);
  view.setAttribute("aria-busy", "true");
  renderStatus(text("loading"));
  try {
    const exercise = await load(level, seed);
    if (state().practice.level !== level || state().practice.seed !== seed) return; // another was opened meanwhile
    loaded = exercise;
    change({ type: "practiceLoaded", level, seed, asks: exercise.asks });
    draw();
    renderStatus("");
    view.setAttribute("aria-busy", "false");
  } catch (error) {
    renderStatus(text("failed", { message: problem(error) }), "error");
    view.setAttribute("aria-busy", "false");
  }
}

/** A link naming no exercise (?seed=-1&level=9): say so, and load nothing in its place. */
function refuseLink(wrong, search) {
  refused = [wrong, search];
  const params = new URLSearchParams(search);
  const given = wrong.map((name) => `${name}=${params.get(name)}`).join(", ");
  renderStatus(text("badLink", { given, last: SEED_LIMIT - 1, levels: `${LEVELS[0]}–${LEVELS.at(-1)}` }), "error");
  loaded = null;
  clearExercise();
  renderLadder(state().practice);
  for (const rung of document.querySelectorAll(".rung")) rung.removeAttribute("aria-current");
  renderSummary(state().practice, null);
  view.setAttribute("aria-busy", "false");
  view.dataset.refused = "true";
}

function draw() {
  const { practice } = state();
  renderExercise({ practice, exercise: loaded, given: givenFactors(loaded.level, loaded.asks, loaded.step) });
  renderVerdicts(practice);
  renderLadder(practice);
  renderSolution(loaded.lines, practice.solutionShown, `${loaded.level}/${loaded.seed}`);
  renderSummary(practice, loaded.state);
}

/** Send answer `id` to be checked, with the answers already right (they tell the server which
 * factor to suggest next). */
async function check(id) {
  const input = byId(`answer-${id}`);
  const value = parseAnswer(input.value);
  if (value === null) {
    renderInvalid(id, text("notANumber"));
    return;
  }
  const bound = definition().bounds.value;
  if (Math.abs(value) > bound) {
    renderInvalid(id, text("outOfBounds", { bound: bound.toLocaleString(language()) }));
    return;
  }
  change({ type: "answerTyped", id, text: input.value });
  const { level, seed, verdicts, answers } = state().practice;
  const sent = { [id]: value };
  const texts = { [id]: input.value };
  for (const [other, verdict] of Object.entries(verdicts)) {
    if (other !== id && verdict.correct) {
      sent[other] = parseAnswer(answers[other]);
      texts[other] = answers[other];
    }
  }
  await sendCheck(level, seed, sent, texts, [id]);
  if (state().practice.verdicts[id]?.correct) focusNextOpen(id);
}

/** Send `sent` to be judged; `attempted` are the asks whose check this is (the rest are sent
 * again as context, or for the words of another language). */
async function sendCheck(level, seed, sent, texts, attempted) {
  renderStatus(""); // the last refusal no longer holds
  try {
    const { results } = await checkAnswers(level, seed, sent, language());
    change({ type: "answersChecked", level, seed, results, texts, attempted });
  } catch (error) {
    renderStatus(text("checkFailed", { message: problem(error) }), "error");
  }
}

function focusNextOpen(id) {
  const { asks, verdicts } = state().practice;
  const after = asks.findIndex((ask) => ask.id === id);
  const next = [...asks.slice(after + 1), ...asks.slice(0, after)].find((ask) => !verdicts[ask.id]?.correct);
  if (next) byId(`answer-${next.id}`)?.focus();
}

/** Ask again for every verdict on screen, so that its words follow the language. */
function recheck() {
  const { level, seed, verdicts, answers } = state().practice;
  const ids = Object.keys(verdicts);
  if (!ids.length) return;
  const sent = Object.fromEntries(ids.map((id) => [id, parseAnswer(answers[id])]));
  sendCheck(level, seed, sent, Object.fromEntries(ids.map((id) => [id, answers[id]])), []);
}

async function printWorksheets() {
  const { level, seed } = state().practice;
  const count = Math.min(MAX_SHEETS, Math.max(1, Math.floor(Number(byId("sheets").value)) || 1));
  byId("sheets").value = String(count);
  const seeds = Array.from({ length: count }, (_, k) => (seed + k) % 2 ** 31);
  try {
    const exercises = await Promise.all(seeds.map((s) => (s === seed && loaded?.seed === seed ? loaded : load(level, s))));
    renderWorksheets(byId("worksheets"), exercises);
    byId("worksheets").dataset.ready = `${level}/${seed}/${count}`;
    window.print();
  } catch (error) {
    renderStatus(text("failed", { message: problem(error) }), "error");
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
    change({ type: "answerTyped", id: event.target.dataset.id, text: event.target.value });
  });
  byId("ladder").addEventListener("click", (event) => {
    const rung = event.target.closest(".rung");
    if (!rung || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    open(Number(rung.dataset.level), state().practice.seed, { push: true });
  });
  const fresh = () => open(state().practice.level, randomSeed(), { push: true });
  byId("new-exercise").addEventListener("click", fresh);
  byId("next-exercise").addEventListener("click", fresh);
  byId("next-level").addEventListener("click", () => {
    if (isLevel(state().practice.level + 1)) open(state().practice.level + 1, state().practice.seed, { push: true });
  });
  const total = () => loaded?.lines.length ?? 0;
  const keys = () => loaded?.lines.map((line) => line.key) ?? [];
  byId("solution-next").addEventListener("click", () => change({ type: "solutionRevealed", total: total(), keys: keys() }));
  byId("solution-all").addEventListener("click", () => change({ type: "solutionRevealed", all: true, total: total(), keys: keys() }));
  byId("solution-hide").addEventListener("click", () => change({ type: "solutionHidden" }));
  byId("print").addEventListener("click", printWorksheets);
  window.addEventListener("popstate", () => {
    const { level, seed, wrong } = fromQuery(location.search);
    if (wrong.length) refuseLink(wrong, location.search);
    else if (level !== null && seed !== null) open(level, seed);
  });

  const select = byId("language");
  select.innerHTML = LANGUAGES.map(({ code, name }) => `<option value="${code}" lang="${code}">${name}</option>`).join("");
  select.addEventListener("change", () => change({ type: "settingsChanged", settings: { language: select.value } }));
}

/** Show the page in the language of the settings, asking again for the verdicts' words. */
function speak(code) {
  byId("language").value = code;
  if (code === language()) return;
  setLanguage(code);
  document.documentElement.lang = code;
  translate();
  if (loaded) draw();
  if (refused) refuseLink(...refused);
  recheck();
}

/** Keep the practice view's text, and the page's when a network is kept with it. */
function keep(page, previous) {
  if (page.practice !== previous.practice || page.settings.language !== previous.settings.language) {
    storage.savePractice(serialize(page, "practice"));
  }
  if (page.network && page.settings.language !== previous.settings.language) {
    storage.save(serialize(page, "storage"));
  }
}

/** What this browser kept: the page's network and settings, then the practice view's own. */
function restore() {
  const kept = storage.load();
  const read = kept === null ? { ok: false } : deserialize(kept, "storage");
  if (read.ok) change({ type: "restored", value: read.value });
  const practiceText = storage.loadPractice();
  const practice = practiceText === null ? { ok: false } : deserialize(practiceText, "practice");
  if (practice.ok) {
    change({ type: "practiceRestored", value: practice.value.practice });
    if (!state().settings.language && practice.value.language) {
      change({ type: "settingsChanged", settings: { language: practice.value.language } });
    }
  }
  if (!state().settings.language) change({ type: "settingsChanged", settings: { language: browserLanguage() } });
  return practice.ok;
}

subscribe((page, action, previous) => {
  keep(page, previous);
  if (page.settings.language !== previous.settings.language) speak(page.settings.language);
  if (!loaded || action.type === "practiceOpened") return;
  const { practice } = page;
  if (practice === previous.practice) return;
  renderVerdicts(practice);
  renderLadder(practice);
  renderSolution(loaded.lines, practice.solutionShown, `${loaded.level}/${loaded.seed}`);
  if (practice.mistakes !== previous.practice.mistakes) renderSummary(practice, loaded.state);
});

const practiceKept = restore();
wire();
speak(state().settings.language);
translate();
// A link names its exercise; without one, carry on where this browser left off, or draw one. A
// link naming none (a seed or level out of range) is said to be so.
const asked = fromQuery(location.search);
const kept = state().practice;
if (asked.wrong.length) refuseLink(asked.wrong, location.search);
else open(asked.level ?? kept.level, asked.seed ?? (practiceKept ? kept.seed : randomSeed()));
