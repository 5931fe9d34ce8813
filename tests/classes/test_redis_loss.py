"""When Redis goes away, the class's connections are closed with a code that says reconnect,
and new ones are refused the same way, never left hanging."""

from collections.abc import Iterator

import pytest

from app.classes import protocol
from app.classes.limits import ClassLimits
from app.classes.redis_store import RedisStore
from tests.classes.conftest import Classroom, app_with, closed_with
from tests.helpers import redis_server


@pytest.fixture
def lonely_redis() -> Iterator[tuple[Classroom, object]]:
    """The app on a Redis of this test's own, which the test may stop."""
    with redis_server() as url, app_with(RedisStore(url, 3600.0), ClassLimits(), None) as room:
        yield room, url


def test_losing_redis_closes_connections_with_a_code_to_reconnect(lonely_redis):
    import redis as redis_sync

    room, url = lonely_redis
    code, token = room.create()
    student, _ = room.join(code)
    redis_sync.Redis.from_url(url).shutdown(nosave=True)
    assert closed_with(student)[0] == protocol.RESTART
    newcomer = room.connect(code)
    newcomer.send_json({"type": "hello", "role": "student"})
    assert closed_with(newcomer)[0] == protocol.RESTART
