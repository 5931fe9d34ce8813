"""When Redis goes away, the class's connections are closed with a code that says reconnect,
and new ones are refused the same way, never left hanging."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.classes import protocol
from app.classes.hub import Hub
from app.classes.limits import ClassLimits
from app.classes.redis_store import RedisStore
from app.main import app
from tests.classes.conftest import Classroom, FakeClock, closed_with
from tests.helpers import redis_server


@pytest.fixture
def lonely_redis() -> Iterator[tuple[Classroom, object]]:
    """The app on a Redis of this test's own, which the test may stop."""
    with redis_server() as url, TestClient(app) as client:
        hub = Hub(RedisStore(url, 3600.0), ClassLimits())
        app.state.classroom = hub
        room = Classroom(client, hub, FakeClock())
        try:
            yield room, url
        finally:
            for socket in room.sockets:
                try:
                    socket.__exit__(None, None, None)
                except Exception:
                    pass
            del app.state.classroom
            client.portal.call(hub.close)


def test_losing_redis_closes_connections_with_a_code_to_reconnect(lonely_redis):
    import redis as redis_sync

    room, url = lonely_redis
    code, token = room.create()
    student, _ = room.join(code)
    redis_sync.Redis.from_url(url).shutdown(nosave=True)
    assert closed_with(student)[0] == protocol.RESTART
    newcomer = room.connect(code)
    newcomer.send_json({"type": "hello", "role": "student"})
    assert closed_with(newcomer)[0] == protocol.INTERNAL
