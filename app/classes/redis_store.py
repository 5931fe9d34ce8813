"""Classes in Redis (REDIS_URL), fanned out through Redis pub/sub with redis-py's asyncio client.

Keys, all living `idle_seconds` past the last activity:
- `backprop:class:{code}` hash: token (its SHA-256), seq, state, poll (JSON), practice (JSON)
- `backprop:class:{code}:answers` hash: "{poll}:{student}" → choice, the open poll's answers
- `backprop:class:{code}:students` sorted set: connection id → the time it lapses unless the
  worker holding it confirms it (every heartbeat), so a crashed worker's students drop out
- `backprop:class:{code}:practice` hash: next (the last number given), "n:{student}" → that
  student's number, "name:{number}" → their nickname
- `backprop:class:{code}:board` hash: number → the student's row (JSON) in the assignment
- `backprop:ended:{code}`: why the class ended
and one channel per class, `backprop:class:{code}`, which each worker with a connection to the
class subscribes to over its one pub/sub connection.
"""

import asyncio
import json
import logging
import time
from typing import Any

import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.classes.store import ClassStore, Deliver, Ended, Snapshot

log = logging.getLogger(__name__)
PREFIX = "backprop:"
CONTROL = PREFIX + "workers"


def _key(code: str, part: str = "") -> str:
    return f"{PREFIX}class:{code}{part}"


class RedisStore(ClassStore):
    unreachable = (RedisConnectionError, RedisTimeoutError)

    def __init__(
        self,
        url: str,
        idle_seconds: float,
        presence_seconds: float = 60.0,
    ) -> None:
        # a class's 500 students may leave at once: wait for a free connection, don't fail
        pool = redis.BlockingConnectionPool.from_url(
            url, decode_responses=True, max_connections=50, timeout=20
        )
        self.redis = redis.Redis(connection_pool=pool)
        self.idle_ms = int(idle_seconds * 1000)
        self.presence_seconds = presence_seconds
        self.subscribers: dict[str, Deliver] = {}
        self.confirmations: dict[str, asyncio.Future[None]] = {}
        self.pubsub: Any = None
        self.listener: asyncio.Task[None] | None = None
        self.started = asyncio.Lock()

    async def create(self, code: str, token_hash: str) -> bool:
        if await self.redis.exists(f"{PREFIX}ended:{code}"):
            return False
        if not await self.redis.hsetnx(_key(code), "token", token_hash):
            return False
        await self.redis.hset(_key(code), mapping={"seq": 0})
        await self.redis.pexpire(_key(code), self.idle_ms)
        return True

    async def snapshot(self, code: str) -> Snapshot | Ended | None:
        fields = await self.redis.hgetall(_key(code))
        if "token" not in fields:
            reason = await self.redis.get(f"{PREFIX}ended:{code}")
            return Ended(reason) if reason is not None else None
        poll = json.loads(fields["poll"]) if fields.get("poll") else None
        assigned = json.loads(fields["practice"]) if fields.get("practice") else None
        return Snapshot(
            fields["token"], fields.get("state"), int(fields.get("seq", 0)), poll, assigned
        )

    async def touch(self, code: str) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for part in ("", ":answers", ":students", ":practice", ":board"):
                pipe.pexpire(_key(code, part), self.idle_ms)
            await pipe.execute()

    async def save_state(self, code: str, state: str) -> int:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(_key(code), "seq", 1)
            pipe.hset(_key(code), "state", state)
            seq, _ = await pipe.execute()
        return int(seq)

    async def save_poll(self, code: str, poll: dict[str, Any] | None, new: bool) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(_key(code), "poll", json.dumps(poll) if poll else "")
            if new:
                pipe.delete(_key(code, ":answers"))
            await pipe.execute()

    async def add_answer(self, code: str, poll: str, student: str, choice: int) -> bool:
        key = _key(code, ":answers")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(key, f"{poll}:{student}", choice)
            pipe.pexpire(key, self.idle_ms)
            added, _ = await pipe.execute()
        return bool(added)

    async def answers(self, code: str, poll: str) -> dict[str, int]:
        every = await self.redis.hgetall(_key(code, ":answers"))
        prefix = poll + ":"
        return {key[len(prefix):]: int(value) for key, value in every.items()
                if key.startswith(prefix)}  # fmt: skip

    async def save_practice(self, code: str, assignment: dict[str, Any]) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(_key(code), "practice", json.dumps(assignment))
            pipe.delete(_key(code, ":board"))
            await pipe.execute()

    async def practice_number(self, code: str, student: str, limit: int) -> int | None:
        key, field = _key(code, ":practice"), f"n:{student}"
        if (given := await self.redis.hget(key, field)) is not None:
            return int(given)
        if int(await self.redis.hget(key, "next") or 0) >= limit:
            return None
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, "next", 1)
            pipe.pexpire(key, self.idle_ms)
            number, _ = await pipe.execute()
        if number > limit:
            return None
        if not await self.redis.hsetnx(key, field, number):  # the same student, at once elsewhere
            return int(await self.redis.hget(key, field))
        return int(number)

    async def save_nickname(self, code: str, number: int, nickname: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(_key(code, ":practice"), f"name:{number}", nickname)
            pipe.pexpire(_key(code, ":practice"), self.idle_ms)
            await pipe.execute()

    async def nickname(self, code: str, number: int) -> str | None:
        name: str | None = await self.redis.hget(_key(code, ":practice"), f"name:{number}")
        return name

    async def practice_row(self, code: str, number: int) -> dict[str, Any] | None:
        row = await self.redis.hget(_key(code, ":board"), str(number))
        return json.loads(row) if row is not None else None

    async def save_practice_row(self, code: str, number: int, row: dict[str, Any]) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(_key(code, ":board"), str(number), json.dumps(row))
            pipe.pexpire(_key(code, ":board"), self.idle_ms)
            await pipe.execute()

    async def practice_board(self, code: str) -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(_key(code, ":board"))
            pipe.hgetall(_key(code, ":practice"))
            rows, practice = await pipe.execute()
        names = {int(key[5:]): name for key, name in practice.items() if key.startswith("name:")}
        return {int(number): json.loads(row) for number, row in rows.items()}, names

    async def end(self, code: str, reason: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(_key(code), _key(code, ":answers"), _key(code, ":students"),
                        _key(code, ":practice"), _key(code, ":board"))  # fmt: skip
            pipe.set(f"{PREFIX}ended:{code}", reason, px=self.idle_ms)
            await pipe.execute()

    async def add_student(self, code: str, connection: str, limit: int) -> bool:
        key, now = _key(code, ":students"), time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.zadd(key, {connection: now + self.presence_seconds})
            pipe.zcard(key)
            pipe.pexpire(key, self.idle_ms)
            *_, present, _ = await pipe.execute()
        if present > limit:
            await self.redis.zrem(key, connection)
            return False
        return True

    async def remove_student(self, code: str, connection: str) -> None:
        await self.redis.zrem(_key(code, ":students"), connection)

    async def refresh_students(self, code: str, connections: list[str]) -> None:
        if connections:
            lapse = time.time() + self.presence_seconds
            await self.redis.zadd(
                _key(code, ":students"), dict.fromkeys(connections, lapse), xx=True
            )

    async def count_students(self, code: str) -> int:
        return int(await self.redis.zcount(_key(code, ":students"), time.time(), "+inf"))

    async def publish(self, code: str, packet: str) -> None:
        await self.redis.publish(_key(code), packet)

    async def subscribe(self, code: str, deliver: Deliver) -> None:
        channel = _key(code)
        self.subscribers[channel] = deliver
        await self._start()
        confirmed = asyncio.get_running_loop().create_future()
        self.confirmations[channel] = confirmed
        await self.pubsub.subscribe(channel)
        # packets published after the confirmation arrive: the caller reads the snapshot next
        await asyncio.wait_for(confirmed, timeout=10)

    async def unsubscribe(self, code: str) -> None:
        channel = _key(code)
        self.subscribers.pop(channel, None)
        if self.pubsub is not None:
            await self.pubsub.unsubscribe(channel)

    async def _start(self) -> None:
        async with self.started:
            if self.listener is not None:
                return
            self.pubsub = self.redis.pubsub()
            # one standing subscription keeps the connection open between classes
            await self.pubsub.subscribe(CONTROL)
            self.listener = asyncio.create_task(self._listen(), name="class-pubsub")

    async def _listen(self) -> None:
        while True:
            try:
                packet = await self.pubsub.get_message(timeout=None)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as error:
                log.warning("class pub/sub connection lost: %s", error)
                self.on_lost()
                await asyncio.sleep(1)
                continue
            if packet is None:
                continue
            channel = packet["channel"]
            if packet["type"] == "subscribe":
                confirmed = self.confirmations.pop(channel, None)
                if confirmed is not None and not confirmed.done():
                    confirmed.set_result(None)
            elif packet["type"] == "message" and (deliver := self.subscribers.get(channel)):
                deliver(packet["data"])

    async def close(self) -> None:
        if self.listener is not None:
            self.listener.cancel()
        if self.pubsub is not None:
            await self.pubsub.aclose()
        await self.redis.aclose()
