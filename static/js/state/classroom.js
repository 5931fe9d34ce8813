// A live class in the page state: who this page is in it, what the server last said, the open
// poll, and, for a student, the teacher's latest state and whether the page follows it.
//
// classroom: null | {
//   role: "teacher" | "student", code, joinUrl (teacher), status: "connecting" | "open" |
//   "reconnecting" | "closed", closed: null | {code, reason}, students (teacher),
//   follow (student), teacher: the teacher's latest state as the serializer read it (student),
//   poll: null | {id, question, choices, correct?, revealed, counts?, responses?},
//   answer: the student's choice in the open poll, or null,
//   practice: null | the practice assigned: a teacher's {id, level}; a student's own exercise
//     {id, level, seed, number, nickname, answers},
//   board: [{number, nickname, seed, attempts, solved, asks, mistakes, substeps}] (teacher),
//   anonymous: whether the teacher's dashboard hides the students' names (the projector),
//   choices: null | what the server offers for polls at the walk's sub-steps (teacher):
//     {key: the walk's sent state as text, pending, iteration, polls: {substep: {quantity,
//     choices: [{value, mistake}]}}}
// }

import { appendLosses, emptyCurve } from "./curve.js";
import { recordState, startHistory } from "./history.js";
import { extendPath, startPath } from "./path.js";
import { validSettings } from "./settings.js";

const sameNumbers = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** `page` showing the teacher's `value` ({network, walk, settings}); its own language stays. */
export function followTeacher(page, value) {
  const { network, walk } = value;
  const settings = validSettings(value.settings, page.settings);
  const now = page.network;
  const next = { ...page, network, walk, settings };
  const iteration = network.state.iteration;
  if (!now || !sameNumbers(now.initial, network.initial) || iteration < now.state.iteration) {
    // a new network, a Reset, or an earlier iteration: this page's curve starts again there
    return {
      ...next,
      curve: appendLosses(emptyCurve(), iteration, [network.loss]),
      history: startHistory(network.state, network.forward),
      path: startPath(network.state),
    };
  }
  if (iteration > now.state.iteration) {
    return {
      ...next,
      curve: appendLosses(page.curve, iteration, [network.loss]),
      history: recordState(page.history, network.state),
      path: extendPath(page.path, [network.state]),
    };
  }
  return next;
}

/** Whether `page` is a teacher's whose open poll is not revealed: its iteration is held (the
 * rest of the update would show the answer, on the projector and in the state sent). */
export const pollHoldsIteration = (page) => page.classroom?.role === "teacher" && Boolean(page.classroom.poll)
  && !page.classroom.poll.revealed;

/** Whether `page` is a student's that follows the teacher. */
export const following = (page) => page.classroom?.role === "student" && page.classroom.follow;

const withClass = (page, changes) => (page.classroom ? { ...page, classroom: { ...page.classroom, ...changes } } : page);

export const classReducers = {
  /** This page joins class `code` as `role` (a teacher also knows the join URL). */
  classJoined(page, { role, code, joinUrl = null }) {
    return {
      ...page,
      classroom: {
        role, code, joinUrl, status: "connecting", closed: null, students: 0,
        follow: true, teacher: null, poll: null, answer: null, practice: null, board: [], anonymous: false,
        choices: null,
      },
    };
  },

  /** The connection's status ("connecting", "open", "reconnecting", "closed" with `closed`). */
  classStatus(page, { status, closed = null }) {
    return withClass(page, { status, closed });
  },

  /** What the server says on (re)connection: students, the open poll, this student's answer,
   * the practice assigned (and for a teacher its dashboard). */
  classWelcomed(page, { students = 0, poll = null, answer = null, practice = null, board = [] }) {
    return withClass(page, { students, poll, answer: answer ?? null, practice: practice ?? null, board: board ?? [] });
  },

  /** A student's new exercise, or a teacher's new practice with its whole dashboard. */
  classPracticed(page, { practice, board = null }) {
    if (!page.classroom) return page;
    return withClass(page, board === null ? { practice } : { practice, board });
  },

  /** One student's row changed: kept unless an older row overtakes the newer one. */
  classRowChanged(page, { practice, row }) {
    const { classroom } = page;
    if (!classroom || classroom.practice?.id !== practice) return page;
    const board = [...classroom.board];
    const at = board.findIndex((each) => each.number === row.number);
    if (at < 0) board.push(row);
    else if (board[at].attempts <= row.attempts) board[at] = row;
    else return page;
    board.sort((a, b) => a.number - b.number);
    return withClass(page, { board });
  },

  classNicknamed(page, { nickname }) {
    const practice = page.classroom?.practice;
    return practice ? withClass(page, { practice: { ...practice, nickname } }) : page;
  },

  classAnonymous(page, { anonymous }) {
    return withClass(page, { anonymous: Boolean(anonymous) });
  },

  classCounted(page, { students }) {
    return withClass(page, { students });
  },

  /** A poll opened, its results or its reveal (`poll` merged into the open one). */
  classPolled(page, { poll }) {
    const { classroom } = page;
    if (!classroom) return page;
    const same = classroom.poll && classroom.poll.id === poll.id;
    return withClass(page, { poll: same ? { ...classroom.poll, ...poll } : poll, answer: same ? classroom.answer : null });
  },

  /** The poll choices of the walk whose sent state is `key` were asked of the server. */
  classChoicesAsked(page, { key }) {
    return withClass(page, { choices: { key, pending: true, iteration: null, polls: {} } });
  },

  /** The server's poll choices for the walk whose sent state is `key` ({iteration, polls}; none
   * when it could not answer); kept only if that walk is still the one asked about. */
  classChoicesArrived(page, { key, choices }) {
    if (page.classroom?.choices?.key !== key) return page;
    return withClass(page, { choices: { key, pending: false, iteration: choices?.iteration ?? null, polls: choices?.polls ?? {} } });
  },

  classPollClosed(page, { id }) {
    return page.classroom?.poll?.id === id ? withClass(page, { poll: null, answer: null }) : page;
  },

  classAnswered(page, { id, choice }) {
    return page.classroom?.poll?.id === id ? withClass(page, { answer: choice }) : page;
  },

  /** The teacher's state (`value`, read by the serializer): shown at once when following. */
  classTeacherState(page, { value }) {
    const next = withClass(page, { teacher: value });
    return next.classroom?.follow ? followTeacher(next, value) : next;
  },

  /** Follow the teacher again (catching up at once), or explore alone: the teacher's walk is
   * left then if the class was sent it without some values (the page could not finish it). */
  classFollow(page, { follow }) {
    const next = withClass(page, { follow });
    const teacher = next.classroom?.teacher;
    if (follow) return teacher ? followTeacher(next, teacher) : next;
    return next.walk?.withheld ? { ...next, walk: null } : next;
  },

  classLeft(page) {
    return page.classroom ? { ...page, classroom: null } : page;
  },
};
