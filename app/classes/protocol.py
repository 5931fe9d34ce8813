"""The messages of a live class: JSON text frames on `/ws/classes/{code}`, each {"type": ...}.

The first message a client sends is `hello`; the rest depend on its role.

Client → server
- `hello` {role: "teacher", token} or {role: "student", student?}: `student` is the id the
  server gave this student before (the page keeps it), so that a reconnected student keeps
  their seat and their answers.
- teacher: `state` {state}: the page as its serializer writes it for a class, checked against
  `app.schemas.ClassPage` (numbers as numbers, names as names, no other field) before any
  student sees it; `poll-open` {question: {substep, quantity, iteration}, choices: [{value,
  mistake}], correct}; `poll-reveal` {poll}; `poll-close` {poll}; `end`.
  The teacher's page withholds from `state` what the class must not see yet: a walk
  ({sent, result, index, answers}) goes with `withheld`, the names of the values set to null
  in it (those its sub-steps have not reached, and from `poll-open` until `poll-reveal` the
  polled value and every value computed from it; see static/js/views/withheld.js), so that no
  message a student receives holds the right choice before the reveal.
- teacher: `practice-assign` {level}: every student gets an exercise of that level (1-4) of
  their own, replacing the practice before (its dashboard is forgotten).
- student: `answer` {poll, choice}: one per student per poll, the first one counts.
- student: `nickname` {nickname}: the name the teacher's dashboard shows for this student (at
  most 24 characters of text, "" for their number); `practice-answer` {practice, answers:
  {ask id: number}, language?}: answers to this student's own exercise, judged by the server
  (app.practice.check). Neither names a student: a student answers for themselves only.
- anyone: `ping` → `pong`.

Server → client
- `welcome` {role, code, student?, students, state, seq, poll, answer}: everything needed to
  catch up after a (re)connection.
- `state` {seq, state} (students; a higher seq is newer), `count` {students} (teachers),
  `poll` {poll} (students get no `correct` and no `mistake` until the reveal: only
  {id, question, choices: [{value}], revealed}), `poll-results`
  {poll, counts, responses} (teachers), `answered` {poll, choice}, `poll-reveal` {poll,
  counts, responses}, `poll-close` {poll}, `ended` {reason}, `error` {message}, `pong`.
- Practice (app.classes.practice): the welcome carries `practice`, for a student their own
  exercise {id, level, seed, number, nickname, answers} and for a teacher {id, level} with
  `board` [row]; `practice` {practice} (a student's new exercise), `practice-verdicts`
  {practice, results} (that student only: the results of /api/practice/check), to teachers
  only `practice-board` {practice, board} and `practice-row` {practice, row}, a row being
  {number, nickname, seed, attempts, solved, asks, mistakes: {code: count}, substeps: {code:
  sub-step}}. No student ever receives another student's row, answers or name.

Every message is refused (an `error` naming the field) unless it is valid Unicode and fits its
schema here; nothing a client sends reaches another client unchecked.

Close codes: 1008 a flood or a refused Origin, 1009 a message over 16 KiB, 1011/1012 the
server restarts or failed (reconnect), 1013 too slow to keep up or the class store is away
(reconnect); 4400 no valid hello, 4401 wrong teacher token, 4404 no such class (or the store
lost it), 4409 the same student joined again elsewhere, 4410 the class ended, 4413 the class
is full or the address holds its share of the seats, 4429 too many joins from one address.
A client reconnects after 1xxx codes, 4413 and 4429 (later), and stops after the other 44xx.
"""

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from app import practice
from app.schemas import MAX_ITERATION, ClassPage, Name

POLICY, TOO_BIG, INTERNAL, RESTART, TRY_LATER = 1008, 1009, 1011, 1012, 1013
BAD_HELLO, BAD_TOKEN, NO_CLASS, ENDED, FULL, TOO_MANY_JOINS = 4400, 4401, 4404, 4410, 4413, 4429
REPLACED = 4409

# the codes of the practice catalogue: a poll names its mistakes as the practice check does
Mistake = Literal[practice.MISCONCEPTIONS]  # type: ignore[valid-type]
PollId = Annotated[str, Field(min_length=1, max_length=40)]
AskId = Literal[practice.ANSWER_IDS]  # type: ignore[valid-type]
AnswerValue = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-1e9, le=1e9)]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class Hello(Message):
    type: Literal["hello"]
    role: Literal["teacher", "student"]
    token: Annotated[str, Field(max_length=100)] | None = None
    student: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,40}$")] | None = None


class State(Message):
    type: Literal["state"]
    state: ClassPage


class Choice(Message):
    value: Annotated[float, Field(allow_inf_nan=False)]
    # which typical mistake gives this value (None: the correct one)
    mistake: Mistake | None = None


class Question(Message):
    """Which sub-step's value is asked, in which iteration (the page writes the question)."""

    substep: Name
    quantity: Name
    iteration: Annotated[int, Field(ge=1, le=MAX_ITERATION + 1)]


class PollOpen(Message):
    type: Literal["poll-open"]
    question: Question
    choices: Annotated[list[Choice], Field(min_length=2, max_length=8)]
    correct: Annotated[int, Field(ge=0, le=7)]


class PollReveal(Message):
    type: Literal["poll-reveal"]
    poll: PollId


class PollClose(Message):
    type: Literal["poll-close"]
    poll: PollId


class End(Message):
    type: Literal["end"]


class Answer(Message):
    type: Literal["answer"]
    poll: PollId
    choice: Annotated[int, Field(ge=0, le=7)]


class PracticeAssign(Message):
    type: Literal["practice-assign"]
    level: Annotated[int, Field(strict=True, ge=1, le=4)]


class Nickname(Message):
    type: Literal["nickname"]
    # bounded again in characters once read (app.classes.practice.nickname)
    nickname: Annotated[str, Field(max_length=200)]


class PracticeAnswer(Message):
    type: Literal["practice-answer"]
    practice: PollId
    answers: Annotated[dict[AskId, AnswerValue], Field(min_length=1, max_length=16)]
    language: Literal["en", "zh-Hans", "zh-Hant"] = "en"


class Ping(Message):
    type: Literal["ping"]


TeacherMessage = State | PollOpen | PollReveal | PollClose | End | PracticeAssign
StudentMessage = Answer | Nickname | PracticeAnswer
AnyMessage = Annotated[
    Hello | State | PollOpen | PollReveal | PollClose | End | PracticeAssign | Answer | Nickname
    | PracticeAnswer | Ping,
    Field(discriminator="type"),
]
_messages: TypeAdapter[Any] = TypeAdapter(AnyMessage)


class RefusedError(ValueError):
    """A message the server will not act on; its text tells the sender why."""


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def parse(text: str) -> Any:
    """Return the message in `text`, or raise RefusedError naming what is wrong with it."""
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError) as error:
        raise RefusedError(f"not valid JSON: {error}") from None
    if not isinstance(data, dict) or "type" not in data:
        raise RefusedError('a message is a JSON object with a "type"')
    try:
        # JSON may spell a lone surrogate (\ud800) that no UTF-8 text can carry to a student
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise RefusedError("a string is not valid Unicode (a lone surrogate)") from None
    try:
        return _messages.validate_python(data)
    except ValidationError as error:
        raise RefusedError("; ".join(map(_problem, error.errors()))) from None


def _problem(problem: Any) -> str:
    """'where: what', where naming the field a whole-message rule found wrong (its `field`)."""
    where = [str(part) for part in problem["loc"][1:]]
    if isinstance(problem.get("ctx", {}).get("field"), str):
        where.append(problem["ctx"]["field"])
    return f"{'.'.join(where) or 'message'}: {problem['msg']}"


def dump(value: Any) -> str:
    """Compact JSON text; numbers keep every digit (floats print their shortest exact form)."""
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except ValueError:
        raise RefusedError("a number is out of range (1e309 and beyond read as infinite)") from None


def message(kind: str, **fields: Any) -> str:
    return dump({"type": kind, **fields})
