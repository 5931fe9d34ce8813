"""A live class in the browser: one teacher and two students, on one server and on two
instances sharing one Redis; polls; the teacher's reload; restarts with and without Redis;
an unknown or ended class."""

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.browser.classroom import (
    join_by_link,
    live_class,
    start_class,
    step_and_follow,
    wait_count,
    wait_same,
    wait_status,
    wait_substep,
    walk_to,
)
from tests.browser.conftest import Page, Server, browsing
from tests.helpers import RunningApp, free_port, redis_server, start_app

# Chromium logs each refused attempt to reach a stopped server, the page's own retries included
OUTAGE_CONSOLE = ("net::ERR_CONNECTION_REFUSED", "WebSocket connection to")


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


def test_a_teacher_and_two_students(browser: Any, server: Server) -> None:
    with ExitStack() as stack:
        teacher, first, second = (stack.enter_context(browsing(browser, server)) for _ in range(3))
        teacher.open()
        code, url = start_class(teacher)
        assert len(code) == 9 and url == f"{server.origin}/?class={code}"
        qr = teacher.page.get_by_test_id("class-qr")
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
        wait_count(teacher, 0)

        join_by_link(first, url)
        second.open()
        second.page.get_by_test_id("class-join-code").fill(code.lower())
        second.click("class-join")
        wait_status(second, "open")
        wait_count(teacher, 2)

        first.page.get_by_test_id("language-select").select_option("zh-Hans")
        for _ in range(2):
            teacher.click("step")
        teacher.wait_iteration("2")
        for student in (first, second):
            student.wait_iteration("2")
            wait_same(student, teacher)
        assert first.page.evaluate("document.documentElement.lang") == "zh-Hans"
        assert teacher.page.evaluate("document.documentElement.lang") == "en"

        teacher.page.locator(".edge-label[data-param=w7]").click()
        for student in (first, second):
            student.page.get_by_test_id("card-w7").wait_for()

        # the second student explores alone, then follows again and catches up
        second.page.get_by_test_id("class-follow").uncheck()
        second.click("step")
        second.wait_iteration("3")
        teacher.click("reset")
        teacher.wait_iteration("0")
        first.wait_iteration("0")
        assert second.text("iteration") == "3"
        second.page.get_by_test_id("class-follow").check()
        second.wait_iteration("0")
        wait_same(second, teacher)

        # a poll at the predicted sub-step ∂E/∂w5, with Ask first off
        assert not teacher.page.get_by_test_id("predict-toggle").is_checked()
        walk_to(teacher, "gradient-w5")
        teacher.click("poll-open")
        for student in (first, second):
            wait_substep(student, teacher)
            student.page.get_by_test_id("poll-choice").first.wait_for()
        choices = first.page.get_by_test_id("poll-choice")
        assert choices.count() >= 2
        values = [float(choices.nth(k).get_attribute("data-value")) for k in range(choices.count())]
        assert len(set(values)) == len(values)
        teacher_values = teacher.page.locator(".poll-value")
        assert [float(teacher_values.nth(k).get_attribute("data-value"))
                for k in range(teacher_values.count())] == values  # fmt: skip
        right = server.post("/api/step")["trace"]["gradients"]["w5"]  # from the example
        assert right in values
        first.page.locator(f"[data-testid=poll-choice][data-value='{right!r}']").click()
        second.page.locator(f"[data-testid=poll-choice]:not([data-value='{right!r}'])").first.click()
        teacher.page.wait_for_function(
            "() => document.querySelector('[data-testid=poll-results]').dataset.responses === '2'"
        )
        for student in (first, second):  # one answer each
            student.page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=poll-choice]')]"
                ".every(b => b.disabled)"
            )
        teacher.click("poll-reveal")
        verdicts = []
        for student in (first, second):
            student.page.get_by_test_id("poll-verdict").wait_for()
            verdicts.append(student.attr("poll-verdict", "data-right"))
        assert verdicts == ["true", "false"]

        teacher.screenshot("class-teacher.png")  # the README's come from make screenshots
        second.screenshot("class-student.png")

        teacher.click("class-end")
        for student in (first, second):
            wait_status(student, "closed")
        assert first.text("class-status") == "老师已结束课堂。"  # in the student's language
        assert second.text("class-status") == "The teacher ended the class."
        late = stack.enter_context(browsing(browser, server))
        late.page.goto(url)
        late.wait_ready()
        wait_status(late, "closed")
        assert "ended" in late.text("class-status")
        assert late.page.get_by_test_id("class-follow").is_hidden()
        for app in (teacher, first, second, late):
            app.watch.assert_clean()


def test_an_unknown_class_says_so_once(browser: Any, server: Server) -> None:
    with browsing(browser, server) as student:
        sockets = []
        student.page.on("websocket", lambda socket: sockets.append(socket))
        student.page.goto(server.origin + "/?class=ABCDEFGHJ")
        student.wait_ready()
        wait_status(student, "closed")
        assert "not running" in student.text("class-status")
        assert len(sockets) == 1  # a final refusal: no reconnection
        student.click("class-leave")
        assert student.page.get_by_test_id("class-panel").is_hidden()
        assert "class=" not in student.page.url
        student.watch.assert_clean()


def test_the_teacher_survives_a_reload(browser: Any, server: Server) -> None:
    with live_class(browser, server) as (teacher, student):
        code = teacher.text("class-code")
        teacher.page.reload()
        teacher.wait_ready()
        wait_status(teacher, "open")
        assert teacher.text("class-code") == code
        wait_count(teacher, 1)
        step_and_follow(teacher, (student,), 1)
        teacher.watch.assert_clean()
        student.watch.assert_clean()


def clean_but_outages(app: Page) -> None:
    app.watch.console_errors = [e for e in app.watch.console_errors
                                if not any(text in e for text in OUTAGE_CONSOLE)]  # fmt: skip
    app.watch.assert_clean()


def test_two_instances_on_one_redis_and_their_restarts(browser: Any, redis_url: str) -> None:
    env = {"REDIS_URL": redis_url}
    ports = [free_port(), free_port()]
    apps: list[RunningApp] = [start_app(port, env=env) for port in ports]
    try:
        one, two = Server(apps[0].origin), Server(apps[1].origin)
        with browsing(browser, one) as teacher, browsing(browser, two) as a, \
                browsing(browser, two) as b:  # fmt: skip
            teacher.open()
            code, _ = start_class(teacher)
            for student in (a, b):
                join_by_link(student, f"{two.origin}/?class={code}")
            wait_count(teacher, 2)
            step_and_follow(teacher, (a, b), 1)

            # the teacher's server restarts: the class lives on in Redis
            apps[0].stop()
            wait_status(teacher, "reconnecting")
            apps[0] = start_app(ports[0], env=env)
            wait_status(teacher, "open")
            assert teacher.text("class-code") == code
            wait_count(teacher, 2)
            step_and_follow(teacher, (a, b), 2)

            # the students' server restarts while the teacher goes on: they catch up
            apps[1].stop()
            for student in (a, b):
                wait_status(student, "reconnecting")
            teacher.click("step")
            teacher.wait_iteration("3")
            apps[1] = start_app(ports[1], env=env)
            for student in (a, b):
                wait_status(student, "open")
                student.wait_iteration("3")
                wait_same(student, teacher)
            wait_count(teacher, 2)
            for app in (teacher, a, b):
                clean_but_outages(app)
    finally:
        for app in apps:
            app.stop()


def test_without_redis_a_restart_ends_the_class_plainly(browser: Any) -> None:
    port = free_port()
    apps = [start_app(port)]
    try:
        with browsing(browser, Server(apps[0].origin)) as teacher:
            teacher.open()
            start_class(teacher)
            apps[0].stop()
            wait_status(teacher, "reconnecting")
            apps.append(start_app(port))
            wait_status(teacher, "closed")
            assert "not running" in teacher.text("class-status")
            teacher.page.reload()
            teacher.wait_ready()
            assert teacher.page.get_by_test_id("class-panel").is_hidden()  # forgotten
            clean_but_outages(teacher)
    finally:
        for app in apps:
            app.stop()
