"""Classes in Redis (REDIS_URL), fanned out through Redis pub/sub with redis-py's asyncio client.

Keys, all living `idle_seconds` past the last activity:
- `backprop:class:{code}` hash: token (its SHA-256), seq, state, poll (JSON), practice (JSON)
- `backprop:class:{code}:answers` hash: "{poll}:{student}" → choice, the open poll's answers
- `backprop:class:{code}:voters` hash: "{poll}:{address}" → answers from that address
- `backprop:class:{code}:seats` hash: student id → {"c": connection, "a": address,
  "i": instance, "t": when it lapses (ms)} (JSON)
- `backprop:class:{code}:peaks` hash: address → the most seats it held at once
- `backprop:class:{code}:practice` hash: next (the last number given), "n:{student}" → that
  student's number, "name:{number}" → their nickname
- `backprop:class:{code}:board` hash: number → the student's row (JSON) in the assignment
- `backprop:ended:{code}`: why the class ended
and, shorter lived:
- `backprop:instance:{id}`: set by each server process every second, lapsing after a few: a
  seat counts only while its instance's key lives (and until its own lapse time, which the
  instance renews every heartbeat), so a crashed process's students are seated again within
  seconds
- `backprop:misses:{address}` hash: the token bucket of tries at unknown codes, shared by
  every process
and one channel per class, `backprop:class:{code}`, which each worker with a connection to the
class subscribes to over its one pub/sub connection. The seats, answers and misses change in
Lua scripts, each atomic, with Redis's own clock. Run Redis with `appendonly yes` for classes
to survive its restart.
"""

import asyncio
import json
import logging
from typing import Any

import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError, RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.classes import codes
from app.classes.store import (
    ADDRESS_FULL,
    AGAIN,
    FULL,
    ClassStore,
    Deliver,
    Ended,
    GoneError,
    Seat,
    Seating,
    Snapshot,
)

log = logging.getLogger(__name__)
PREFIX = "backprop:"
CONTROL = PREFIX + "workers"
INSTANCE = PREFIX + "instance:"


def _key(code: str, part: str = "") -> str:
    return f"{PREFIX}class:{code}{part}"


PARTS = ("", ":answers", ":voters", ":seats", ":peaks", ":practice", ":board")


class StoreTroubleError(ResponseError):
    """Redis answered, but cannot serve now (loading its data, out of memory, read-only)."""


# Redis's clock in ms, so that every instance measures lapses alike
NOW = "local clock = redis.call('TIME') local now = clock[1] * 1000 + math.floor(clock[2] / 1000)"

# KEYS: seats, peaks. ARGV: student, connection, address, instance, limit, per address,
# presence ms, idle ms. Returns {refused (0 seated, 1 full, 2 address), replaced connection}.
TAKE_SEAT = NOW + """
local live = {}
local others, here = 0, 0
local replaced = ''
local seats = redis.call('HGETALL', KEYS[1])
for k = 1, #seats, 2 do
  local held = cjson.decode(seats[k + 1])
  if held.t < now then
    redis.call('HDEL', KEYS[1], seats[k])
  elseif seats[k] == ARGV[1] then
    replaced = held.c
  else
    if live[held.i] == nil then
      live[held.i] = redis.call('EXISTS', '""" + INSTANCE + """' .. held.i) == 1
    end
    if live[held.i] then
      others = others + 1
      if held.a == ARGV[3] then here = here + 1 end
    end
  end
end
if others >= tonumber(ARGV[5]) then return {1, ''} end
if here + 1 > tonumber(ARGV[6]) then return {2, ''} end
local seat = cjson.encode({c = ARGV[2], a = ARGV[3], i = ARGV[4], t = now + tonumber(ARGV[7])})
redis.call('HSET', KEYS[1], ARGV[1], seat)
redis.call('PEXPIRE', KEYS[1], ARGV[8])
local peak = tonumber(redis.call('HGET', KEYS[2], ARGV[3]) or '0')
if here + 1 > peak then redis.call('HSET', KEYS[2], ARGV[3], here + 1) end
redis.call('PEXPIRE', KEYS[2], ARGV[8])
return {0, replaced}
"""

# KEYS: seats. ARGV: student, connection.
RELEASE_SEAT = """
local held = redis.call('HGET', KEYS[1], ARGV[1])
if held and cjson.decode(held).c == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
"""

# KEYS: seats. ARGV: presence ms, then student and connection pairs.
REFRESH_SEATS = NOW + """
for k = 2, #ARGV, 2 do
  local held = redis.call('HGET', KEYS[1], ARGV[k])
  if held then
    local seat = cjson.decode(held)
    if seat.c == ARGV[k + 1] then
      seat.t = now + tonumber(ARGV[1])
      redis.call('HSET', KEYS[1], ARGV[k], cjson.encode(seat))
    end
  end
end
return 0
"""

# KEYS: seats.
COUNT_SEATS = NOW + """
local live = {}
local count = 0
local seats = redis.call('HVALS', KEYS[1])
for k = 1, #seats do
  local held = cjson.decode(seats[k])
  if held.t >= now then
    if live[held.i] == nil then
      live[held.i] = redis.call('EXISTS', '""" + INSTANCE + """' .. held.i) == 1
    end
    if live[held.i] then count = count + 1 end
  end
end
return count
"""

# KEYS: answers, voters, peaks. ARGV: poll, student, address, choice, idle ms.
# Returns 0 recorded, 1 answered before, 2 the address has answered as often as it held seats.
ADD_ANSWER = """
if redis.call('HEXISTS', KEYS[1], ARGV[1] .. ':' .. ARGV[2]) == 1 then return 1 end
local voter = ARGV[1] .. ':' .. ARGV[3]
local votes = tonumber(redis.call('HGET', KEYS[2], voter) or '0')
local peak = tonumber(redis.call('HGET', KEYS[3], ARGV[3]) or '0')
if votes >= math.max(peak, 1) then return 2 end
redis.call('HSET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], ARGV[4])
redis.call('HINCRBY', KEYS[2], voter, 1)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return 0
"""

# KEYS: the bucket. ARGV: burst, per second. Returns 1 if a token was spent.
TAKE_TOKEN = NOW + """
local burst, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
local spent = 0
if tokens >= 1 then tokens = tokens - 1 spent = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return spent
"""

# KEYS: the class. ARGV: state. Returns the new seq, or -1 if the class is not there.
SAVE_STATE = """
if redis.call('HEXISTS', KEYS[1], 'token') == 0 then return -1 end
redis.call('HSET', KEYS[1], 'state', ARGV[1])
return redis.call('HINCRBY', KEYS[1], 'seq', 1)
"""


class RedisStore(ClassStore):
    # Redis down, restarting, loading its data, out of memory or read-only: answered with 503
    # (HTTP) or 1013 (sockets), for the client to try again
    unreachable = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, StoreTroubleError)

    def __init__(
        self,
        url: str,
        idle_seconds: float,
        presence_seconds: float = 60.0,
        instance_seconds: float = 5.0,
    ) -> None:
        # a class's 500 students may leave at once: wait for a free connection, don't fail;
        # a Redis that does not answer fails a call within seconds instead of holding it
        pool = redis.BlockingConnectionPool.from_url(
            url, decode_responses=True, max_connections=50, timeout=20,
            socket_connect_timeout=5, socket_timeout=10,
        )  # fmt: skip
        self.redis = redis.Redis(connection_pool=pool)
        self.idle_ms = int(idle_seconds * 1000)
        self.presence_ms = int(presence_seconds * 1000)
        self.instance_ms = int(instance_seconds * 1000)
        self.instance = codes.new_id()
        self.scripts = {
            name: self.redis.register_script(text)
            for name, text in [("take_seat", TAKE_SEAT), ("release_seat", RELEASE_SEAT),
                               ("refresh_seats", REFRESH_SEATS), ("count_seats", COUNT_SEATS),
                               ("add_answer", ADD_ANSWER), ("take_token", TAKE_TOKEN),
                               ("save_state", SAVE_STATE)]
        }  # fmt: skip
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
            for part in PARTS:
                pipe.pexpire(_key(code, part), self.idle_ms)
            await pipe.execute()

    async def _run(self, script: str, keys: list[str], args: list[Any]) -> Any:
        try:
            return await self.scripts[script](keys=keys, args=args)
        except ResponseError as error:
            if str(error).startswith(("LOADING", "OOM", "MISCONF", "BUSY")):
                raise StoreTroubleError(str(error)) from None
            raise

    async def save_state(self, code: str, state: str) -> int:
        seq = int(await self._run("save_state", [_key(code)], [state]))
        if seq < 0:
            raise GoneError(code)
        return seq

    async def save_poll(self, code: str, poll: dict[str, Any] | None, new: bool) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(_key(code), "poll", json.dumps(poll) if poll else "")
            if new:
                pipe.delete(_key(code, ":answers"), _key(code, ":voters"))
            await pipe.execute()

    async def add_answer(
        self, code: str, poll: str, student: str, address: str, choice: int
    ) -> str | None:
        keys = [_key(code, ":answers"), _key(code, ":voters"), _key(code, ":peaks")]
        args = [poll, student, address, choice, self.idle_ms]
        outcome = await self._run("add_answer", keys, args)
        return [None, AGAIN, ADDRESS_FULL][int(outcome)]

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
            pipe.delete(*(_key(code, part) for part in PARTS))
            pipe.set(f"{PREFIX}ended:{code}", reason, px=self.idle_ms)
            await pipe.execute()

    async def take_seat(self, code: str, seat: Seat, limit: int, per_address: int) -> Seating:
        if not await self.redis.hexists(_key(code), "token"):
            raise GoneError(code)
        args = [seat.student, seat.connection, seat.address, self.instance, limit, per_address,
                self.presence_ms, self.idle_ms]  # fmt: skip
        keys = [_key(code, ":seats"), _key(code, ":peaks")]
        refused, replaced = await self._run("take_seat", keys, args)
        if refused:
            return Seating(refused=FULL if int(refused) == 1 else ADDRESS_FULL)
        return Seating(replaced=replaced or None)

    async def release_seat(self, code: str, seat: Seat) -> None:
        await self._run("release_seat", [_key(code, ":seats")], [seat.student, seat.connection])

    async def refresh_seats(self, code: str, seats: list[Seat]) -> None:
        if seats:
            pairs = [part for seat in seats for part in (seat.student, seat.connection)]
            await self._run("refresh_seats", [_key(code, ":seats")], [self.presence_ms, *pairs])

    async def count_students(self, code: str) -> int:
        return int(await self._run("count_seats", [_key(code, ":seats")], []))

    async def take_miss(self, address: str, burst: float, per_second: float) -> bool:
        key = f"{PREFIX}misses:{address}"
        return bool(await self._run("take_token", [key], [burst, per_second]))

    async def beat(self) -> None:
        await self.redis.set(INSTANCE + self.instance, 1, px=self.instance_ms)

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
        try:
            await self.redis.delete(INSTANCE + self.instance)  # its seats stop counting now
        except RedisError:
            pass
        if self.listener is not None:
            self.listener.cancel()
        if self.pubsub is not None:
            await self.pubsub.aclose()
        await self.redis.aclose()
