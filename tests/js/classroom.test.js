import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { CLOSE, connectClass, reconnectDelay, socketUrl } from "../../static/js/classroom/connection.js";
import { candidatesAt, choicesKey, choicesOf, pollFor } from "../../static/js/classroom/polls.js";
import { createStore } from "../../static/js/state/store.js";
import { deserialize, serialize } from "../../static/js/state/serialize.js";
import { definition, mistakeName } from "../../static/js/state/definition.js";

const context = () => {
  const step = copy(server.step);
  return { sent: copy(server.reset.state), trace: step.trace, after: step.state };
};

/** A teacher's page in the middle of a walk, and a student's page of its own. */
function pages() {
  const teacher = createStore();
  teacher.change({ type: "started", answer: copy(server.reset) });
  teacher.change({ type: "walkStarted", sent: copy(server.reset.state), result: copy(server.step) });
  teacher.change({ type: "walkMoved", index: 9 });
  teacher.change({ type: "settingsChanged", settings: { language: "zh-Hant", digits: 5, open: ["w6"] } });
  const student = createStore();
  student.change({ type: "started", answer: copy(server.reset) });
  student.change({ type: "settingsChanged", settings: { language: "en" } });
  student.change({ type: "classJoined", role: "student", code: "K7M2QX9PA" });
  return { teacher, student };
}

const message = (store) => {
  const read = deserialize(serialize(store.state(), "message"), "message");
  assert.equal(read.ok, true, read.error);
  return read.value;
};

test("a poll reads its quantity, iteration and choices from the server's answer, right value first", () => {
  const choices = copy(server.choices);
  const found = candidatesAt("gradient-w5", choices);
  assert.equal(found.quantity, "gradient_w5");
  assert.equal(found.iteration, 1);
  assert.deepEqual(found.choices, server.choices.polls["gradient-w5"].choices);
  assert.equal(found.choices[0].mistake, null);
  assert.equal(found.choices[0].value, server.step.trace.gradients.w5); // the trace the walk shows
});

test("no poll where the server offers none, nor before its answer has come", () => {
  const choices = copy(server.choices);
  for (const id of ["forward-h1", "errors", "gradient-b1"]) assert.equal(candidatesAt(id, choices), null, id);
  assert.equal(candidatesAt("gradient-w5", null), null);
});

test("a walk's choices count only for that walk, and only once they have come", () => {
  const walk = { sent: copy(server.reset.state) };
  const key = choicesKey(walk.sent);
  const arrived = { key, pending: false, ...copy(server.choices) };
  assert.equal(choicesOf(walk, arrived), arrived);
  assert.equal(choicesOf(walk, { ...arrived, pending: true }), null);
  assert.equal(choicesOf({ sent: { ...walk.sent, learning_rate: 0.25 } }, arrived), null);
  assert.equal(choicesOf(null, arrived), null);
});

test("the store keeps the choices of the walk asked about and drops an answer for another", () => {
  const { teacher } = pages();
  teacher.change({ type: "classJoined", role: "teacher", code: "K7M2QX9PA", joinUrl: "http://x/?class=K7M2QX9PA" });
  const key = choicesKey(teacher.state().walk.sent);
  teacher.change({ type: "classChoicesAsked", key });
  assert.equal(teacher.state().classroom.choices.pending, true);
  teacher.change({ type: "classChoicesArrived", key: "another walk", choices: copy(server.choices) });
  assert.equal(teacher.state().classroom.choices.pending, true);
  teacher.change({ type: "classChoicesArrived", key, choices: copy(server.choices) });
  const kept = teacher.state().classroom.choices;
  assert.equal(kept.pending, false);
  assert.deepEqual(kept.polls, server.choices.polls);
  assert.ok(candidatesAt("paths-h1", choicesOf(teacher.state().walk, kept)));
});

test("every mistake a poll offers is named in the server's catalogue", () => {
  const codes = new Set(definition().mistakes.map((m) => m.code));
  for (const id of Object.keys(server.choices.polls)) {
    for (const choice of candidatesAt(id, server.choices).choices) assert.ok(choice.mistake === null || codes.has(choice.mistake), choice.mistake);
  }
  assert.equal(mistakeName("missed_second_path", "zh-Hant"), "漏了第二條路徑");
  const unknown = copy(server.choices);
  unknown.polls["paths-h1"].choices[1].mistake = "guessed";
  assert.throws(() => candidatesAt("paths-h1", unknown), /no mistake guessed/);
});

test("pollFor shuffles the choices and still points at the right one", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const poll = pollFor("paths-h1", copy(server.choices), random);
  assert.equal(poll.type, "poll-open");
  assert.equal(poll.choices[poll.correct].mistake, null);
  assert.equal(poll.choices[poll.correct].value, server.step.trace.factors.dE_dout_h1);
  assert.deepEqual(poll.question, { substep: "paths-h1", quantity: "dE_dout_h1", iteration: 1 });
  const values = (list) => list.map((c) => c.value).sort((a, b) => a - b);
  assert.deepEqual(values(poll.choices), values(server.choices.polls["paths-h1"].choices));
});

test("a class message carries the network, the walk and the shared settings exactly", () => {
  const { teacher } = pages();
  const value = message(teacher);
  const page = teacher.state();
  assert.deepEqual(value.network, JSON.parse(JSON.stringify(page.network)));
  assert.deepEqual(value.walk, JSON.parse(JSON.stringify(page.walk)));
  assert.deepEqual(value.settings, { open: [...page.settings.open], tab: page.settings.tab, digits: 5, row: 0 });
  assert.equal(value.network.state.weights.w5, page.network.state.weights.w5);
});

test("a message with a damaged walk is refused, naming the field", () => {
  const { teacher } = pages();
  const data = JSON.parse(serialize(teacher.state(), "message"));
  data.walk.result.state.weights.w5 = "0.4";
  const read = deserialize(JSON.stringify(data), "message");
  assert.equal(read.ok, false);
  assert.match(read.error, /walk\.result\.state\.weights\.w5/);
});

test("a following student shows the teacher's page in their own language", () => {
  const { teacher, student } = pages();
  student.change({ type: "classTeacherState", value: message(teacher) });
  const shown = student.state();
  assert.equal(shown.network.state.weights.w5, teacher.state().network.state.weights.w5);
  assert.equal(shown.walk.index, 9);
  assert.equal(shown.settings.digits, 5);
  assert.deepEqual(shown.settings.open, teacher.state().settings.open);
  assert.equal(shown.settings.language, "en");
});

test("an exploring student keeps their own page and catches up when following again", () => {
  const { teacher, student } = pages();
  student.change({ type: "classFollow", follow: false });
  student.change({ type: "stepped", sent: copy(server.reset.state), result: copy(server.step) });
  student.change({ type: "classTeacherState", value: message(teacher) });
  assert.equal(student.state().walk, null);
  assert.equal(student.state().network.state.iteration, 1);
  student.change({ type: "classFollow", follow: true });
  assert.equal(student.state().walk.index, 9);
  assert.equal(student.state().network.state.iteration, 0); // the teacher's, who is mid-walk
});

test("the teacher's later iterations extend the student's curve; a Reset starts it again", () => {
  const { teacher, student } = pages();
  teacher.change({ type: "walkLeft" });
  teacher.change({ type: "stepped", sent: copy(server.reset.state), result: copy(server.step) });
  student.change({ type: "classTeacherState", value: message(teacher) });
  assert.deepEqual(Array.from(student.state().curve.x), [0, 1]);
  teacher.change({ type: "started", answer: copy(server.reset) });
  student.change({ type: "classTeacherState", value: message(teacher) });
  assert.deepEqual(Array.from(student.state().curve.x), [0]);
});

test("poll results merge into the open poll; a new poll forgets the answer", () => {
  const { student } = pages();
  const poll = { id: "p1", question: { substep: "delta-o1", quantity: "delta_o1", iteration: 1 }, choices: [{ value: 1 }, { value: 2 }], revealed: false };
  student.change({ type: "classPolled", poll });
  student.change({ type: "classAnswered", id: "p1", choice: 1 });
  student.change({ type: "classPolled", poll: { ...poll, revealed: true, correct: 0, counts: [3, 1], responses: 4 } });
  assert.equal(student.state().classroom.answer, 1);
  assert.equal(student.state().classroom.poll.correct, 0);
  student.change({ type: "classPolled", poll: { ...poll, id: "p2" } });
  assert.equal(student.state().classroom.answer, null);
  student.change({ type: "classPollClosed", id: "p2" });
  assert.equal(student.state().classroom.poll, null);
});

// --- The connection, with a stand-in WebSocket and clock -------------------------------------

function fakes() {
  const sockets = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.readyState = 0;
      sockets.push(this);
    }
    send(text) { this.sent.push(text); }
    close(code = 1005) { this.drop(code); }
    accept() { this.readyState = 1; this.onopen(); }
    receive(data) { this.onmessage({ data: JSON.stringify(data) }); }
    drop(code, reason = "") { this.readyState = 3; this.onclose({ code, reason }); }
  }
  const timeouts = [];
  const timers = {
    setTimeout: (fn, ms) => timeouts.push({ fn, ms }) - 1,
    clearTimeout: () => {},
    setInterval: () => 0,
    clearInterval: () => {},
  };
  return { sockets, FakeSocket, timeouts, timers };
}

/** A student's connection on fake sockets and timers, its first socket open; each status it
 * reports is kept as [status, close code]. */
function studentConnected() {
  const { sockets, FakeSocket, timeouts, timers } = fakes();
  const statuses = [];
  connectClass({
    code: "K7M2QX9PA", hello: () => ({ type: "hello", role: "student" }), onMessage: () => {},
    onStatus: (s, detail) => statuses.push([s, detail.code]),
    WebSocketImpl: FakeSocket, location: { protocol: "http:", host: "h:1" }, timers,
  });
  sockets[0].accept();
  return { sockets, timeouts, statuses };
}

test("the socket's URL is on the page's own host, ws or wss as the page", () => {
  assert.equal(socketUrl("K7M2QX9PA", { protocol: "http:", host: "10.0.0.5:8000" }), "ws://10.0.0.5:8000/ws/classes/K7M2QX9PA");
  assert.equal(socketUrl("K7M2QX9PA", { protocol: "https:", host: "lab.example" }), "wss://lab.example/ws/classes/K7M2QX9PA");
});

test("a dropped connection says hello again after a growing, jittered delay", () => {
  const { sockets, FakeSocket, timeouts, timers } = fakes();
  const statuses = [];
  const messages = [];
  connectClass({
    code: "K7M2QX9PA", hello: () => ({ type: "hello", role: "student" }),
    onMessage: (m) => messages.push(m), onStatus: (s) => statuses.push(s),
    WebSocketImpl: FakeSocket, location: { protocol: "http:", host: "h:1" }, timers,
  });
  sockets[0].accept();
  assert.deepEqual(JSON.parse(sockets[0].sent[0]), { type: "hello", role: "student" });
  sockets[0].receive({ type: "welcome" });
  sockets[0].drop(1006);
  const retry = timeouts.at(-1);
  assert.ok(retry.ms >= 250 && retry.ms <= 500, String(retry.ms));
  retry.fn();
  sockets[1].accept();
  assert.equal(sockets[1].sent.length, 1);
  assert.deepEqual(statuses, ["connecting", "open", "reconnecting", "connecting"]);
  assert.deepEqual(messages.map((m) => m.type), ["welcome"]);
  assert.ok(reconnectDelay(10, 1006, () => 1) <= 10_000);
  assert.ok(reconnectDelay(0, CLOSE.tooManyJoins, () => 0) >= 30_000);
});

test("an unknown or ended class, a wrong token or the same student elsewhere end the connection for good", () => {
  for (const code of [CLOSE.noClass, CLOSE.ended, CLOSE.badToken, CLOSE.replaced]) {
    const { sockets, timeouts, statuses } = studentConnected();
    sockets[0].drop(code, "no class");
    assert.deepEqual(statuses.at(-1), ["closed", code]);
    assert.equal(timeouts.filter((t) => t.ms > 1000 && t.ms < 20_000).length, 0);
    assert.equal(sockets.length, 1);
  }
});

test("a full class is tried again later, for seats come free", () => {
  const { sockets, timeouts, statuses } = studentConnected();
  sockets[0].drop(CLOSE.full, "the class is full (500 students)");
  assert.deepEqual(statuses.at(-1), ["reconnecting", CLOSE.full]);
  const retry = timeouts.at(-1);
  assert.ok(retry.ms >= 10_000 && retry.ms <= 20_000, String(retry.ms));
  retry.fn();
  assert.equal(sockets.length, 2);
});
