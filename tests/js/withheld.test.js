import assert from "node:assert/strict";
import { test } from "node:test";

import { copy, server } from "./server.js";
import { candidatesAt, pollFor } from "../../static/js/classroom/polls.js";
import { createStore } from "../../static/js/state/store.js";
import { deserialize, serialize } from "../../static/js/state/serialize.js";
import { closure, stepsFor, walkToSend, withheldOf, withholdView } from "../../static/js/views/withheld.js";

const options = () => copy(server.reset.state.options);
const steps = () => stepsFor(options());
const indexOf = (id) => steps().findIndex((step) => step.id === id);

/** A teacher's page walking iteration 1 at sub-step `id`, with a class open. */
function teacherAt(id) {
  const store = createStore();
  store.change({ type: "started", answer: copy(server.reset) });
  store.change({ type: "walkStarted", sent: copy(server.reset.state), result: copy(server.step) });
  store.change({ type: "walkMoved", index: indexOf(id) });
  store.change({ type: "classJoined", role: "teacher", code: "K7M2QX9PA", joinUrl: "http://x/?class=K7M2QX9PA" });
  return store;
}

/** What the server offers for polls at the sub-steps of the walk of iteration 1. */
const choices = () => copy(server.choices);

/** Open the poll of sub-step `id` on `store` (as the server echoes it to the teacher). */
function openPoll(store, id) {
  const message = pollFor(id, choices());
  const poll = { id: `poll-${id}`, question: message.question, choices: message.choices, correct: message.correct, revealed: false };
  store.change({ type: "classPolled", poll });
  return poll;
}

/** The teacher's state as the class receives it: the text, and what the serializer reads back. */
function sent(store) {
  const page = store.state();
  const text = serialize({ ...page, walk: walkToSend(page) }, "message");
  const read = deserialize(text, "message");
  assert.equal(read.ok, true, read.error);
  return { text, value: read.value };
}

/** Every number in `value` (a tree), as the JSON text writes it. */
function numbersIn(value, found = new Set()) {
  if (typeof value === "number") found.add(value);
  else if (value && typeof value === "object") for (const item of Object.values(value)) numbersIn(item, found);
  return found;
}

const POLLED = ["delta-o1", "delta-o2", "gradient-w5", "gradient-w6", "gradient-w8", "paths-h1", "paths-h2",
  "delta-h1", "delta-h2", "gradient-w1", "gradient-w4", "updates"];

test("a poll on δ_o1 withholds it and everything computed from it, and nothing else", () => {
  const keys = closure(["delta_o1"], options());
  for (const key of ["delta_o1", "gradient_w5", "gradient_w6", "gradient_b2", "dE_dout_h1_via_o1", "dE_dout_h2_via_o1",
    "dE_dout_h1", "dE_dout_h2", "delta_h1", "delta_h2", "gradient_w1", "gradient_w4", "gradient_b1",
    "change_w1", "change_w6", "new_w1", "new_w6", "after"]) {
    assert.ok(keys.has(key), key);
  }
  for (const key of ["delta_o2", "gradient_w7", "gradient_w8", "change_w7", "new_w8", "dE_dout_h1_via_o2"]) {
    assert.ok(!keys.has(key), key);
  }
});

test("under the updated rule the hidden deltas follow from the new w5…w8", () => {
  const keys = closure(["gradient_w5"], { ...options(), hidden_deltas_use: "updated" });
  for (const key of ["new_w5", "dnet_o1_dout_h1", "dE_dout_h1_via_o1", "delta_h1", "gradient_w1"]) assert.ok(keys.has(key), key);
  assert.ok(!closure(["gradient_w5"], options()).has("delta_h1"));
});

for (const id of POLLED) {
  test(`an open poll at ${id} keeps its answer out of the state the class is sent, until the reveal`, () => {
    const store = teacherAt(id);
    const poll = openPoll(store, id);
    const right = poll.choices[poll.correct].value;
    const { text, value } = sent(store);
    assert.ok(!numbersIn(JSON.parse(text)).has(right), `${right} was sent while the poll is open`);
    assert.ok(!numbersIn(value.walk).has(right));
    // the other choices are mistakes: none of them is marked by the state either
    assert.ok(value.walk.withheld.includes(poll.question.quantity));
    // the teacher's own view (the projector) holds neither the value nor its card numbers
    const page = store.state();
    const view = withholdView({ state: page.walk.result.state, forward: page.walk.result.trace.forward,
      last: { sent: page.walk.sent, trace: page.walk.result.trace, diverged: null } }, withheldOf(page));
    assert.ok(!numbersIn(view.last.trace).has(right));
    assert.ok(!numbersIn(view.state).has(right));
    assert.ok(view.withheld.has(poll.question.quantity));

    store.change({ type: "classPolled", poll: { ...poll, revealed: true } });
    assert.ok(numbersIn(JSON.parse(sent(store).text)).has(right), "the reveal sends the value");
  });
}

test("a following student shows the withheld walk, and leaves it on exploring alone", () => {
  const teacher = teacherAt("gradient-w6");
  openPoll(teacher, "gradient-w6");
  const student = createStore();
  student.change({ type: "started", answer: copy(server.reset) });
  student.change({ type: "classJoined", role: "student", code: "K7M2QX9PA" });
  student.change({ type: "classTeacherState", value: sent(teacher).value });
  assert.equal(student.state().walk.index, indexOf("gradient-w6"));
  assert.equal(student.state().walk.result.trace.gradients.w6, null);
  assert.ok(withheldOf(student.state()).get(1).has("gradient_w6"));
  // its own step turns Follow off (and out of the teacher's walk, which it could not finish)
  student.change({ type: "walkMoved", index: indexOf("gradient-w6") + 1 });
  assert.equal(student.state().classroom.follow, false);
  assert.equal(student.state().walk, null);
});

test("a following student's own move stops following, never showing another iteration as the teacher's", () => {
  const student = createStore();
  student.change({ type: "started", answer: copy(server.reset) });
  student.change({ type: "classJoined", role: "student", code: "K7M2QX9PA" });
  assert.equal(student.state().classroom.follow, true);
  student.change({ type: "stepped", sent: copy(server.reset.state), result: copy(server.step) });
  assert.equal(student.state().classroom.follow, false);
  assert.equal(student.state().network.state.iteration, 1);
});

test("before the walk reaches a value the class is not sent it", () => {
  const store = teacherAt("delta-o1");
  const { value } = sent(store);
  const trace = value.walk.result.trace;
  assert.equal(typeof trace.deltas.o1, "number"); // reached
  assert.equal(trace.deltas.o2, null);
  assert.equal(trace.gradients.w5, null);
  assert.equal(value.walk.result.state.weights.w1, null);
  assert.equal(value.walk.result.loss, null);
  // a walk at its last sub-step goes whole
  store.change({ type: "walkMoved", index: steps().length - 1 });
  assert.equal(sent(store).value.walk.withheld, undefined);
});

test("Ask first withholds its question's sub-step through the same keys", () => {
  const store = teacherAt("gradient-w5");
  store.change({ type: "settingsChanged", settings: { asking: true } });
  const held = withheldOf(store.state()).get(1);
  assert.ok(held.has("gradient_w5") && held.has("new_w5") && !held.has("delta_o1"));
  store.change({ type: "walkAnswered", question: "w5-direction", choice: "down" });
  assert.equal(withheldOf(store.state()).size, 0);
});

test("a walk and presentation mode come back from storage; a received withheld walk does not", () => {
  const store = teacherAt("paths-h1");
  store.change({ type: "settingsChanged", settings: { presenting: true } });
  const read = deserialize(serialize(store.state(), "storage"), "storage");
  assert.equal(read.ok, true, read.error);
  const again = createStore();
  again.change({ type: "restored", value: read.value });
  assert.equal(again.state().walk.index, indexOf("paths-h1"));
  assert.deepEqual(again.state().walk.result, store.state().walk.result);
  assert.equal(again.state().settings.presenting, true);

  const withheldWalk = { ...store.state(), walk: walkToSend(store.state()) };
  const kept = deserialize(serialize(withheldWalk, "storage"), "storage");
  assert.equal(kept.ok, true, kept.error);
  again.change({ type: "restored", value: kept.value });
  assert.equal(again.state().walk, null);
});

test("a withheld value may be null only where the walk lists it", () => {
  const store = teacherAt("delta-o1");
  const message = JSON.parse(sent(store).text);
  message.walk.withheld = message.walk.withheld.filter((key) => key !== "new_w1");
  const read = deserialize(JSON.stringify(message), "message");
  assert.equal(read.ok, false);
  assert.match(read.error, /walk\.result\.state\.weights\.w1/);
});

test("the candidates' quantities are the keys the sub-steps compute", () => {
  for (const id of POLLED) {
    const { quantity } = candidatesAt(id, choices());
    const step = steps()[indexOf(id)];
    assert.ok(step.computes.includes(quantity), `${id} computes ${quantity}`);
  }
});

test("in a deeper network an output's δ, withheld, takes with it every gradient below", async () => {
  const { useDefinition } = await import("../../static/js/state/definition.js");
  const { closure } = await import("../../static/js/views/withheld.js");
  useDefinition(copy(server.shapes["2-3-3-2"].definition));
  const options = server.shapes["2-3-3-2"].definition.example.options;
  const held = closure(["delta_o1"], options);
  for (const key of ["dE_dout_h4_via_o1", "delta_h4", "dE_dout_h1_via_h4", "delta_h1", "gradient_w1", "new_w1", "after"]) {
    assert.ok(held.has(key), key);
  }
  assert.ok(!held.has("delta_o2"));
  // under the updated rule a new weight of the top layer changes the paths through it
  const updated = closure(["new_w19"], { ...options, hidden_deltas_use: "updated" });
  assert.ok(updated.has("dnet_o2_dout_h4") && updated.has("delta_h4") && updated.has("gradient_w1"));
  useDefinition(copy(server.definition));
});
