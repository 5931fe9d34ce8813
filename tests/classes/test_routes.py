"""POST /api/classes, the QR code, and which Host and Origin the server accepts."""

import re
import xml.etree.ElementTree as ElementTree

import pytest
from starlette.websockets import WebSocketDisconnect

from app.classes import codes
from app.classes.limits import ClassLimits
from tests.classes.conftest import Classroom


@pytest.fixture(params=["memory"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return request.param


def test_an_empty_post_creates_a_class(classroom: Classroom):
    answer = classroom.client.post("/api/classes")
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"code", "teacher_token", "join_url", "qr_url"}
    assert codes.PATTERN.match(body["code"]) and len(body["teacher_token"]) >= 40
    assert body["join_url"] == f"http://testserver/?class={body['code']}"
    assert body["qr_url"] == f"http://testserver/api/classes/{body['code']}/qr.svg"


def test_codes_are_long_random_and_free_of_look_alikes():
    assert not set("01OI") & set(codes.ALPHABET) and len(set(codes.ALPHABET)) == 32
    assert codes.LENGTH >= 8 and codes.LENGTH * 5 >= 40  # 5 bits a character
    drawn = {codes.new_code() for _ in range(20_000)}
    assert len(drawn) == 20_000
    assert set("".join(drawn)) == set(codes.ALPHABET)  # every character gets used


TYPED = [("abcd efg hj", "ABCDEFGHJ"), ("ABCD-EFGHJ", "ABCDEFGHJ"), ("ABCDEFGH", None),
         ("ABCDEFGH0", None), ("ABCDEFGHJK", None)]  # fmt: skip


@pytest.mark.parametrize(("typed", "code"), TYPED)
def test_typed_codes_are_read_leniently(typed: str, code: str | None):
    assert codes.normalize_code(typed) == code


def test_the_qr_code_is_an_svg_of_the_join_url(classroom: Classroom):
    code, _ = classroom.create()
    answer = classroom.client.get(f"/api/classes/{code.lower()}/qr.svg")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/svg+xml"
    svg = ElementTree.fromstring(answer.text)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert re.fullmatch(r"0 0 (\d+) \1", svg.attrib["viewBox"])
    title = svg.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and f"http://testserver/?class={code}" in (title.text or "")
    assert classroom.client.get("/api/classes/ABCDEFGHJ/qr.svg").status_code == 404


@pytest.mark.parametrize("limits", [ClassLimits(creations_burst=3)])
def test_starting_classes_is_limited_per_address(classroom: Classroom):
    for _ in range(3):
        classroom.create()
    answer = classroom.client.post("/api/classes")
    assert answer.status_code == 429 and answer.headers["retry-after"] == "60"


@pytest.mark.parametrize("limits", [ClassLimits(max_classes=2)])
def test_a_worker_holds_a_bounded_number_of_classes(classroom: Classroom):
    classroom.create()
    classroom.create()
    answer = classroom.client.post("/api/classes")
    assert answer.status_code == 503 and "2 classes" in answer.json()["detail"]


@pytest.mark.parametrize("host", ["evil.example", "testserver:8080", "", "a@testserver"])
def test_a_host_that_is_not_this_server_gets_no_join_url(classroom: Classroom, host: str):
    answer = classroom.client.post("/api/classes", headers={"host": host})
    assert answer.status_code == 400 and "ALLOWED_HOSTS" in answer.json()["detail"]


def test_allowed_hosts_name_a_server_behind_a_proxy(
    classroom: Classroom, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("ALLOWED_HOSTS", "lab.school.example, other.example:8443")
    for host in ("lab.school.example", "LAB.school.example:9000", "other.example:8443"):
        answer = classroom.client.post("/api/classes", headers={"host": host})
        assert answer.status_code == 201
        assert answer.json()["join_url"].startswith(f"http://{host}/?class=")
    answer = classroom.client.post("/api/classes", headers={"host": "other.example:8444"})
    assert answer.status_code == 400


@pytest.mark.parametrize("origin", ["http://evil.example", "http://testserver:8080", "null",
                                    "file://", "https://testserver.evil.example"])  # fmt: skip
def test_a_socket_from_another_origin_is_refused(classroom: Classroom, origin: str):
    code, _ = classroom.create()
    with pytest.raises(WebSocketDisconnect) as refused:
        classroom.connect(code, origin=origin)
    assert refused.value.code == 1008


def test_a_socket_from_this_origin_or_a_script_is_accepted(classroom: Classroom):
    code, _ = classroom.create()
    for headers in ({"origin": "http://testserver"}, {"origin": "http://TestServer:80"}, {}):
        socket = classroom.connect(code, **headers)
        socket.send_json({"type": "hello", "role": "student"})
        assert socket.receive_json()["type"] == "welcome"


def test_a_rebound_name_is_refused_even_with_a_matching_origin(classroom: Classroom):
    code, _ = classroom.create()
    with pytest.raises(WebSocketDisconnect):
        classroom.connect(code, origin="http://evil.example", host="evil.example")


def test_the_answer_holding_the_teacher_token_is_never_cached(classroom: Classroom):
    answer = classroom.client.post("/api/classes")
    assert answer.status_code == 201 and answer.headers["cache-control"] == "no-store"
