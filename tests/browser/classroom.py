"""A live class in the browser, for the tests and the screenshots: a teacher who starts a class,
students who join it by its link and follow, polls opened, answered and revealed."""

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from tests.browser.conftest import Page, Server, browsing


def start_class(teacher: Page) -> tuple[str, str]:
    """Press Start class on an open page; return the code and the join URL."""
    teacher.click("class-start")
    wait_status(teacher, "open")
    code = teacher.text("class-code")
    url = teacher.attr("class-link", "data-url")
    return code, url


def wait_status(app: Page, status: str) -> None:
    app.page.wait_for_function(
        "s => document.querySelector('[data-testid=class-panel]')?.dataset.status === s", arg=status
    )


def wait_count(teacher: Page, count: int) -> None:
    teacher.page.wait_for_function(
        "n => document.querySelector('[data-testid=class-count]')?.dataset.value === String(n)",
        arg=count,
    )


def wait_same(student: Page, teacher: Page, testid: str = "weight-w5") -> None:
    """Wait until the student's `testid` holds the teacher's number, to the last digit."""
    expected = teacher.attr(testid, "data-value")
    student.page.wait_for_function(
        "([id, v]) => document.querySelector(`[data-testid=${id}]`)?.dataset.value === v",
        arg=[testid, expected],
    )


def step_and_follow(teacher: Page, students: tuple[Page, ...], iteration: int) -> None:
    """The teacher presses Step; every student shows the same network, exactly."""
    teacher.click("step")
    teacher.wait_iteration(str(iteration))
    for student in students:
        student.wait_iteration(str(iteration))
        wait_same(student, teacher)


def wait_substep(student: Page, teacher: Page) -> None:
    expected = teacher.page.locator("#substeps").get_attribute("data-substep")
    student.page.wait_for_function(
        "s => document.querySelector('#substeps').dataset.substep === s", arg=expected
    )


def join_by_link(student: Page, url: str) -> None:
    student.page.goto(url)
    student.wait_ready()
    wait_status(student, "open")


def walk_to(teacher: Page, substep: str) -> None:
    """Walk sub-steps until `substep` is shown."""
    for _ in range(30):
        if teacher.page.locator("#substeps").get_attribute("data-substep") == substep:
            return
        teacher.click("substep-next")
        teacher.page.wait_for_function("() => !('busy' in document.body.dataset)")
    raise AssertionError(f"no sub-step {substep}")


@contextmanager
def live_class(
    browser: Any, server: Server, teacher: dict[str, Any] | None = None,
    students: Sequence[dict[str, Any]] = ({},),
) -> Iterator[tuple[Page, ...]]:
    """A teacher's page (`teacher`: its browsing options) that has started a class, and a page
    for each of `students` (browsing options, and a `server` of its own where it joins through
    another instance) that has joined by the class's link; (teacher, *students), all closed
    afterwards."""
    with ExitStack() as stack:
        lead = stack.enter_context(browsing(browser, server, **(teacher or {})))
        joining = []
        for options in students:
            own = {**options}
            joining.append(stack.enter_context(browsing(browser, own.pop("server", server), **own)))
        lead.open()
        code, _ = start_class(lead)
        for student in joining:
            join_by_link(student, f"{student.server.origin}/?class={code}")
        wait_count(lead, len(joining))
        yield (lead, *joining)


def open_poll(teacher: Page, *students: Page) -> None:
    """Open the poll the teacher's sub-step offers; wait until every page shows its choices."""
    teacher.click("poll-open")
    for app in (teacher, *students):
        app.page.get_by_test_id("poll-choice").first.wait_for()


def wait_responses(teacher: Page, count: int) -> None:
    """Wait until the teacher's poll has counted `count` answers."""
    teacher.page.wait_for_function(
        "n => document.querySelector('[data-testid=poll-results]')?.dataset.responses"
        " === String(n)", arg=count)
