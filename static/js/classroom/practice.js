// Practice in a live class. A student's side: their own exercise, drawn with the practice
// page's own parts (the network's numbers, the questions with `answer-<id>` and `verdict-<id>`),
// and the nickname the teacher's dashboard shows. The teacher's side: assign a level, and the
// dashboard, a row a student and the class's named mistakes counted, each with a button that
// opens the sub-step explaining it. Renders the page state; clicks go to the handlers.

import { language, t } from "../i18n/index.js";
import { definition, mistakeName } from "../state/definition.js";
import { givenHtml, networkTable, questionsHtml, showVerdict, clearVerdict } from "../practice/view.js";
import { text } from "../practice/text.js";

function element(tag, attributes = {}, content = null) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (content !== null) made.textContent = content;
  return made;
}

/** A mistake's name in the page's language, from the server's catalogue. */
const nameOf = (code) => mistakeName(code, language());

/** The class's mistakes from its rows: [{code, count, students, substep}], most frequent first
 * (ties in the catalogue's order). */
export function classMistakes(board) {
  const order = (definition().mistakes ?? []).map((mistake) => mistake.code);
  const found = new Map();
  for (const row of board) {
    for (const [code, count] of Object.entries(row.mistakes ?? {})) {
      const entry = found.get(code) ?? { code, count: 0, students: 0, substeps: new Map() };
      entry.count += count;
      entry.students += 1;
      const substep = row.substeps?.[code];
      if (substep) entry.substeps.set(substep, (entry.substeps.get(substep) ?? 0) + count);
      found.set(code, entry);
    }
  }
  const rank = (code) => (order.includes(code) ? order.indexOf(code) : order.length);
  return [...found.values()]
    .map(({ code, count, students, substeps }) => {
      const substep = [...substeps.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
      return { code, count, students, substep };
    })
    .sort((a, b) => b.count - a.count || rank(a.code) - rank(b.code));
}

/** The student's side: `box` shows their exercise once loaded (`loaded`: {state, asks, given}). */
export function renderStudentPractice(box, page, loaded, handlers) {
  const exercise = page.classroom.practice;
  if (!exercise || !loaded || loaded.id !== exercise.id || loaded.seed !== exercise.seed) {
    if (!exercise) {
      box.replaceChildren();
      delete box.dataset.key;
    }
    return;
  }
  const key = `${exercise.id}:${exercise.seed}:${language()}`;
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    box.replaceChildren();
    const section = element("section", {
      class: "class-practice", "data-testid": "practice", "data-level": String(exercise.level),
      "data-seed": String(exercise.seed), "aria-label": t("practice.heading"),
    });
    const head = element("div", { class: "class-practice-head" });
    head.append(element("h2", { class: "class-practice-title" },
      `${t("practice.heading")} · ${text("seed", { seed: exercise.seed })} · ${text("level", { level: exercise.level })}`));
    const nameLabel = element("label", { class: "class-nickname" });
    const input = element("input", {
      type: "text", maxlength: "24", autocomplete: "nickname", "data-testid": "practice-nickname",
      placeholder: t("practice.nickname.placeholder", { number: exercise.number }),
    });
    input.value = exercise.nickname ?? "";
    input.addEventListener("change", () => handlers.onNickname(input.value));
    nameLabel.append(element("span", {}, t("practice.nickname")), input);
    head.append(nameLabel);
    const values = element("div", { class: "class-practice-values" });
    values.innerHTML = networkTable(loaded.state);
    const given = element("div", { class: "class-practice-given" });
    given.innerHTML = givenHtml(loaded.given);
    const list = element("ol", { class: "questions" });
    list.innerHTML = questionsHtml(loaded.asks, page.practice.answers);
    list.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("input.answer")) {
        event.preventDefault();
        handlers.onPracticeAnswer(event.target.dataset.id, event.target.value);
      }
    });
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button.check");
      if (button) handlers.onPracticeAnswer(button.dataset.id, list.querySelector(`#answer-${button.dataset.id}`).value);
    });
    list.addEventListener("input", (event) => {
      if (event.target.matches("input.answer")) handlers.onPracticeTyped(event.target.dataset.id, event.target.value);
    });
    const done = element("p", { class: "class-practice-solved", "data-testid": "practice-solved" }, text("solved"));
    section.append(head, values, given, list, done);
    box.append(section);
  }
  const section = box.firstElementChild;
  const nickname = section.querySelector("[data-testid=practice-nickname]");
  if (document.activeElement !== nickname) nickname.value = exercise.nickname ?? "";
  const { verdicts, attempts } = page.practice;
  let solved = 0;
  for (const { id } of loaded.asks) {
    const output = section.querySelector(`#verdict-${id}`);
    const input = section.querySelector(`#answer-${id}`);
    const counter = output.parentElement.querySelector(".q-attempts");
    if (counter) counter.textContent = attempts?.[id] ? text("attempts", { count: attempts[id] }) : "";
    const verdict = verdicts[id];
    if (verdict) showVerdict(output, input, verdict);
    else if (output.dataset.kind !== "invalid") clearVerdict(output, input);
    if (verdict?.correct) solved += 1;
  }
  section.querySelector(".class-practice-solved").hidden = solved < loaded.asks.length;
}

/** The teacher's side: the level to assign, and the dashboard once a practice is assigned. */
export function createDashboard(box, handlers) {
  const tools = element("div", { class: "practice-tools" });
  const level = element("select", { "data-testid": "practice-level", "aria-label": t("practice.level") });
  for (const k of [1, 2, 3, 4]) level.append(element("option", { value: String(k) }, `${text("level", { level: k })}: ${text(`level.${k}`)}`));
  const assign = element("button", { type: "button", class: "button primary", "data-testid": "practice-assign", "data-level": "1" }, t("practice.assign"));
  level.addEventListener("change", () => assign.setAttribute("data-level", level.value));
  assign.addEventListener("click", () => handlers.onAssign(Number(level.value)));
  const anonymousLabel = element("label", { class: "toggle" });
  const anonymous = element("input", { type: "checkbox", "data-testid": "practice-anonymous" });
  anonymous.addEventListener("change", () => handlers.onAnonymous(anonymous.checked));
  anonymousLabel.append(anonymous, element("span", {}, t("practice.anonymous")));
  const exportButton = element("button", { type: "button", class: "button", "data-testid": "practice-export", title: t("practice.export.title") }, t("practice.export"));
  exportButton.addEventListener("click", () => handlers.onExport());
  tools.append(level, assign, anonymousLabel, exportButton);
  const board = element("div", { class: "practice-dashboard", "data-testid": "practice-dashboard" });
  const summary = element("p", { class: "practice-summary" });
  const mistakes = element("ul", { class: "practice-mistakes", "aria-label": t("practice.mistakes") });
  const table = element("table", { class: "practice-students" });
  const head = element("tr");
  for (const key of ["practice.student", "practice.solved", "practice.attempts", "practice.mistakes"]) head.append(element("th", { scope: "col" }, t(key)));
  table.append(element("thead"), element("tbody"));
  table.tHead.append(head);
  board.append(summary, mistakes, table);
  mistakes.addEventListener("click", (event) => {
    const button = event.target.closest("[data-testid=practice-explain]");
    if (button) handlers.onExplain(button.dataset.substep);
  });
  box.replaceChildren(tools, board);
  let drawn = null;

  function render(classroom) {
    const { practice, board: rows, anonymous: hidden, status } = classroom;
    box.hidden = status === "closed";
    anonymous.checked = hidden;
    board.hidden = !practice;
    const key = JSON.stringify([practice, rows, hidden, language()]);
    if (!practice || key === drawn) return;
    drawn = key;
    board.dataset.practice = practice.id;
    board.dataset.level = String(practice.level);
    board.dataset.anonymous = String(hidden);
    const done = rows.filter((row) => row.asks > 0 && row.solved === row.asks).length;
    summary.textContent = t("practice.summary", { level: practice.level, students: rows.length, done });
    mistakes.replaceChildren(...classMistakes(rows).map(({ code, count, students, substep }) => {
      const item = element("li", { class: "practice-mistake", "data-testid": "practice-mistake", "data-code": code, "data-count": String(count), "data-students": String(students) });
      item.append(element("span", { class: "practice-mistake-count" }, String(count)),
        element("span", { class: "practice-mistake-name" }, nameOf(code)),
        element("span", { class: "practice-mistake-students" }, t(students === 1 ? "practice.inStudent" : "practice.inStudents", { n: students })));
      if (substep) {
        item.append(element("button", { type: "button", class: "button", "data-testid": "practice-explain", "data-substep": substep, "data-code": code }, t("practice.explain")));
      }
      return item;
    }));
    if (!mistakes.children.length) mistakes.append(element("li", { class: "practice-none" }, t("practice.noMistakes")));
    table.hidden = hidden;
    table.tBodies[0].replaceChildren(...(hidden ? [] : rows.map((row) => {
      const tr = element("tr", {
        "data-testid": "practice-student", "data-number": String(row.number), "data-attempts": String(row.attempts),
        "data-solved": String(row.solved), "data-asks": String(row.asks),
      });
      tr.classList.toggle("done", row.asks > 0 && row.solved === row.asks);
      const name = row.nickname ?? t("practice.number", { number: row.number });
      const found = Object.entries(row.mistakes).map(([code, n]) => `${nameOf(code)}${n > 1 ? ` ×${n}` : ""}`).join(", ");
      tr.append(element("td", { class: "practice-name" }, name), element("td", {}, `${row.solved} / ${row.asks}`),
        element("td", {}, String(row.attempts)), element("td", { class: "practice-row-mistakes" }, found));
      return tr;
    })));
  }

  return { render };
}
