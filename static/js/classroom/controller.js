// The live class's controller. A teacher starts a class (POST /api/classes) and, while it
// runs, sends the page's serialized state after every change; a student joins by the link
// (?class=CODE) or by typing the code, and while following, the teacher's state replaces the
// page's own (through the store, so every view redraws as for any change). Polls, the count
// and the connection's fate arrive as store actions too; views/ render them.

import { connectClass } from "./connection.js";
import { candidatesAt, choicesKey, choicesOf, pollFor } from "./polls.js";
import { createClassPanel } from "./view.js";
import { step } from "../controllers/api.js";
import { language, onLanguageChange, t } from "../i18n/index.js";
import { fetchExercise, fetchPollChoices } from "../practice/api.js";
import { givenFactors } from "../practice/solution.js";
import { forgetInvalid, renderInvalid } from "../practice/view.js";
import { isExampleShape } from "../state/definition.js";
import { parseAnswer } from "../state/practice.js";
import { readShaped, showShapeOf } from "../controllers/shapes.js";
import { serialize } from "../state/serialize.js";
import { change, state, subscribe } from "../state/store.js";
import { stepsFor, walkToSend } from "../views/withheld.js";

const TEACHER_KEY = "backprop-lab.class"; // {code, token, joinUrl}: this browser's class, if it teaches one
// {code, student}: the id the server gave this browser's student in that class, kept across
// reloads and closed tabs so that a student who comes back keeps their seat and their vote
const STUDENT_KEY = "backprop-lab.student";
const CODE = /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{9}$/;
const MAX_MESSAGE_BYTES = 16 * 1024 - 64; // the server's limit, less the envelope
const SEND_EVERY_MS = 50; // a teacher's changes go out at most this often (the last one always)

const PENDING_POLL = ""; // the id of a poll sent but not yet confirmed by the server
let connection = null;
let token = null;
let seq = -1; // the newest teacher state received
let lastSent = null;
let sendTimer = null;
let sendAgain = false;
let asked = null; // the ask whose answer was sent last, for the count of attempts
let exercise = null; // a student's practice exercise as loaded: {id, seed, level, state, asks, given}
let explain = () => {}; // opens a sub-step of the walk on this page (set by the page's controller)

/** Open the walk's sub-step `id` with `open(id)` when the dashboard asks to explain a mistake. */
export function explainWith(open) {
  explain = open;
}

const readJson = (storage, key) => {
  try {
    return JSON.parse(storage.getItem(key));
  } catch {
    return null;
  }
};
const keep = (storage, key, value) => {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
  } catch {
    // storage disabled: the class works, it just won't survive a reload
  }
};

/** A typed or linked code as the server writes it, or null. */
export function readCode(text) {
  const code = String(text ?? "").replace(/[\s-]/g, "").toUpperCase();
  return CODE.test(code) ? code : null;
}

// --- Joining and leaving -------------------------------------------------------------------

async function startClass() {
  let created;
  try {
    const answer = await fetch("/api/classes", { method: "POST" });
    created = await answer.json();
    if (!answer.ok) throw new Error(created.detail ?? answer.statusText);
  } catch (error) {
    say(t("class.startFailed", { message: error.message }));
    return;
  }
  keep(localStorage, TEACHER_KEY, { code: created.code, token: created.teacher_token, joinUrl: created.join_url });
  teach(created.code, created.teacher_token, created.join_url);
}

function teach(code, teacherToken, joinUrl) {
  token = teacherToken;
  change({ type: "classJoined", role: "teacher", code, joinUrl });
  open(code, () => ({ type: "hello", role: "teacher", token }));
}

function join(code) {
  change({ type: "classJoined", role: "student", code });
  open(code, () => {
    const kept = readJson(localStorage, STUDENT_KEY);
    const student = kept?.code === code && typeof kept.student === "string" ? kept.student : null;
    return student ? { type: "hello", role: "student", student } : { type: "hello", role: "student" };
  });
}

function open(code, hello) {
  connection?.close();
  seq = -1;
  lastSent = null;
  connection = connectClass({
    code,
    hello,
    onMessage: (message) => received(code, message),
    onStatus: (status, detail) => {
      const closed = status === "closed" || status === "reconnecting" ? { code: detail.code, reason: detail.reason } : null;
      change({ type: "classStatus", status, closed });
      if (status === "closed" && state().classroom?.role === "teacher") keep(localStorage, TEACHER_KEY, null);
    },
  });
}

function leave() {
  connection?.close();
  connection = null;
  exercise = null;
  const { classroom } = state();
  if (classroom?.role === "teacher") keep(localStorage, TEACHER_KEY, null);
  change({ type: "classLeft" });
  const url = new URL(location.href);
  if (url.searchParams.has("class")) {
    url.searchParams.delete("class");
    history.replaceState(null, "", url);
  }
}

function joinTyped(text) {
  const code = readCode(text);
  if (!code) {
    say(t("class.codeInvalid", { example: "K7M2QX9PA" }));
    return;
  }
  const url = new URL(location.href);
  url.searchParams.set("class", code);
  history.replaceState(null, "", url);
  join(code);
}

function say(text) {
  const bar = document.getElementById("message");
  bar.textContent = text;
  bar.dataset.kind = "error";
  bar.hidden = false;
}

// --- What the server says ----------------------------------------------------------------------

function received(code, message) {
  switch (message.type) {
    case "welcome": {
      const withTally = message.poll ? { ...message.poll, counts: message.counts, responses: message.responses } : null;
      change({
        type: "classWelcomed", students: message.students ?? 0, poll: withTally, answer: message.answer,
        practice: message.practice ?? null, board: message.board ?? [],
      });
      if (message.role === "student") {
        keep(localStorage, STUDENT_KEY, { code, student: message.student });
        if (message.state) teacherState(message.state, message.seq);
        loadExercise(message.practice ?? null);
      } else {
        sendState(true); // the class sees this page again, whatever it showed meanwhile
      }
      break;
    }
    case "state":
      teacherState(message.state, message.seq);
      break;
    case "count":
      change({ type: "classCounted", students: message.students });
      break;
    case "poll":
    case "poll-reveal":
      change({ type: "classPolled", poll: { ...message.poll, counts: message.counts, responses: message.responses } });
      break;
    case "poll-results":
      change({ type: "classPolled", poll: { id: message.poll, counts: message.counts, responses: message.responses } });
      break;
    case "poll-close":
      change({ type: "classPollClosed", id: message.poll });
      break;
    case "answered":
      change({ type: "classAnswered", id: message.poll, choice: message.choice });
      break;
    case "practice":
      change({ type: "classPracticed", practice: message.practice });
      loadExercise(message.practice);
      break;
    case "practice-verdicts":
      practiceVerdicts(message);
      break;
    case "practice-board":
      change({ type: "classPracticed", practice: message.practice, board: message.board });
      break;
    case "practice-row":
      change({ type: "classRowChanged", practice: message.practice, row: message.row });
      break;
    case "nickname":
      change({ type: "classNicknamed", nickname: message.nickname });
      break;
    case "error":
      // a poll the server refused is no poll
      if (state().classroom?.poll?.id === PENDING_POLL) change({ type: "classPollClosed", id: PENDING_POLL });
      console.warn(`the class server refused a message: ${message.message}`);
      break;
    default:
      break; // "ended" is followed by the close that says so
  }
}

/** The teacher's state, read against its own network's definition (fetched first if this
 * page has not seen that shape); a newer state that arrives meanwhile overtakes it. */
async function teacherState(value, number) {
  if (number <= seq) return; // an older state, overtaken
  seq = number;
  let read;
  try {
    read = await readShaped(JSON.stringify(value), "message");
  } catch (error) {
    read = { ok: false, error: error.message };
  }
  if (number !== seq) return;
  if (!read.ok) {
    console.warn(`the teacher's state could not be read: ${read.error}`);
    return;
  }
  if (state().classroom?.follow) showShapeOf(read.value.network.state);
  change({ type: "classTeacherState", value: read.value });
}

/** Follow the teacher again (showing the shape of the network they show), or explore alone. */
function follow(on) {
  const teacher = state().classroom?.teacher;
  if (on && teacher) showShapeOf(teacher.network.state);
  change({ type: "classFollow", follow: on });
}

// --- Practice ----------------------------------------------------------------------------------

/** Load a student's exercise (its numbers from the practice API, its given factors from one
 * step), then show the verdicts the class kept for it. */
async function loadExercise(practice) {
  if (!practice) {
    exercise = null;
    return;
  }
  const { id, level, seed } = practice;
  if (exercise?.id === id && exercise.seed === seed) return;
  change({ type: "practiceOpened", level, seed });
  try {
    const drawn = await fetchExercise(level, seed);
    const stepped = await step(drawn.state);
    const now = state().classroom?.practice;
    if (now?.id !== id || now.seed !== seed) return; // another was assigned meanwhile
    exercise = { id, level, seed, state: drawn.state, asks: drawn.asks, given: givenFactors(level, drawn.asks, stepped) };
    change({ type: "practiceLoaded", level, seed, asks: drawn.asks });
    const kept = Object.entries(now.answers ?? {});
    if (!kept.length) return;
    const texts = Object.fromEntries(kept.map(([ask, verdict]) => [ask, String(verdict.answer)]));
    for (const [ask, typed] of Object.entries(texts)) change({ type: "answerTyped", id: ask, text: typed });
    const results = kept.map(([ask, verdict]) => ({
      id: ask, correct: verdict.correct, misconception: verdict.misconceptions[0] ?? null,
      misconceptions: verdict.misconceptions, message: verdict.message,
    }));
    change({ type: "answersChecked", level, seed, results, texts });
  } catch (error) {
    say(t("practice.loadFailed", { message: error.message }));
  }
}

/** Send answer `id` to be judged by the server, with the answers already right (they tell it
 * which factor to suggest next), as the practice page does. */
function practiceAnswer(id, typed) {
  const practice = state().classroom?.practice;
  if (!practice || !exercise) return;
  const value = parseAnswer(typed);
  if (value === null) {
    renderInvalid(id);
    return;
  }
  change({ type: "answerTyped", id, text: typed });
  const { verdicts, answers } = state().practice;
  const sent = { [id]: value };
  for (const [other, verdict] of Object.entries(verdicts)) {
    if (other !== id && verdict.correct) sent[other] = parseAnswer(answers[other]);
  }
  if (connection?.send({ type: "practice-answer", practice: practice.id, answers: sent, language: language() })) asked = id;
}

function practiceVerdicts({ practice, results }) {
  const now = state().classroom?.practice;
  if (now?.id !== practice) return;
  const { answers } = state().practice;
  const texts = Object.fromEntries(results.map((result) => [result.id, answers[result.id]]));
  const attempted = results.some((result) => result.id === asked) ? [asked] : [];
  change({ type: "answersChecked", level: now.level, seed: now.seed, results, texts, attempted });
}

/** The dashboard as CSV, downloaded (the teacher's token says whose it is). */
async function exportBoard() {
  const { classroom } = state();
  try {
    const answer = await fetch(`/api/classes/${encodeURIComponent(classroom.code)}/practice.csv`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!answer.ok) throw new Error((await answer.json()).detail ?? answer.statusText);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await answer.blob());
    link.download = `practice-${classroom.code}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (error) {
    say(t("practice.exportFailed", { message: error.message }));
  }
}

// --- What the teacher sends --------------------------------------------------------------------

/** The teacher's state as a message's text, within the server's size limit. The walk goes
 * without what the class has not reached or is answering (withheld.js): the socket holds no
 * answer before the stage shows it. */
function stateText() {
  const page = state();
  let text = serialize({ ...page, walk: walkToSend(page) }, "message");
  const fits = () => new TextEncoder().encode(text).length <= MAX_MESSAGE_BYTES;
  if (!fits()) {
    // the last update's trace is the one part a follower can do without
    const smaller = JSON.parse(text);
    smaller.network.last = null;
    text = JSON.stringify(smaller);
  }
  if (!fits()) {
    // a large network's batch walk (every row's values) does not fit one message: the class
    // follows the network, without the walk
    const smaller = JSON.parse(text);
    smaller.walk = null;
    text = JSON.stringify(smaller);
  }
  return text;
}

function sendState(force = false) {
  const { classroom, network } = state();
  if (!connection || classroom?.role !== "teacher" || classroom.status !== "open" || !network) return;
  const text = stateText();
  if (!force && text === lastSent) return;
  if (connection.send(`{"type":"state","state":${text}}`)) lastSent = text;
}

/** Send the state now, then at most every SEND_EVERY_MS, the last change always. */
function scheduleSend() {
  if (sendTimer !== null) {
    sendAgain = true;
    return;
  }
  sendState();
  sendTimer = setTimeout(function again() {
    sendTimer = null;
    if (sendAgain) {
      sendAgain = false;
      scheduleSend();
    }
  }, SEND_EVERY_MS);
}

/** The walk's sub-step id, or null. */
function walkStep(page) {
  const { walk } = page;
  return walk ? stepsFor(walk.sent.options)[walk.index].id : null;
}

/** Whether `page` is a teacher's in an open class walking an update not made yet: the one walk
 * a poll may ask about (an update already made has been sent, and seen, with its numbers). */
function polling(page) {
  if (page.classroom?.role !== "teacher" || page.classroom.status !== "open" || !page.walk) return false;
  if (!isExampleShape()) return false; // polls, like practice, keep to the worked example
  return page.walk.sent.iteration === page.network.state.iteration;
}

/** The poll the teacher may open at the sub-step shown, or null. */
function offer(page) {
  if (!polling(page)) return null;
  const id = walkStep(page);
  const found = candidatesAt(id, choicesOf(page.walk, page.classroom.choices));
  return found ? { question: { substep: id, quantity: found.quantity, iteration: found.iteration } } : null;
}

function openPoll() {
  const page = state();
  const poll = polling(page) && pollFor(walkStep(page), choicesOf(page.walk, page.classroom.choices));
  if (!poll || !connection?.send(poll)) return;
  // withheld at once, not when the server's echo comes back: no state sent meanwhile holds it
  const { question, choices, correct } = poll;
  change({ type: "classPolled", poll: { id: PENDING_POLL, question, choices, correct, revealed: false } });
}

/** An effect: when a teacher starts walking an update a poll may ask about, ask the server what
 * each sub-step's poll offers; its answer comes back as an action. */
function askChoices(page) {
  if (!polling(page)) return;
  const key = choicesKey(page.walk.sent);
  if (page.classroom.choices?.key === key) return;
  change({ type: "classChoicesAsked", key });
  fetchPollChoices(page.walk.sent).then(
    (choices) => change({ type: "classChoicesArrived", key, choices }),
    () => change({ type: "classChoicesArrived", key, choices: null }), // no poll on this walk
  );
}

// --- Wiring ----------------------------------------------------------------------------------

const panel = createClassPanel(document.getElementById("classroom"), document.querySelector(".class-group"), {
  onStart: startClass,
  onJoin: joinTyped,
  onEnd: () => connection?.send({ type: "end" }),
  onLeave: leave,
  onFollow: follow,
  onPollOpen: openPoll,
  onReveal: (id) => {
    // revealed here at once (after the message, which the server handles first): a Step
    // pressed right after Reveal is not held back
    if (connection?.send({ type: "poll-reveal", poll: id })) change({ type: "classPolled", poll: { id, revealed: true } });
  },
  onPollClose: (id) => connection?.send({ type: "poll-close", poll: id }),
  onAnswer: (id, choice) => connection?.send({ type: "answer", poll: id, choice }),
  onAssign: (level) => connection?.send({ type: "practice-assign", level }),
  onAnonymous: (anonymous) => change({ type: "classAnonymous", anonymous }),
  onExport: exportBoard,
  onExplain: (substep) => explain(substep),
  onNickname: (nickname) => connection?.send({ type: "nickname", nickname }),
  onPracticeAnswer: practiceAnswer,
  onPracticeTyped: (id, typed) => {
    forgetInvalid(id);
    change({ type: "answerTyped", id, text: typed });
  },
});

const render = () => panel.render(state(), { offer: offer(state()), exercise });
subscribe((page) => {
  render();
  if (page.classroom?.role === "teacher") scheduleSend();
});
subscribe(askChoices);
onLanguageChange(() => panel.retranslate(state(), { offer: offer(state()), exercise }));
render();

/** Join what the address or this browser says, once the page shows its first network (so that
 * the teacher's state is not overwritten by the page's own start). */
function begin() {
  const wanted = new URLSearchParams(location.search).get("class");
  const teaching = readJson(localStorage, TEACHER_KEY);
  const code = wanted === null ? null : readCode(wanted) ?? wanted.slice(0, 16);
  if (teaching?.code && teaching.token && (code === null || code === teaching.code)) {
    teach(teaching.code, teaching.token, teaching.joinUrl);
  } else if (code) {
    join(code);
  }
}

if (state().network) begin();
else {
  const stop = subscribe((page) => {
    if (!page.network) return;
    stop();
    begin();
  });
}
