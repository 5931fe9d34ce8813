"""Practice in a live class: the teacher assigns a level, every student gets an exercise of
their own, each answer is judged by ``app.practice.check`` and counted on the teacher's
dashboard.

A student gets a number (1, 2, ...) the first time they need one in a class; their seed is
``base + number × STRIDE`` modulo ``SEED_LIMIT``, ``base`` drawn for each assignment. STRIDE is
odd, so that map is one-to-one: two students never share a seed.

A row is what the class keeps of one student in the current assignment, and all the dashboard
shows of them: {number, seed, asks, attempts, last: {ask: {answer, correct, misconceptions,
message}}, mistakes: {code: count}, substeps: {code: sub-step}}. ``last`` (the latest verdict of
each ask) is for the student's own page after a reload; the teacher gets ``view(row)``.
"""

import csv
import io
import secrets
import unicodedata
from typing import Any

from app import practice
from app.classes import codes
from app.classes.protocol import RefusedError

STRIDE = 0x5851F42D  # odd: number → seed is one-to-one modulo 2**31
MAX_NICKNAME = 24  # characters
# Characters a name may not hold: controls and the ones that reorder the text around them.
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}


def new_assignment(level: int) -> dict[str, Any]:
    return {"id": codes.new_id(), "level": level, "base": secrets.randbelow(practice.SEED_LIMIT)}


def shown(assignment: dict[str, Any] | None) -> dict[str, Any] | None:
    """The assignment as a teacher sees it (the base of the seeds stays on the server)."""
    return None if assignment is None else {"id": assignment["id"], "level": assignment["level"]}


def seed_of(assignment: dict[str, Any], number: int) -> int:
    return (assignment["base"] + number * STRIDE) % practice.SEED_LIMIT


def new_row(assignment: dict[str, Any], number: int) -> dict[str, Any]:
    seed = seed_of(assignment, number)
    asks = list(practice.exercise(assignment["level"], seed).asks)
    return {"number": number, "seed": seed, "asks": asks, "attempts": 0, "last": {},
            "mistakes": {}, "substeps": {}}  # fmt: skip


def nickname(text: str) -> str:
    """Return the name a student typed, trimmed; refuse what is no plain text or too long."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise RefusedError("nickname: not valid Unicode text") from None
    name = unicodedata.normalize("NFC", " ".join(text.split()))
    if any(unicodedata.category(c) in ("Cc", "Cs") or c in BIDI_CONTROLS for c in name):
        raise RefusedError("nickname: control characters are not allowed")
    if len(name) > MAX_NICKNAME:
        raise RefusedError(f"nickname: at most {MAX_NICKNAME} characters")
    return name


def checked(row: dict[str, Any], answers: dict[str, float], limit: int) -> int:
    """Return how many of ``answers`` count as new attempts (an answer sent again unchanged,
    as the page does with the ones already right, does not); refuse past ``limit``."""
    unasked = [answer_id for answer_id in answers if answer_id not in row["asks"]]
    if unasked:
        raise RefusedError(f"answers.{unasked[0]}: your exercise does not ask it; it asks "
                           f"{', '.join(row['asks'])}")  # fmt: skip
    new = sum(1 for answer_id, value in answers.items()
              if row["last"].get(answer_id, {}).get("answer") != value)  # fmt: skip
    if row["attempts"] + new > limit:
        raise RefusedError(f"practice: at most {limit} answers a student in one practice")
    return new


def record(
    row: dict[str, Any], verdicts: list[tuple[practice.Verdict, float]], attempts: int
) -> None:
    """Count ``verdicts`` (each with the answer judged) into ``row``: the latest of each ask,
    each named mistake once per answer that makes it."""
    row["attempts"] += attempts
    for verdict, answer in verdicts:
        before = row["last"].get(verdict.id, {})
        row["last"][verdict.id] = {
            "answer": answer,
            "correct": verdict.correct,
            "misconceptions": list(verdict.misconceptions),
            "message": verdict.message,
        }
        if before.get("answer") == answer:
            continue  # sent again: counted the first time
        for code, substep in zip(verdict.misconceptions, verdict.substeps, strict=True):
            row["mistakes"][code] = row["mistakes"].get(code, 0) + 1
            if substep:
                row["substeps"][code] = substep


def results(verdicts: list[practice.Verdict]) -> list[dict[str, Any]]:
    """The verdicts as /api/practice/check answers them."""
    return [
        {"id": v.id, "correct": v.correct, "misconception": v.misconception,
         "misconceptions": list(v.misconceptions), "substeps": list(v.substeps),
         "message": v.message, "decimals": v.decimals}
        for v in verdicts
    ]  # fmt: skip


def view(row: dict[str, Any], name: str | None) -> dict[str, Any]:
    """A row as the teacher's dashboard shows it."""
    solved = sum(1 for answer_id in row["asks"] if row["last"].get(answer_id, {}).get("correct"))
    return {"number": row["number"], "nickname": name or None, "seed": row["seed"],
            "attempts": row["attempts"], "solved": solved, "asks": len(row["asks"]),
            "mistakes": row["mistakes"], "substeps": row["substeps"]}  # fmt: skip


def own(assignment: dict[str, Any], row: dict[str, Any], name: str | None) -> dict[str, Any]:
    """The exercise as its student sees it, with their latest verdicts."""
    return {"id": assignment["id"], "level": assignment["level"], "seed": row["seed"],
            "number": row["number"], "nickname": name or None, "answers": row["last"]}  # fmt: skip


def board(rows: dict[int, dict[str, Any]], names: dict[int, str]) -> list[dict[str, Any]]:
    return [view(rows[number], names.get(number)) for number in sorted(rows)]


def _cell(text: str) -> str:
    """A spreadsheet reads a cell that starts with = + - @ as a formula: keep it text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(assignment: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """The dashboard as CSV: a line a student, a column per named mistake."""
    mistakes = [*practice.MISCONCEPTIONS, practice.ROUNDING]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["number", "nickname", "level", "seed", "answers checked", "solved",
                     "asked", *mistakes])  # fmt: skip
    for row in rows:
        writer.writerow([row["number"], _cell(row["nickname"] or ""), assignment["level"],
                         row["seed"], row["attempts"], row["solved"], row["asks"],
                         *(row["mistakes"].get(code, 0) for code in mistakes)])  # fmt: skip
    return out.getvalue()
