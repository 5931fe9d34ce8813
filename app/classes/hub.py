"""Run each class connection in this process and fan the class's messages out to them.

Every message to a class goes through the store (`publish`), which hands it to the hub of
every process with a connection to that class (`_deliver`); each hub then queues it for its
own connections. A packet is one letter for its audience and the JSON text: A (everyone),
S (students), T (teachers), E (the class ended: close everyone), R (the tallies changed:
teachers here recount the students and the answers, at most every TALLY_SECONDS), K (a
student took their seat back: the connection with this id closes), P (a practice was assigned:
each student here gets an exercise of their own), B (the practice's rows changed: teachers here
read the dashboard again, at most every TALLY_SECONDS).
"""

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from app import practice as exercises
from app.classes import codes, practice, protocol
from app.classes.limits import AddressBuckets, ClassLimits, TokenBucket, address_key
from app.classes.protocol import RefusedError, message
from app.classes.store import ADDRESS_FULL, AGAIN, ClassStore, Ended, GoneError, Seat, Snapshot

log = logging.getLogger(__name__)
TALLY_SECONDS = 0.05
GONE = "the class is gone: it expired after {hours:g} idle hours or the class store lost it"


@dataclass(frozen=True)
class Close:
    code: int
    reason: str


class Outbox:
    """A connection's queue of texts to send, at most `limit` characters (a class's messages
    are ASCII JSON, so bytes) so that one slow device can't hold the class's memory: past the
    bound it is closed and catches up when it reconnects."""

    def __init__(self, limit: int) -> None:
        self.items: deque[str | Close] = deque()
        self.limit = limit
        self.size = 0
        self.ready = asyncio.Event()

    def push(self, item: str | Close, first: bool = False) -> bool:
        if isinstance(item, str):
            if self.size + len(item) > self.limit:
                return False
            self.size += len(item)
        self.items.appendleft(item) if first else self.items.append(item)
        self.ready.set()
        return True

    def clear(self) -> None:
        self.items.clear()
        self.size = 0

    async def get(self) -> str | Close:
        while not self.items:
            self.ready.clear()
            await self.ready.wait()
        item = self.items.popleft()
        if isinstance(item, str):
            self.size -= len(item)
        return item


@dataclass(eq=False)
class Connection:
    websocket: WebSocket
    code: str
    role: str
    bucket: TokenBucket
    outbox: Outbox
    address: str = ""
    student: str | None = None
    seat: Seat | None = None
    id: str = field(default_factory=codes.new_id)
    closing: bool = False

    @property
    def teacher(self) -> bool:
        return self.role == "teacher"


class Hub:
    def __init__(
        self,
        store: ClassStore,
        limits: ClassLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        store.on_lost = self.interrupted
        self.limits = limits = limits or ClassLimits()
        self.clock = clock
        self.rooms: dict[str, set[Connection]] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.joins = AddressBuckets(limits.joins_burst, limits.joins_per_second, clock)
        self.creations = AddressBuckets(limits.creations_burst, limits.creations_per_second, clock)
        self.tallies_due: set[str] = set()
        self.boards_due: set[str] = set()
        self.touched: dict[str, float] = {}
        self.heartbeat: asyncio.Task[None] | None = None

    # creating

    async def create(self, address: str) -> tuple[str, str] | None:
        """Create a class: return (code, teacher token), or None if `address` made too many."""
        if not self.creations.take(address):
            return None
        token = codes.new_token()
        while not await self.store.create(code := codes.new_code(), codes.token_hash(token)):
            pass  # 45 bits: a taken code is drawn about never
        return code, token

    async def take_miss(self, address: str) -> bool:
        """Spend one of `address`'s tries at unknown codes (shared by every process)."""
        limits = self.limits
        return await self.store.take_miss(address, limits.misses_burst, limits.misses_per_second)

    async def exists(self, code: str) -> bool:
        return isinstance(await self.store.snapshot(code), Snapshot)

    # one connection, from handshake to close

    async def serve(self, websocket: WebSocket, code_text: str) -> None:
        await websocket.accept()
        try:
            await self._session(websocket, code_text)
        except GoneError:
            reason = GONE.format(hours=self.limits.idle_seconds / 3600)
            self._gone(codes.normalize_code(code_text) or "", reason)
            if websocket.application_state == WebSocketState.CONNECTED:
                await _refuse(websocket, protocol.NO_CLASS, reason)
        except self.store.unreachable as error:
            log.warning("class %s: the class store is unreachable: %s", code_text[:12], error)
            if websocket.application_state == WebSocketState.CONNECTED:
                await _refuse(websocket, protocol.TRY_LATER, "the class store is away; reconnect")
        except WebSocketDisconnect:
            return  # the client went away first: nothing to log
        except Exception:
            log.exception("class %s: a connection failed", code_text[:12])
            if websocket.application_state == WebSocketState.CONNECTED:
                await _refuse(websocket, protocol.INTERNAL, "the class store failed; reconnect")

    async def _session(self, websocket: WebSocket, code_text: str) -> None:
        address = address_key(websocket.client.host if websocket.client else "")
        if not self.joins.take(address):
            await _refuse(websocket, protocol.TOO_MANY_JOINS, "too many joins from one address")
            return
        try:
            hello = await self._hello(websocket)
        except RefusedError as refusal:
            await _refuse(websocket, protocol.BAD_HELLO, str(refusal))
            return
        except TimeoutError:
            await _refuse(websocket, protocol.BAD_HELLO, "no hello in time")
            return
        except ConnectionResetError:
            return  # closed before its hello
        code = codes.normalize_code(code_text) or ""
        snapshot = await self.store.snapshot(code) if code else None
        if not isinstance(snapshot, Snapshot):
            await self._refuse_class(websocket, code_text, snapshot, address)
            return
        if hello.role == "teacher" and not (
            hello.token and codes.token_matches(hello.token, snapshot.token_hash)
        ):
            await _refuse(websocket, protocol.BAD_TOKEN, "the teacher token is not this class's")
            return
        connection = self._connection(websocket, code, hello, address)
        if not connection.teacher and not await self._seat(connection):
            return
        sender: asyncio.Task[None] | None = None
        try:
            await self._enter(connection)
            snapshot = await self.store.snapshot(code)  # after subscribing: nothing is missed
            if isinstance(snapshot, Ended):
                self._close(connection, protocol.ENDED, snapshot.reason)
            elif snapshot is None:
                reason = GONE.format(hours=self.limits.idle_seconds / 3600)
                self._close(connection, protocol.NO_CLASS, reason)
            else:
                connection.outbox.push(await self._welcome(connection, snapshot), first=True)
            sender = asyncio.create_task(self._send(connection))
            await self._active(code)
            if not connection.teacher:
                await self.store.publish(code, "R")
            await self._receive(connection)
        finally:
            if sender is not None:
                sender.cancel()
            await self._leave(connection)

    async def _hello(self, websocket: WebSocket) -> protocol.Hello:
        frame = await asyncio.wait_for(websocket.receive(), self.limits.hello_seconds)
        if frame["type"] == "websocket.disconnect":
            raise ConnectionResetError
        text = frame.get("text")
        if text is None or len(text.encode()) > self.limits.max_message_bytes:
            raise RefusedError("the first message must be a hello in JSON text")
        hello = protocol.parse(text)
        if not isinstance(hello, protocol.Hello):
            raise RefusedError("the first message must be a hello")
        return hello

    async def _seat(self, connection: Connection) -> bool:
        """Seat a student: in their own seat if they had one (whose connection then closes),
        unless the class or their address's share of it is full."""
        limits = self.limits
        await self._alive()  # the seat counts once this process is known to live
        seat = Seat(connection.student or "", connection.id, connection.address)
        seating = await self.store.take_seat(
            connection.code, seat, limits.max_students, limits.seats_per_address
        )
        if seating.refused == ADDRESS_FULL:
            reason = f"this address holds {limits.seats_per_address} seats of the class, its most"
            await _refuse(connection.websocket, protocol.FULL, reason)
            return False
        if seating.refused:
            reason = f"the class is full ({limits.max_students} students)"
            await _refuse(connection.websocket, protocol.FULL, reason)
            return False
        connection.seat = seat
        if seating.replaced:
            await self.store.publish(connection.code, "K" + seating.replaced)
        return True

    async def _refuse_class(
        self, websocket: WebSocket, code: str, snapshot: Ended | None, address: str
    ) -> None:
        if isinstance(snapshot, Ended):
            await _refuse(websocket, protocol.ENDED, snapshot.reason)
        elif not await self.take_miss(address):
            await _refuse(websocket, protocol.TOO_MANY_JOINS, "too many unknown codes tried")
        else:
            reason = f"no class {code[:12]!r}: it ended, expired or never existed"
            await _refuse(websocket, protocol.NO_CLASS, reason)

    def _connection(
        self, websocket: WebSocket, code: str, hello: protocol.Hello, address: str
    ) -> Connection:
        limits = self.limits
        teacher = hello.role == "teacher"
        bucket = TokenBucket(
            limits.teacher_burst if teacher else limits.student_burst,
            limits.teacher_per_second if teacher else limits.student_per_second,
            self.clock,
        )
        return Connection(
            websocket, code, hello.role, bucket, Outbox(limits.outbox_bytes), address,
            student=None if teacher else hello.student or codes.new_id(),
        )  # fmt: skip

    async def _welcome(self, connection: Connection, snapshot: Snapshot) -> str:
        code, poll = connection.code, snapshot.poll
        fields: dict[str, Any] = {
            "role": connection.role,
            "code": code,
            "seq": snapshot.seq,
            "state": json.loads(snapshot.state) if snapshot.state else None,
            "poll": poll if connection.teacher else _student_view(poll),
        }
        answers = await self.store.answers(code, poll["id"]) if poll else {}
        if connection.teacher:
            fields["students"] = await self.store.count_students(code)
            if poll:
                fields.update(_tally(poll, answers))
            fields["practice"] = practice.shown(snapshot.practice)
            fields["board"] = await self._board(code) if snapshot.practice else []
        else:
            if snapshot.practice:
                fields["practice"] = await self._exercise(connection, snapshot.practice)
            fields["student"] = connection.student
            fields["answer"] = answers.get(connection.student or "")
            if poll and poll["revealed"]:
                fields.update(_tally(poll, answers))
        return message("welcome", **fields)

    async def _receive(self, connection: Connection) -> None:
        websocket, limits = connection.websocket, self.limits
        while True:
            frame = await websocket.receive()
            if frame["type"] == "websocket.disconnect":
                return
            if connection.closing:
                continue
            text, data = frame.get("text"), frame.get("bytes")
            size = len(text.encode()) if text is not None else len(data or b"")
            if size > limits.max_message_bytes:
                self._close(connection, protocol.TOO_BIG, "a message is limited to 16 KiB")
            elif not connection.bucket.take():
                rate = connection.bucket.per_second
                self._close(connection, protocol.POLICY, f"over {rate:g} messages a second")
            elif text is None:
                self._push(connection, message("error", message="send JSON text, not binary"))
            else:
                try:
                    await self._handle(connection, protocol.parse(text))
                except RefusedError as refusal:
                    self._push(connection, message("error", message=str(refusal)))

    async def _send(self, connection: Connection) -> None:
        websocket = connection.websocket
        try:
            while True:
                item = await connection.outbox.get()
                if isinstance(item, Close):
                    await websocket.close(item.code, item.reason)
                    return
                await websocket.send_text(item)
        except (RuntimeError, OSError, WebSocketDisconnect):
            # the socket closed under us, or the server dropped a peer too slow to read what
            # it was sent: the receiving side sees the disconnect
            return
        except Exception:
            # a sender that died silently would leave its page deaf: close, the page reconnects
            log.exception("class %s: sending failed", connection.code)
            try:
                await websocket.close(protocol.INTERNAL, "sending failed; reconnect")
            except (RuntimeError, OSError, WebSocketDisconnect):
                pass

    # what each message does

    async def _handle(self, connection: Connection, incoming: Any) -> None:
        if isinstance(incoming, protocol.Ping):
            self._push(connection, message("pong"))
            return
        if isinstance(incoming, protocol.Hello):
            raise RefusedError("already said hello")
        teacher_only = isinstance(incoming, protocol.TeacherMessage)
        if teacher_only != connection.teacher:
            raise RefusedError(f"{incoming.type!r} is not a {connection.role}'s message")
        code = connection.code
        await self._active(code)
        if isinstance(incoming, protocol.State):
            # what was checked, as it was sent (fields left out stay out)
            page = incoming.state.model_dump(mode="json", exclude_unset=True)
            seq = await self.store.save_state(code, protocol.dump(page))
            await self.store.publish(code, "S" + message("state", seq=seq, state=page))
        elif isinstance(incoming, protocol.PollOpen):
            await self._open_poll(code, incoming)
        elif isinstance(incoming, protocol.PollReveal | protocol.PollClose):
            await self._finish_poll(code, incoming)
        elif isinstance(incoming, protocol.End):
            reason = "the teacher ended the class"
            await self.store.end(code, reason)
            await self.store.publish(code, "E" + reason)
        elif isinstance(incoming, protocol.Answer):
            await self._answer(connection, incoming)
        elif isinstance(incoming, protocol.PracticeAssign):
            assignment = practice.new_assignment(incoming.level)
            await self.store.save_practice(code, assignment)
            board = message("practice-board", practice=practice.shown(assignment), board=[])
            await self.store.publish(code, "T" + board)
            await self.store.publish(code, "P" + protocol.dump(assignment))
        elif isinstance(incoming, protocol.Nickname):
            await self._nickname(connection, incoming)
        elif isinstance(incoming, protocol.PracticeAnswer):
            await self._practice_answer(connection, incoming)

    async def _open_poll(self, code: str, incoming: protocol.PollOpen) -> None:
        if incoming.correct >= len(incoming.choices):
            raise RefusedError(f"correct: no choice {incoming.correct}")
        poll = {
            "id": codes.new_id(),
            "question": incoming.question.model_dump(),
            "choices": [choice.model_dump() for choice in incoming.choices],
            "correct": incoming.correct,
            "revealed": False,
        }
        protocol.dump(poll)  # refuses out-of-range numbers in the question before keeping it
        await self.store.save_poll(code, poll, new=True)
        await self.store.publish(code, "S" + message("poll", poll=_student_view(poll)))
        await self.store.publish(code, "T" + message("poll", poll=poll, counts=[0] * len(
            poll["choices"]), responses=0))  # fmt: skip

    async def _current_poll(self, code: str, poll_id: str) -> dict[str, Any]:
        snapshot = await self.store.snapshot(code)
        poll = snapshot.poll if isinstance(snapshot, Snapshot) else None
        if poll is None or poll["id"] != poll_id:
            raise RefusedError(f"poll: {poll_id!r} is not the open poll")
        return poll

    async def _finish_poll(
        self, code: str, incoming: protocol.PollReveal | protocol.PollClose
    ) -> None:
        poll = await self._current_poll(code, incoming.poll)
        if isinstance(incoming, protocol.PollClose):
            await self.store.save_poll(code, None, new=True)
            await self.store.publish(code, "A" + message("poll-close", poll=poll["id"]))
            return
        poll["revealed"] = True
        await self.store.save_poll(code, poll, new=False)
        tally = _tally(poll, await self.store.answers(code, poll["id"]))
        await self.store.publish(code, "A" + message("poll-reveal", poll=poll, **tally))

    async def _answer(self, connection: Connection, incoming: protocol.Answer) -> None:
        code = connection.code
        poll = await self._current_poll(code, incoming.poll)
        if poll["revealed"]:
            raise RefusedError("poll: the answer has been revealed")
        if incoming.choice >= len(poll["choices"]):
            raise RefusedError(f"choice: no choice {incoming.choice}")
        student = connection.student or ""
        refused = await self.store.add_answer(
            code, poll["id"], student, connection.address, incoming.choice
        )
        if refused == AGAIN:
            raise RefusedError("poll: one answer per student, and you have answered")
        if refused == ADDRESS_FULL:
            raise RefusedError("poll: your address has answered once for each of its seats")
        self._push(connection, message("answered", poll=poll["id"], choice=incoming.choice))
        await self.store.publish(code, "R")

    # practice: an exercise of their own for each student, the teacher's dashboard

    async def _row(
        self, connection: Connection, assignment: dict[str, Any]
    ) -> tuple[int, dict[str, Any]] | None:
        """The student's number and row in `assignment` (made now if new); None if the class
        has given as many numbers as it may."""
        code, limit = connection.code, self.limits.max_practice_students
        number = await self.store.practice_number(code, connection.student or "", limit)
        if number is None:
            return None
        row = await self.store.practice_row(code, number)
        if row is None:
            row = practice.new_row(assignment, number)
            await self.store.save_practice_row(code, number, row)
            await self.store.publish(code, "B")
        return number, row

    async def _exercise(
        self, connection: Connection, assignment: dict[str, Any]
    ) -> dict[str, Any] | None:
        found = await self._row(connection, assignment)
        if found is None:
            return None
        number, row = found
        return practice.own(assignment, row, await self.store.nickname(connection.code, number))

    async def _give_exercises(self, code: str, assignment: dict[str, Any]) -> None:
        for connection in [c for c in self.rooms.get(code, ()) if not c.teacher]:
            try:
                given = await self._exercise(connection, assignment)
            except Exception:
                log.exception("class %s: an exercise was not given", code)
                return
            if given is None:
                limit = self.limits.max_practice_students
                self._push(connection, message("error", message=f"practice: {limit} students "
                                               "have an exercise already, the most a class may"))
            else:
                self._push(connection, message("practice", practice=given))

    async def _assignment(self, code: str, practice_id: str) -> dict[str, Any]:
        snapshot = await self.store.snapshot(code)
        assignment = snapshot.practice if isinstance(snapshot, Snapshot) else None
        if assignment is None or assignment["id"] != practice_id:
            raise RefusedError(f"practice: {practice_id!r} is not the practice assigned")
        return assignment

    async def _nickname(self, connection: Connection, incoming: protocol.Nickname) -> None:
        name = practice.nickname(incoming.nickname)
        code, limit = connection.code, self.limits.max_practice_students
        number = await self.store.practice_number(code, connection.student or "", limit)
        if number is None:
            raise RefusedError(f"nickname: the class has {limit} students named, its most")
        await self.store.save_nickname(code, number, name)
        self._push(connection, message("nickname", nickname=name or None))
        await self.store.publish(code, "B")

    async def _practice_answer(
        self, connection: Connection, incoming: protocol.PracticeAnswer
    ) -> None:
        code = connection.code
        assignment = await self._assignment(code, incoming.practice)
        found = await self._row(connection, assignment)
        if found is None:
            raise RefusedError("practice: the class has no room for another student")
        number, row = found
        attempts = practice.checked(row, incoming.answers, self.limits.max_practice_answers)
        verdicts = exercises.check(
            assignment["level"], row["seed"], incoming.answers, incoming.language
        )
        practice.record(row, [(v, incoming.answers[v.id]) for v in verdicts], attempts)
        await self.store.save_practice_row(code, number, row)
        self._push(connection, message("practice-verdicts", practice=assignment["id"],
                                       results=practice.results(verdicts)))  # fmt: skip
        view = practice.view(row, await self.store.nickname(code, number))
        await self.store.publish(code, "T" + message("practice-row", practice=assignment["id"],
                                                     row=view))  # fmt: skip

    async def _board(self, code: str) -> list[dict[str, Any]]:
        rows, names = await self.store.practice_board(code)
        return practice.board(rows, names)

    def _board_soon(self, code: str) -> None:
        self._once_soon(self.boards_due, code, self._board_teachers)

    async def _board_teachers(self, code: str) -> None:
        self.boards_due.discard(code)
        teachers = [c for c in self.rooms.get(code, ()) if c.teacher]
        if not teachers:
            return
        try:
            snapshot = await self.store.snapshot(code)
            if not isinstance(snapshot, Snapshot) or snapshot.practice is None:
                return
            text = message("practice-board", practice=practice.shown(snapshot.practice),
                           board=await self._board(code))  # fmt: skip
        except Exception:
            log.exception("class %s: the dashboard was not read", code)
            return
        for teacher in teachers:
            self._push(teacher, text)

    async def csv(self, code: str, token: str) -> str | None:
        """The practice dashboard as CSV for the class's teacher; None if the token is not
        theirs or nothing is assigned."""
        snapshot = await self.store.snapshot(code)
        if not (isinstance(snapshot, Snapshot) and codes.token_matches(token, snapshot.token_hash)):
            return None
        if snapshot.practice is None:
            return practice.csv_text({"level": ""}, [])
        return practice.csv_text(snapshot.practice, await self._board(code))

    # fan-out in this process

    def _deliver(self, code: str, packet: str) -> None:
        audience, text = packet[:1], packet[1:]
        connections = list(self.rooms.get(code, ()))
        if audience == "E":
            for connection in connections:
                self._close(connection, protocol.ENDED, text, notice=message("ended", reason=text))
        elif audience == "R":
            if any(connection.teacher for connection in connections):
                self._tally_soon(code)
        elif audience == "K":
            for connection in connections:
                if connection.id == text:
                    reason = "you joined this class again elsewhere"
                    self._close(connection, protocol.REPLACED, reason)
        elif audience == "B":
            if any(connection.teacher for connection in connections):
                self._board_soon(code)
        elif audience == "P":
            asyncio.get_running_loop().create_task(self._give_exercises(code, json.loads(text)))
        else:
            for connection in connections:
                if audience == "A" or (audience == "T") == connection.teacher:
                    self._push(connection, text)

    def _push(self, connection: Connection, text: str) -> None:
        if not connection.closing and not connection.outbox.push(text):
            self._close(connection, protocol.TRY_LATER, "too slow to follow; reconnect")

    def _close(
        self, connection: Connection, code: int, reason: str, notice: str | None = None
    ) -> None:
        if connection.closing:
            return
        connection.closing = True
        connection.outbox.clear()
        if notice:
            connection.outbox.push(notice)
        connection.outbox.push(Close(code, reason))

    @staticmethod
    def _once_soon(
        due: set[str], code: str, send: Callable[[str], Coroutine[Any, Any, None]]
    ) -> None:
        """Run ``send(code)`` in TALLY_SECONDS unless it is already due: a burst of changes
        reaches the teachers as one message."""
        if code not in due:
            due.add(code)
            asyncio.get_running_loop().call_later(
                TALLY_SECONDS, lambda: asyncio.create_task(send(code))
            )

    def _tally_soon(self, code: str) -> None:
        self._once_soon(self.tallies_due, code, self._tally_teachers)

    async def _tally_teachers(self, code: str) -> None:
        self.tallies_due.discard(code)
        teachers = [c for c in self.rooms.get(code, ()) if c.teacher]
        if not teachers:
            return
        try:
            texts = [message("count", students=await self.store.count_students(code))]
            snapshot = await self.store.snapshot(code)
            if isinstance(snapshot, Snapshot) and snapshot.poll:
                poll = snapshot.poll
                tally = _tally(poll, await self.store.answers(code, poll["id"]))
                texts.append(message("poll-results", poll=poll["id"], **tally))
        except Exception:
            log.exception("class %s: counting failed", code)
            return
        for teacher in teachers:
            for text in texts:
                self._push(teacher, text)

    # joining and leaving this process's share of a class

    async def _enter(self, connection: Connection) -> None:
        code = connection.code
        async with self.locks.setdefault(code, asyncio.Lock()):
            if code not in self.rooms:
                await self.store.subscribe(code, partial(self._deliver, code))
                self.rooms[code] = set()
            self.rooms[code].add(connection)
        await self._alive()

    async def _alive(self) -> None:
        if self.heartbeat is None:
            await self.store.beat()
            if self.heartbeat is None:
                self.heartbeat = asyncio.create_task(self._beat(), name="class-heartbeat")

    async def _leave(self, connection: Connection) -> None:
        code = connection.code
        async with self.locks.setdefault(code, asyncio.Lock()):
            room = self.rooms.get(code)
            if room is None or connection not in room:
                await self._forget_student(connection)
                return
            room.discard(connection)
            if not room:
                del self.rooms[code]
                self.locks.pop(code, None)
                self.touched.pop(code, None)
                await self.store.unsubscribe(code)
        await self._forget_student(connection)

    async def _forget_student(self, connection: Connection) -> None:
        if connection.seat is None:
            return
        try:
            await self.store.release_seat(connection.code, connection.seat)
            await self.store.publish(connection.code, "R")
        except Exception:
            log.exception("class %s: a student's leaving was not recorded", connection.code)

    async def _active(self, code: str) -> None:
        """Keep the class alive; written at most every 1/100 of the idle time."""
        now = self.clock()
        if now - self.touched.get(code, float("-inf")) >= self.limits.idle_seconds / 100:
            self.touched[code] = now
            await self.store.touch(code)

    async def _beat(self) -> None:
        """Every beat: say this process lives (its seats count while it does); every
        heartbeat: confirm its students' seats, close classes that ended or are gone."""
        checked = self.clock()
        while True:
            try:
                await self.store.beat()
                if self.clock() - checked >= self.limits.heartbeat_seconds:
                    checked = self.clock()
                    await self.check()
            except Exception as error:
                log.warning("class heartbeat failed: %s", error)
            await asyncio.sleep(self.limits.beat_seconds)

    async def check(self) -> None:
        for code, room in list(self.rooms.items()):
            snapshot = await self.store.snapshot(code)
            if isinstance(snapshot, Ended):
                reason = snapshot.reason
                for connection in list(room):
                    self._close(connection, protocol.ENDED, reason, message("ended", reason=reason))
                continue
            if snapshot is None:
                self._gone(code, GONE.format(hours=self.limits.idle_seconds / 3600))
                continue
            seats = [c.seat for c in room if c.seat is not None]
            await self.store.refresh_seats(code, seats)
            if len(seats) < len(room):
                self._tally_soon(code)
        self.joins.prune()
        self.creations.prune()

    def _gone(self, code: str, reason: str) -> None:
        """The class is no longer in the store: its pages here are told so, and stop."""
        for connection in list(self.rooms.get(code, ())):
            self._close(connection, protocol.NO_CLASS, reason, message("ended", reason=reason))

    def interrupted(self) -> None:
        """The store lost messages: every connection reconnects and catches up."""
        for room in list(self.rooms.values()):
            for connection in list(room):
                self._close(connection, protocol.RESTART, "the class store reconnected")

    async def close(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        await self.store.close()


def _student_view(poll: dict[str, Any] | None) -> dict[str, Any] | None:
    """A poll as students see it: no correct answer and no mistakes until it is revealed."""
    if poll is None or poll["revealed"]:
        return poll
    choices = [{"value": choice["value"]} for choice in poll["choices"]]
    return {"id": poll["id"], "question": poll["question"], "choices": choices, "revealed": False}


def _tally(poll: dict[str, Any], answers: dict[str, int]) -> dict[str, Any]:
    counts = [0] * len(poll["choices"])
    for choice in answers.values():
        counts[choice] += 1
    return {"counts": counts, "responses": len(answers)}


async def _refuse(websocket: WebSocket, code: int, reason: str) -> None:
    if websocket.client_state == WebSocketState.DISCONNECTED:
        return
    try:
        await websocket.close(code, reason[:120])
    except WebSocketDisconnect:
        pass  # the client left as it was refused
