// The live class's panel: for the teacher the code, the join link, its QR code, the students
// counted, End class and the polls with their live histogram; for a student the class, the
// Follow toggle and the poll's choices. It renders what the page state holds and reports
// clicks to its handlers; it changes nothing itself.

import { language, t } from "../i18n/index.js";
import { mistakeName } from "../state/definition.js";
import { formatNumber } from "../views/format.js";
import { createDashboard, renderStudentPractice } from "./practice.js";

const QUANTITY = [
  [/^gradient_(.+)$/, (p) => `∂E_total/∂${p}`],
  [/^delta_(.+)$/, (n) => `δ_${n}`],
  [/^dE_dout_(.+)$/, (n) => `∂E_total/∂out_${n}`],
  [/^new_(.+)$/, (p) => `${p}⁺`],
];

/** How a poll's quantity ("gradient_w5", "delta_h1", …) is written. */
export function quantityText(quantity) {
  for (const [pattern, write] of QUANTITY) {
    const found = pattern.exec(quantity);
    if (found) return write(found[1]);
  }
  return quantity;
}

function element(tag, attributes = {}, text = null) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text !== null) made.textContent = text;
  return made;
}

/** The status line's text and kind for `classroom`. */
export function statusOf(classroom) {
  const { code, status, closed, role, follow } = classroom;
  if (status === "closed") {
    let known = { 4404: "noClass", 4409: "replaced", 4410: "ended", 4401: "badToken" }[closed?.code];
    if (known === "ended" && /expired/.test(closed.reason)) known = "expired";
    else if (known === "ended" && role === "teacher") known = "endedTeacher";
    return { kind: "error", text: t(`class.closed.${known ?? "other"}`, { code, reason: closed?.reason || closed?.code }) };
  }
  if (status === "reconnecting") {
    const why = { 4429: "class.status.tooManyJoins", 4413: "class.status.full" }[closed?.code] ?? "class.status.reconnecting";
    return { kind: "warning", text: t(why, { code }) };
  }
  if (status === "open") {
    const which = role === "teacher" ? "teacher" : follow ? "following" : "exploring";
    return { kind: "info", text: t(`class.status.open.${which}`, { code }) };
  }
  return { kind: "info", text: t("class.status.connecting", { code }) };
}

export function createClassPanel(panel, bar, handlers) {
  const startButton = bar.querySelector("#class-start");
  const joinForm = bar.querySelector("#class-join-form");
  const joinInput = bar.querySelector("#class-join-code");
  startButton.addEventListener("click", () => handlers.onStart());
  joinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    handlers.onJoin(joinInput.value);
  });

  let shownKey = null;
  let pollKey = null; // what the poll box shows; it is drawn again only when that changes
  let parts = {};

  /** Build the panel for a class (once per role and code). */
  function build(classroom) {
    panel.replaceChildren();
    const head = element("div", { class: "class-head" });
    parts = { head };
    if (classroom.role === "teacher") {
      const codeBox = element("span", { class: "class-code-box" });
      codeBox.append(element("span", { class: "class-label", "data-i18n": "class.code" }, t("class.code")),
        parts.code = element("strong", { class: "class-code", "data-testid": "class-code" }, classroom.code));
      parts.link = element("a", {
        class: "class-link", "data-testid": "class-link", "data-url": classroom.joinUrl,
        href: classroom.joinUrl, target: "_blank", rel: "noopener",
      }, classroom.joinUrl);
      parts.count = element("span", { class: "class-count", "data-testid": "class-count", "data-value": "0" });
      parts.end = element("button", { type: "button", class: "button", "data-testid": "class-end" }, t("class.end"));
      parts.end.addEventListener("click", () => handlers.onEnd());
      parts.qr = element("img", {
        class: "class-qr", "data-testid": "class-qr", src: `/api/classes/${encodeURIComponent(classroom.code)}/qr.svg`,
        alt: t("class.qr", { url: classroom.joinUrl }), width: "150", height: "150",
      });
      // on a projector the QR code is small until it is clicked: then it fills the screen
      parts.qrButton = element("button", { type: "button", class: "class-qr-button", "aria-expanded": "false", title: t("class.qr.enlarge") });
      parts.qrButton.append(parts.qr);
      parts.qrButton.addEventListener("click", () => {
        const enlarged = parts.qrButton.classList.toggle("enlarged");
        parts.qrButton.setAttribute("aria-expanded", String(enlarged));
      });
      // in presentation the panel is one line: the link and the QR code open over the stage,
      // in a modal dialog like the keys' (Esc closes it, focus stays inside and comes back)
      parts.showJoin = element("button", {
        type: "button", class: "button class-show-join", "data-testid": "class-show-join", "aria-haspopup": "dialog",
      }, t("class.showJoin"));
      parts.joinDialog = element("dialog", { class: "class-join-dialog", "data-testid": "class-join-dialog", "aria-label": t("class.showJoin") });
      const close = element("button", { type: "button", class: "button", "data-testid": "class-join-close" }, t("class.close"));
      close.addEventListener("click", () => parts.joinDialog.close());
      parts.joinDialog.append(
        element("strong", { class: "class-code" }, classroom.code),
        element("p", { class: "class-link" }, classroom.joinUrl),
        element("img", { class: "class-qr-large", src: parts.qr.getAttribute("src"), alt: parts.qr.getAttribute("alt") }),
        close,
      );
      parts.showJoin.addEventListener("click", () => parts.joinDialog.showModal());
      head.append(codeBox, parts.link, parts.count, parts.showJoin, parts.end);
      panel.append(parts.qrButton, parts.joinDialog);
    } else {
      head.append(element("span", { class: "class-label" }, t("class.heading")),
        parts.code = element("strong", { class: "class-code", "data-testid": "class-code" }, classroom.code));
      const toggle = element("label", { class: "toggle" });
      parts.follow = element("input", { type: "checkbox", "data-testid": "class-follow" });
      parts.follow.addEventListener("change", () => handlers.onFollow(parts.follow.checked));
      toggle.append(parts.follow, element("span", {}, t("class.follow")));
      parts.toggle = toggle;
      head.append(toggle);
    }
    parts.leave = element("button", { type: "button", class: "button", "data-testid": "class-leave" }, t("class.leave"));
    parts.leave.addEventListener("click", () => handlers.onLeave());
    head.append(parts.leave);
    parts.status = element("p", { class: "class-status", "data-testid": "class-status", role: "status" });
    parts.poll = element("div", { class: "class-poll" });
    parts.practice = element("div", { class: "class-practice-box" });
    if (classroom.role === "teacher") parts.dashboard = createDashboard(parts.practice, handlers);
    panel.prepend(head);
    panel.append(parts.status, parts.poll, parts.practice);
  }

  /** Show `page`'s class; `offer` is the poll the teacher may open here (or null), `exercise`
   * a student's practice exercise as loaded ({id, seed, state, asks, given}) or null. */
  function render(page, { offer = null, exercise = null } = {}) {
    const { classroom, settings } = page;
    startButton.hidden = joinForm.hidden = Boolean(classroom);
    if (!classroom) {
      panel.hidden = true;
      panel.removeAttribute("data-following");
      shownKey = null;
      return;
    }
    panel.hidden = false;
    const key = `${classroom.role}:${classroom.code}`;
    if (key !== shownKey) {
      build(classroom);
      pollKey = null;
    }
    shownKey = key;
    const closed = classroom.status === "closed";
    panel.dataset.status = classroom.status;
    panel.dataset.role = classroom.role;
    // a student whose page the teacher drives: the stylesheet gives a phone's room to what
    // such a page can use (the class, its poll, the sub-step), not to controls it can't
    panel.toggleAttribute("data-following", classroom.role === "student" && classroom.follow && !closed);
    const status = statusOf(classroom);
    parts.status.textContent = status.text;
    parts.status.dataset.kind = status.kind;
    if (classroom.role === "teacher") {
      parts.count.dataset.value = String(classroom.students);
      parts.count.textContent = t(classroom.students === 1 ? "class.student" : "class.students", { n: classroom.students });
      parts.end.hidden = parts.qrButton.hidden = parts.link.hidden = parts.showJoin.hidden = closed;
      if (closed && parts.joinDialog.open) parts.joinDialog.close();
      parts.leave.hidden = !closed;
    } else {
      parts.follow.checked = classroom.follow;
      parts.toggle.hidden = closed;
    }
    renderPoll(classroom, offer, settings.digits, closed);
    if (classroom.role === "teacher") parts.dashboard.render(classroom);
    else renderStudentPractice(parts.practice, closed ? { ...page, classroom: { ...classroom, practice: null } } : page, exercise, handlers);
  }

  function renderPoll(classroom, offer, digits, closed) {
    const key = JSON.stringify([classroom.poll, classroom.answer, offer?.question ?? null, digits, closed]);
    if (key === pollKey) return;
    pollKey = key;
    const box = parts.poll;
    box.replaceChildren();
    if (closed) return;
    const { poll, role } = classroom;
    const teacher = role === "teacher";
    const sameAsOffer = poll && offer && poll.question.substep === offer.question.substep
      && poll.question.iteration === offer.question.iteration;
    if (teacher && offer && !sameAsOffer) {
      const open = element("button", { type: "button", class: "button primary", "data-testid": "poll-open", title: t("poll.open.title") },
        `${t("poll.open")}: ${quantityText(offer.question.quantity)}`);
      open.addEventListener("click", () => handlers.onPollOpen());
      box.append(open);
    }
    if (!poll) return;
    box.append(element("p", { class: "poll-question", "data-testid": "poll-question" },
      t("poll.question", { iteration: poll.question.iteration, quantity: quantityText(poll.question.quantity) })));
    const counts = poll.counts ?? [];
    const most = Math.max(1, ...counts);
    const list = element("div", { class: "poll-choices", role: "group" });
    poll.choices.forEach((choice, index) => {
      const row = element("div", { class: "poll-row" });
      const value = formatNumber(choice.value, digits);
      const right = poll.revealed && index === poll.correct;
      // which choice is right is marked only once revealed: the teacher's page knows it
      // before (the projector must not show it), a student's page does not
      const marks = right ? { "data-correct": "true" } : {};
      if (teacher) {
        row.append(element("span", {
          class: "poll-value", "data-testid": "poll-choice", "data-value": String(choice.value),
          "data-index": String(index), ...marks,
        }, value));
      } else {
        const button = element("button", {
          type: "button", class: "button poll-choice", "data-testid": "poll-choice",
          "data-value": String(choice.value), "data-index": String(index),
          "aria-pressed": String(classroom.answer === index), ...marks,
        }, value);
        button.disabled = classroom.answer !== null || poll.revealed;
        button.addEventListener("click", () => handlers.onAnswer(poll.id, index));
        row.append(button);
      }
      if (teacher || poll.revealed) {
        const bar = element("span", { class: "poll-bar" });
        bar.style.width = `${(100 * (counts[index] ?? 0)) / most}%`;
        row.append(element("span", { class: "poll-track" }), element("span", { class: "poll-count" }, String(counts[index] ?? 0)));
        row.querySelector(".poll-track").append(bar);
      }
      if (poll.revealed) {
        row.classList.toggle("right", right);
        const note = right ? t("poll.correct") : choice.mistake ? mistakeName(choice.mistake, language()) : "";
        row.append(element("span", { class: "poll-note" }, note));
      }
      list.append(row);
    });
    if (teacher || poll.revealed) {
      const results = element("div", { class: "poll-results", "data-testid": "poll-results", "data-responses": String(poll.responses ?? 0) });
      results.append(list, element("p", { class: "poll-responses" }, t(poll.responses === 1 ? "poll.response" : "poll.responses", { n: poll.responses ?? 0 })));
      box.append(results);
    } else {
      box.append(list);
    }
    if (teacher) {
      if (!poll.revealed) {
        const reveal = element("button", { type: "button", class: "button primary", "data-testid": "poll-reveal" }, t("poll.reveal"));
        reveal.addEventListener("click", () => handlers.onReveal(poll.id));
        box.append(reveal);
      }
      const close = element("button", { type: "button", class: "button", "data-testid": "poll-close" }, t("poll.close"));
      close.addEventListener("click", () => handlers.onPollClose(poll.id));
      box.append(close);
    } else if (poll.revealed && classroom.answer !== null) {
      const right = classroom.answer === poll.correct;
      box.append(element("p", { class: `poll-verdict ${right ? "right" : "wrong"}`, "data-testid": "poll-verdict", "data-right": String(right) },
        t(right ? "poll.right" : "poll.wrong")));
    } else if (classroom.answer !== null) {
      box.append(element("p", { class: "poll-verdict" }, t("poll.answered")));
    }
  }

  /** The language changed: build again in it. */
  function retranslate(page, options) {
    shownKey = null;
    render(page, options);
  }

  return { render, retranslate };
}
