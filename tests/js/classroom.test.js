import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { CLOSE, connectClass, reconnectDelay, socketUrl } from "../../static/js/classroom/connection.js";
import { candidatesAt, pollFor } from "../../static/js/classroom/polls.js";
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

test("a poll on ∂E/∂w5 offers the value and the mistakes the trace gives, each once", () => {
  const ctx = context();
  const f = ctx.trace.factors;
  const found = candidatesAt("gradient-w5", ctx);
  assert.equal(found.quantity, "gradient_w5");
  assert.equal(found.iteration, 1);
  assert.deepEqual(found.choices, [
    { value: ctx.trace.gradients.w5, mistake: null },
    { value: f.dE_dout_o1 * f.dnet_o1_dw5, mistake: "missing_activation_derivative" },
    { value: -ctx.trace.gradients.w5, mistake: "sign_error" },
  ]);
  assert.equal(ctx.trace.gradients.w5.toFixed(9), "0.082167041"); // the worked example's figure
});

test("a hidden weight's poll adds the missed second path and the updated weight", () => {
  const ctx = context();
  const f = ctx.trace.factors;
  const { choices } = candidatesAt("gradient-w1", ctx);
  const byMistake = Object.fromEntries(choices.map((c) => [c.mistake, c.value]));
  assert.equal(byMistake.null.toFixed(9), "0.000438568");
  assert.equal(byMistake.missed_second_path, f.dE_dout_h1_via_o1 * f.dout_h1_dnet_h1 * f.dnet_h1_dw1);
  const w = ctx.after.weights;
  const updated = (ctx.trace.deltas.o1 * w.w5 + ctx.trace.deltas.o2 * w.w7) * f.dout_h1_dnet_h1 * f.dnet_h1_dw1;
  assert.equal(byMistake.used_updated_weight, updated);
  assert.equal(byMistake.missing_activation_derivative, f.dE_dout_h1 * f.dnet_h1_dw1);
  assert.equal(byMistake.sign_error, -byMistake.null);
  assert.equal(new Set(choices.map((c) => c.value)).size, choices.length);
});

test("polls are offered at the backward sub-steps and not where no single number is computed", () => {
  const ctx = context();
  for (const id of ["delta-o1", "delta-h2", "paths-h1", "gradient-w8", "gradient-w3", "updates"]) {
    assert.ok(candidatesAt(id, ctx), id);
  }
  for (const id of ["forward-h1", "errors", "gradient-b1"]) assert.equal(candidatesAt(id, ctx), null, id);
});

test("at the updates, the poll asks for the new w5: w5 − η·∂E/∂w5, not w5 + η·∂E/∂w5", () => {
  const ctx = context();
  const { quantity, choices } = candidatesAt("updates", ctx);
  assert.equal(quantity, "new_w5");
  assert.equal(choices[0].value.toFixed(8), "0.35891648"); // the worked example's w5⁺
  const g = ctx.trace.gradients.w5;
  assert.deepEqual(choices.find((c) => c.mistake === "added_update"), { value: 0.4 + 0.5 * g, mistake: "added_update" });
});

test("a poll at the two paths offers each path alone, and names every mistake from the server's catalogue", () => {
  const ctx = context();
  const f = ctx.trace.factors;
  const { choices } = candidatesAt("paths-h1", ctx);
  const paths = choices.filter((c) => c.mistake === "missed_second_path").map((c) => c.value);
  assert.deepEqual(paths, [f.dE_dout_h1_via_o1, f.dE_dout_h1_via_o2]);
  const codes = new Set(definition().mistakes.map((m) => m.code));
  for (const id of ["delta-o1", "delta-h1", "paths-h2", "gradient-w2", "gradient-w7", "updates"]) {
    for (const choice of candidatesAt(id, ctx).choices) assert.ok(choice.mistake === null || codes.has(choice.mistake), choice.mistake);
  }
  assert.equal(mistakeName("missed_second_path", "zh-Hant"), "漏了第二條路徑");
});

test("pollFor shuffles the choices and still points at the right one", () => {
  const ctx = context();
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const poll = pollFor("paths-h1", ctx, random);
  assert.equal(poll.type, "poll-open");
  assert.equal(poll.choices[poll.correct].mistake, null);
  assert.equal(poll.choices[poll.correct].value, ctx.trace.factors.dE_dout_h1);
  assert.deepEqual(poll.question, { substep: "paths-h1", quantity: "dE_dout_h1", iteration: 1 });
});

test("a class message carries the network, the walk and the shared settings exactly", () => {
  const { teacher } = pages();
  const value = message(teacher);
  const page = teacher.state();
  assert.deepEqual(value.network, JSON.parse(JSON.stringify(page.network)));
  assert.deepEqual(value.walk, JSON.parse(JSON.stringify(page.walk)));
  assert.deepEqual(value.settings, { open: [...page.settings.open], tab: page.settings.tab, digits: 5 });
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
    const { sockets, FakeSocket, timeouts, timers } = fakes();
    const statuses = [];
    connectClass({
      code: "K7M2QX9PA", hello: () => ({ type: "hello", role: "student" }), onMessage: () => {},
      onStatus: (s, detail) => statuses.push([s, detail.code]),
      WebSocketImpl: FakeSocket, location: { protocol: "http:", host: "h:1" }, timers,
    });
    sockets[0].accept();
    sockets[0].drop(code, "no class");
    assert.deepEqual(statuses.at(-1), ["closed", code]);
    assert.equal(timeouts.filter((t) => t.ms > 1000 && t.ms < 20_000).length, 0);
    assert.equal(sockets.length, 1);
  }
});

test("a full class is tried again later, for seats come free", () => {
  const { sockets, FakeSocket, timeouts, timers } = fakes();
  const statuses = [];
  connectClass({
    code: "K7M2QX9PA", hello: () => ({ type: "hello", role: "student" }), onMessage: () => {},
    onStatus: (s, detail) => statuses.push([s, detail.code]),
    WebSocketImpl: FakeSocket, location: { protocol: "http:", host: "h:1" }, timers,
  });
  sockets[0].accept();
  sockets[0].drop(CLOSE.full, "the class is full (500 students)");
  assert.deepEqual(statuses.at(-1), ["reconnecting", CLOSE.full]);
  const retry = timeouts.at(-1);
  assert.ok(retry.ms >= 10_000 && retry.ms <= 20_000, String(retry.ms));
  retry.fn();
  assert.equal(sockets.length, 2);
});
