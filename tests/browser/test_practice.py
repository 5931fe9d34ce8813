"""Practice in the browser: each level's answers checked on Enter, a named mistake shown, the
worked solution revealed; the decimals asked; languages; the record kept across a reload (answers,
verdicts, checks, the solution shown, answers seen first, the summary of recurring mistakes and
its links to the main page's walk); the exercise's diagram; refusals said in the page's
language; the worksheet printed to PDF."""

import io
import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS, Page, Server, browsing

SEED = 123


def exercise(server: Server, level: int, seed: int = SEED) -> dict[str, Any]:
    status, _, body = server.get(f"/api/practice/{level}/{seed}")
    assert status == 200
    answer = json.loads(body)
    answer["step"] = server.post("/api/step", {"state": answer["state"]})
    return answer


def correct_values(drawn: dict[str, Any]) -> dict[str, float]:
    """Every asked quantity's value, as the engine's step computed it."""
    trace, after = drawn["step"]["trace"], drawn["step"]["state"]["weights"]
    values = {}
    for ask in drawn["asks"]:
        name = ask["id"]
        if name.endswith("_new"):
            values[name] = after[name[:-4]]
        elif name.startswith("dE_dw"):
            values[name] = trace["gradients"][name[4:]]
        else:
            values[name] = trace["factors"][name]
    return values


def open_practice(app: Page, level: int, seed: int = SEED, query: str | None = None) -> None:
    app.page.goto(f"{app.server.origin}/practice{query or f'?seed={seed}&level={level}'}")
    wait_loaded(app)


def wait_loaded(app: Page) -> None:
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=practice]')"
        ".getAttribute('aria-busy') === 'false'"
    )


def open_drawn(app: Page, server: Server, level: int, seed: int = SEED) -> dict[str, Any]:
    """Draw exercise `level` (`seed`) through the API, open it on the practice page, return it."""
    drawn = exercise(server, level, seed)
    open_practice(app, level, seed)
    return drawn


def answer_rounded(app: Page, drawn: dict[str, Any], name: str,
                   value: float) -> dict[str, str | None]:
    """Answer `value` written to the decimals the exercise asks for; return the verdict."""
    return answer(app, name, f"{value:.{drawn['decimals']}f}")


def answer(app: Page, name: str, value: float | str) -> dict[str, str | None]:
    """Type `value` for `name`, press Enter, and return the verdict's data once it arrives."""
    field = app.page.get_by_test_id(f"answer-{name}")
    field.fill(str(value))
    field.press("Enter")
    verdict = app.page.get_by_test_id(f"verdict-{name}")
    app.page.wait_for_function(
        "([id, answer]) => { const input = document.querySelector(`[data-testid=answer-${id}]`);"
        " const out = document.querySelector(`[data-testid=verdict-${id}]`);"
        " return out.dataset.correct !== undefined && input.value === answer; }",
        arg=[name, str(value)],
    )
    return {
        "correct": verdict.get_attribute("data-correct"),
        "misconception": verdict.get_attribute("data-misconception"),
        "text": verdict.inner_text(),
    }


def wait_steps_shown(app: Page, count: int) -> None:
    app.page.wait_for_function(
        "n => document.querySelectorAll('#solution li:not([hidden])').length === n", arg=count
    )


@pytest.fixture
def practice_page(browser: Any, server: Server) -> Iterator[Page]:
    with browsing(browser, server) as app:
        yield app
        app.watch.assert_clean()


# The mistake each level's test makes, computed from the step's trace.
def mistake_of(level: int, drawn: dict[str, Any]) -> tuple[str, float, str]:
    trace, values = drawn["step"]["trace"], correct_values(drawn)
    factors, forward = trace["factors"], trace["forward"]
    if level == 1:
        name = drawn["asks"][0]["id"]
        return name, -values[name], "sign_error"
    if level == 2:
        return (
            "dE_dw5",
            factors["dE_dout_o1"] * factors["dnet_o1_dw5"],
            ("missing_activation_derivative"),
        )
    if level == 3:
        tail = factors["dout_h1_dnet_h1"] * factors["dnet_h1_dw1"]
        through_o1 = factors["dE_dout_h1_via_o1"] * tail
        return "dE_dw1", through_o1, "missed_second_path"
    eta, w3 = drawn["state"]["learning_rate"], drawn["state"]["weights"]["w3"]
    assert forward  # the trace is complete
    return "w3_new", w3 + eta * trace["gradients"]["w3"], "added_update"


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_each_level_accepts_a_correct_answer_names_a_mistake_and_reveals_the_solution(
    practice_page: Page, server: Server, level: int
) -> None:
    app = practice_page
    drawn = exercise(server, level)
    values = correct_values(drawn)
    open_practice(app, level)
    view = app.page.get_by_test_id("practice")
    asked = [ask["id"] for ask in drawn["asks"]]
    assert view.locator("input.answer").count() == len(asked)
    for name in asked:
        assert app.page.get_by_test_id(f"answer-{name}").is_visible()

    first = asked[-1]
    verdict = answer(app, first, values[first])
    assert verdict["correct"] == "true" and verdict["misconception"] == ""
    assert "Correct" in verdict["text"]

    name, wrong, code = mistake_of(level, drawn)
    verdict = answer(app, name, wrong)
    assert verdict["correct"] == "false" and verdict["misconception"] == code

    verdict = answer(app, name, 987.0)  # unexplained: a hint instead of a name
    assert verdict["correct"] == "false" and verdict["misconception"] == ""
    assert "Check" in verdict["text"]

    solution = app.page.get_by_test_id("solution")
    assert solution.locator("li:visible").count() == 0
    app.click("solution-next")
    wait_steps_shown(app, 1)
    assert "net" in solution.locator("li:visible").first.inner_text()
    app.click("solution-all")
    app.page.wait_for_function(
        "() => document.querySelectorAll('#solution li[hidden]').length === 0"
    )
    for ask in asked:
        step = app.page.get_by_test_id(f"step-{ask}")
        assert step.is_visible(), ask
    app.page.get_by_test_id("solution-hide").click()
    wait_steps_shown(app, 0)
    app.screenshot(f"practice-level-{level}-1280.png")


def test_level_one_shows_the_two_factors_it_does_not_ask(
    practice_page: Page, server: Server
) -> None:
    drawn = exercise(server, 1)
    open_practice(practice_page, 1)
    asked = drawn["asks"][0]["id"]
    others = {"dE_dout_o1", "dout_o1_dnet_o1", "dnet_o1_dw5"} - {asked}
    for name in others:
        shown = practice_page.page.get_by_test_id(f"given-{name}").inner_text()
        assert printed(drawn["step"]["trace"]["factors"][name]) in shown
    assert practice_page.page.get_by_test_id(f"given-{asked}").count() == 0


def test_a_whole_exercise_solved_counts_on_the_ladder_and_is_kept(
    practice_page: Page, server: Server
) -> None:
    app = practice_page
    drawn = open_drawn(app, server, 2)
    assert app.text("level-2-count") == ""
    for name, value in correct_values(drawn).items():
        assert answer_rounded(app, drawn, name, value)["correct"] == "true", name
    app.page.get_by_test_id("solved").wait_for()
    assert "1" in app.text("level-2-count")
    app.page.reload()
    wait_loaded(app)
    assert "1" in app.text("level-2-count")
    assert app.page.get_by_test_id("solved").is_visible()  # the record is kept too


def test_not_a_number_is_said_beside_the_answer_without_asking_the_server(
    practice_page: Page,
) -> None:
    app = practice_page
    open_practice(app, 2)
    requests_before = len(app.watch.requests)
    field = app.page.get_by_test_id("answer-dE_dw5")
    field.fill("0.1.2")
    field.press("Enter")
    verdict = app.page.get_by_test_id("verdict-dE_dw5")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=verdict-dE_dw5]').dataset.kind === 'invalid'"
    )
    assert verdict.get_attribute("data-correct") is None
    assert len(app.watch.requests) == requests_before
    assert field.get_attribute("aria-invalid") == "true"


def test_typed_decimals_in_other_notations_are_read(practice_page: Page, server: Server) -> None:
    app = practice_page
    drawn = exercise(server, 2)
    value = correct_values(drawn)["dE_dw5"]
    open_practice(app, 2)
    typed = f"{value:.5e}".replace("-", "−")
    assert answer(app, "dE_dw5", typed)["correct"] == "true"
    comma = f"{correct_values(drawn)['dnet_o1_dw5']:.6f}".replace(".", ",")
    assert answer(app, "dnet_o1_dw5", comma)["correct"] == "true"


@pytest.mark.parametrize(
    ("code", "heading", "verdict_word"),
    [
        ("zh-Hans", "请计算", "符号反了"),
        ("zh-Hant", "請計算", "符號反了"),
        ("en", "Compute", "sign"),
    ],
)
def test_the_language_switches_the_view_and_the_verdicts(
    practice_page: Page, server: Server, code: str, heading: str, verdict_word: str
) -> None:
    app = practice_page
    drawn = open_drawn(app, server, 2)
    answer(app, "dnet_o1_dw5", -correct_values(drawn)["dnet_o1_dw5"])
    if code == "en":
        app.page.get_by_test_id("language").select_option("zh-Hans")
        app.page.wait_for_function("() => document.documentElement.lang === 'zh-Hans'")
    app.page.get_by_test_id("language").select_option(code)
    app.page.wait_for_function("c => document.documentElement.lang === c", arg=code)
    assert app.page.locator("#questions-heading").inner_text() == heading
    app.page.wait_for_function(
        "w => document.querySelector('[data-testid=verdict-dnet_o1_dw5]').textContent.includes(w)",
        arg=verdict_word,
    )
    app.page.reload()
    wait_loaded(app)
    assert app.page.locator("#questions-heading").inner_text() == heading  # remembered


def test_the_ladder_and_new_exercise_keep_the_link_in_step(practice_page: Page) -> None:
    app = practice_page
    open_practice(app, 1)
    app.click("level-3")
    wait_loaded(app)
    app.page.wait_for_function("() => location.search === '?seed=123&level=3'")
    assert app.page.get_by_test_id("answer-dE_dw1").is_visible()
    app.click("new-exercise")
    app.page.wait_for_function("() => !location.search.startsWith('?seed=123&')")
    wait_loaded(app)
    assert "level=3" in app.page.url
    app.page.go_back()
    app.page.wait_for_function("() => location.search === '?seed=123&level=3'")
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=exercise-name]').textContent.includes('123')"
    )


def test_a_link_without_a_seed_gets_one(practice_page: Page) -> None:
    app = practice_page
    open_practice(app, 1, query="?level=4")
    app.page.wait_for_function("() => /^\\?seed=\\d+&level=4$/.test(location.search)")
    assert app.page.locator("input.answer").count() == 16


def _font_sizes_below(app: Page, minimum: float) -> list[str]:
    return app.page.evaluate(
        """min => [...document.querySelectorAll('body *')].filter(el => {
            if (!el.offsetParent && el.tagName !== 'BODY') return false;
            const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
            if (!own || el.closest('sub, sup')) return false;
            return parseFloat(getComputedStyle(el).fontSize) < min;
        }).map(el => el.tagName + ' ' + el.textContent.trim().slice(0, 40))""",
        minimum,
    )


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080), (1024, 768), (390, 844)])
def test_readable_on_a_projector_and_a_phone(
    browser: Any, server: Server, width: int, height: int
) -> None:
    with browsing(browser, server, width, height) as app:
        drawn = open_drawn(app, server, 4)
        values = correct_values(drawn)
        answer(app, "dE_dw1", values["dE_dw1"])
        answer(app, "w3_new", mistake_of(4, drawn)[1])
        app.click("solution-next")
        assert _font_sizes_below(app, 18) == []
        overflow = app.page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{overflow}px sideways at {width}px"
        app.screenshot(f"practice-{width}x{height}.png")
        app.watch.assert_clean()


# --- The record, the rule, the diagram, refusals ---------------------------------------------


def verdict_data(app: Page, name: str) -> dict[str, str | None]:
    verdict = app.page.get_by_test_id(f"verdict-{name}")
    return {
        key: verdict.get_attribute(f"data-{key}") for key in ("correct", "misconceptions", "seen")
    }


def test_the_record_survives_a_reload(practice_page: Page, server: Server) -> None:
    app = practice_page
    drawn = exercise(server, 3)
    values = correct_values(drawn)
    open_practice(app, 3)
    name, wrong, code = mistake_of(3, drawn)
    answer(app, name, wrong)
    answer(app, name, 5.0)  # unexplained
    answer(app, "dout_h1_dnet_h1", values["dout_h1_dnet_h1"])
    app.page.get_by_test_id("answer-w1_new").fill("0.12")  # typed, not checked
    app.click("solution-next")
    app.click("solution-next")
    wait_steps_shown(app, 2)
    before = {ask: verdict_data(app, ask) for ask in (name, "dout_h1_dnet_h1")}
    app.page.reload()
    wait_loaded(app)
    wait_steps_shown(app, 2)
    assert app.page.get_by_test_id("answer-w1_new").input_value() == "0.12"
    assert app.page.get_by_test_id(f"answer-{name}").input_value() == "5.0"
    assert {ask: verdict_data(app, ask) for ask in before} == before
    assert app.page.get_by_test_id(f"attempts-{name}").get_attribute("data-count") == "2"
    assert app.page.get_by_test_id("attempts-dout_h1_dnet_h1").get_attribute("data-count") == "1"
    assert "2 of" in app.text("solution-progress")
    summary = app.page.get_by_test_id(f"summary-{code}")
    assert summary.get_attribute("data-count") == "1"
    app.watch.assert_clean()


def test_answers_seen_in_the_solution_first_are_marked_and_do_not_count_as_solved(
    practice_page: Page, server: Server
) -> None:
    app = practice_page
    drawn = exercise(server, 1)
    [ask] = drawn["asks"]
    open_practice(app, 1)
    app.click("solution-all")
    app.page.wait_for_function(
        "() => document.querySelectorAll('#solution li[hidden]').length === 0"
    )
    value = correct_values(drawn)[ask["id"]]
    verdict = answer_rounded(app, drawn, ask["id"], value)
    assert verdict["correct"] == "true" and "seen in the solution first" in verdict["text"]
    assert verdict_data(app, ask["id"])["seen"] == "true"
    app.page.get_by_test_id("solved").wait_for()
    assert "with the worked solution's help" in app.text("solved")
    assert app.text("level-1-count") == ""  # not counted as solved


def test_each_box_says_the_decimals_and_the_rounded_answer_is_right(
    practice_page: Page, server: Server
) -> None:
    app = practice_page
    drawn = exercise(server, 4)
    decimals = drawn["decimals"]
    open_practice(app, 4)
    for ask in drawn["asks"]:
        said = app.page.get_by_test_id(f"decimals-{ask['id']}")
        assert said.inner_text() == f"to {decimals} decimals"
    assert f"to {decimals} decimals" in app.text("decimals-note")
    value = correct_values(drawn)["w1_new"]
    assert answer(app, "w1_new", f"{value:.{decimals}f}")["correct"] == "true"
    one_off = round(value, decimals) + 10**-decimals
    assert answer(app, "w1_new", f"{one_off:.{decimals}f}")["correct"] == "true"
    slip = round(value, decimals) + 10 * 10**-decimals
    verdict = answer(app, "w1_new", f"{slip:.{decimals}f}")
    assert verdict["correct"] == "false" and verdict["misconception"] == "rounding"
    assert "keep one more digit" in verdict["text"]
    # a phone shows its text keyboard, which has a minus key (a decimal pad often has none)
    assert app.page.get_by_test_id("answer-w1_new").get_attribute("inputmode") == "text"
    app.page.get_by_test_id("language").select_option("zh-Hans")
    app.page.wait_for_function("() => document.documentElement.lang === 'zh-Hans'")
    said = app.page.get_by_test_id("decimals-w1_new")
    app.page.wait_for_function(
        "d => document.querySelector('[data-testid=decimals-w1_new]').textContent === d",
        arg=f"保留 {decimals} 位小数",
    )
    assert said.is_visible()
    app.watch.assert_clean()


def test_two_mistakes_giving_one_number_are_both_named(practice_page: Page, server: Server) -> None:
    app = practice_page
    seed = 4  # η = 0.5: w5 − ∂E/∂w5 both forgets η and doubles the gradient
    drawn = exercise(server, 2, seed)
    assert drawn["state"]["learning_rate"] == 0.5
    open_practice(app, 2, seed)
    gradient = correct_values(drawn)["dE_dw5"]
    doubled = drawn["state"]["weights"]["w5"] - gradient
    verdict = answer_rounded(app, drawn, "w5_new", doubled)
    assert verdict["misconception"] == "dropped_half"
    names = app.page.get_by_test_id("verdict-w5_new").locator(".mistake")
    assert names.all_inner_texts() == ["dropped the ½", "forgot the learning rate"]
    app.watch.assert_clean()


def test_the_summary_links_each_mistake_to_the_step_that_explains_it(
    practice_page: Page, server: Server
) -> None:
    app = practice_page
    drawn = open_drawn(app, server, 3)
    factors = drawn["step"]["trace"]["factors"]
    through_o2 = factors["dE_dout_h1_via_o2"]
    verdict = answer_rounded(app, drawn, "dE_dout_h1", through_o2)
    assert verdict["misconception"] == "missed_second_path"
    assert "Only the path through o2" in verdict["text"]
    summary = app.page.get_by_test_id("summary")
    assert summary.is_visible()
    app.page.get_by_test_id("summary-link-missed_second_path").click()
    app.page.wait_for_function(
        "() => document.querySelector('[data-testid=substep-panel]')?.dataset.substep"
        " === 'paths-h1'"
    )
    # the walk is on the exercise's own network
    assert app.value("value-i1") == drawn["state"]["inputs"]["i1"]
    assert app.value("weight-w7") == drawn["state"]["weights"]["w7"]
    app.watch.assert_clean()


def test_the_diagram_shows_the_exercise_numbers(practice_page: Page, server: Server) -> None:
    app = practice_page
    drawn = open_drawn(app, server, 2)
    diagram = app.page.get_by_test_id("network-diagram").locator("svg:visible")
    for name, value in drawn["state"]["weights"].items():
        label = diagram.locator(f"[data-weight={name}]").text_content()
        assert label.replace(" ", "").endswith(f"={value:g}".replace("-", "−")), (name, label)
    for name, value in drawn["state"]["inputs"].items():
        assert diagram.locator(f"[data-input={name}]").text_content() == f"{value:g}"
    for name, value in drawn["state"]["targets"].items():
        assert diagram.locator(f"[data-target={name}]").text_content() == f"→ {value:g}"
    box = diagram.bounding_box()
    assert box and box["width"] > 300
    diagram.screenshot(path=str(ARTIFACTS / "practice-diagram.png"))
    app.watch.assert_clean()


@pytest.mark.parametrize(
    ("locale", "words"), [("en-US", "names no exercise"), ("zh-CN", "没有对应的练习")]
)
def test_a_link_to_no_exercise_says_so_instead_of_loading_another(
    browser: Any, server: Server, locale: str, words: str
) -> None:
    with browsing(browser, server, locale=locale) as app:
        open_practice(app, 1, query="?seed=-1&level=9")
        status = app.page.get_by_test_id("status")
        assert words in status.inner_text() and "seed=-1" in status.inner_text()
        assert status.get_attribute("data-kind") == "error"
        assert app.page.locator("input.answer").count() == 0
        assert app.page.evaluate("location.search") == "?seed=-1&level=9"
        assert not [url for url in app.watch.requests if "/api/practice/" in url]
        app.click("new-exercise")  # a way on
        app.page.wait_for_function("() => /^\\?seed=\\d+&level=1$/.test(location.search)")
        wait_loaded(app)
        assert status.is_hidden()
        app.watch.assert_clean()


def test_refusals_are_said_in_the_page_language_and_cleared_by_the_next_check(
    browser: Any, server: Server
) -> None:
    with browsing(browser, server, locale="zh-CN") as app:
        open_practice(app, 2)
        field = app.page.get_by_test_id("answer-dE_dw5")
        requests = len(app.watch.requests)
        field.fill("2e6")  # beyond the bounds: said beside the answer, nothing sent
        field.press("Enter")
        app.page.wait_for_function(
            "() => document.querySelector('[data-testid=verdict-dE_dw5]').dataset.kind"
            " === 'invalid'"
        )
        assert "请输入" in app.text("verdict-dE_dw5")
        assert len(app.watch.requests) == requests

        # the server refuses what reaches it out of bounds: the banner says so in Chinese
        def beyond(route: Any) -> None:
            body = json.loads(route.request.post_data)
            body["answers"] = {name: 1e7 for name in body["answers"]}
            route.continue_(post_data=json.dumps(body))

        app.page.route("**/api/practice/check", beyond)
        field.fill("0.01")
        field.press("Enter")
        status = app.page.get_by_test_id("status")
        status.wait_for()
        assert "服务器拒绝了 answers.dE_dw5" in status.inner_text()
        assert "422" not in status.inner_text() and "Input" not in status.inner_text()
        app.page.unroute("**/api/practice/check")
        answer(app, "dE_dw5", 0.01)
        assert status.is_hidden()


# --- Print --------------------------------------------------------------------------------

STUB_PRINT = "window.print = () => { document.body.dataset.printed = String(Date.now()); };"


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def printed(value: float) -> str:
    """A value as the answer key prints it, without its sign: nine decimal places, yet never
    fewer than six significant digits (the worked example's style)."""
    digits = min(10, max(6, 9 + math.floor(math.log10(abs(value))) + 1))
    text = f"{abs(value):.{digits}g}"
    return text.rstrip("0") if "." in text else text


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_worksheets_print_a_page_each_then_their_answer_keys(
    browser: Any, server: Server, paper: str
) -> None:
    with browsing(browser, server) as app:
        app.page.add_init_script(STUB_PRINT)
        open_practice(app, 4)
        app.page.get_by_test_id("sheets").fill("2")
        app.click("print")
        app.page.wait_for_function("() => document.body.dataset.printed")
        pdf = app.page.pdf(format=paper, print_background=True)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"practice-worksheets-{paper.lower()}.pdf").write_bytes(pdf)
        pages = pdf_pages(pdf)
        assert len(pages) == 4
        for index, seed in enumerate([SEED, SEED + 1]):
            values = correct_values(exercise(server, 4, seed))
            sheet, key = pages[index], pages[2 + index]
            assert "Backpropagation worksheet" in sheet and f"exercise {seed}, level 4" in sheet
            assert "Answer key" not in sheet
            assert f"seed={seed}&level=4" in sheet.replace("\n", "")
            assert "Answer key" in key and f"exercise {seed}, level 4" in key
            decimals = exercise(server, 4, seed)["decimals"]
            assert f"to {decimals} decimals" in sheet.replace("\n", " ")
            assert "η = " in sheet  # the diagram's numbers
            for name in ("dE_dw1", "dE_dw8", "w1_new", "w8_new"):
                assert printed(values[name]) in key, (seed, name)
                assert printed(values[name]) not in sheet, (seed, name)
        app.watch.assert_clean()


def test_the_worksheet_is_invisible_on_screen_and_alone_in_print(practice_page: Page) -> None:
    app = practice_page
    app.page.add_init_script(STUB_PRINT)
    open_practice(app, 3)
    app.click("print")
    app.page.wait_for_function("() => document.body.dataset.printed")
    assert app.page.get_by_test_id("worksheets").is_hidden()
    app.page.emulate_media(media="print")
    assert app.page.get_by_test_id("worksheets").is_visible()
    assert app.page.get_by_test_id("practice").is_hidden()
    sheet = app.page.get_by_test_id(f"sheet-{SEED}").bounding_box()
    key = app.page.get_by_test_id(f"key-{SEED}").bounding_box()
    assert sheet and key and key["y"] >= sheet["y"] + sheet["height"]
    app.page.screenshot(path=str(ARTIFACTS / "practice-print.png"), full_page=True)
    app.page.emulate_media(media="screen")


def test_a_chinese_worksheet(practice_page: Page) -> None:
    app = practice_page
    app.page.add_init_script(STUB_PRINT)
    open_practice(app, 2)
    app.page.get_by_test_id("language").select_option("zh-Hant")
    app.page.wait_for_function("() => document.documentElement.lang === 'zh-Hant'")
    app.click("print")
    app.page.wait_for_function("() => document.body.dataset.printed")
    pages = pdf_pages(app.page.pdf(format="A4"))
    assert len(pages) == 2
    assert "反向傳播練習紙" in pages[0] and "答案" in pages[1]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
def test_no_serious_accessibility_violation(browser: Any, server: Server, locale: str) -> None:
    from tests.browser.test_a11y import AXE, violations

    assert AXE.is_file(), "axe-core is missing: `make axe` installs it from npm"
    # the page allows no inline script: only this test's context may inject axe-core
    with browsing(browser, server, locale=locale, bypass_csp=True) as app:
        drawn = open_drawn(app, server, 2)
        assert violations(app.page) == []
        answer(app, "dE_dw5", mistake_of(2, drawn)[1])
        answer(app, "dE_dout_o1", correct_values(drawn)["dE_dout_o1"])
        app.click("solution-all")
        assert violations(app.page) == []
        app.watch.assert_clean()


def test_the_language_is_one_setting_for_the_classroom_page_and_practice(
    practice_page: Page,
) -> None:
    app = practice_page
    app.open()
    app.page.get_by_test_id("language-select").select_option("zh-Hans")
    app.page.wait_for_function("() => document.documentElement.lang === 'zh-Hans'")
    app.page.get_by_test_id("practice-link").click()
    wait_loaded(app)
    assert app.page.locator("#questions-heading").inner_text() == "请计算"
    app.page.get_by_test_id("language").select_option("zh-Hant")
    app.page.wait_for_function("() => document.documentElement.lang === 'zh-Hant'")
    app.page.go_back()
    app.wait_ready()
    app.page.wait_for_function("() => document.documentElement.lang === 'zh-Hant'")
    assert app.page.get_by_test_id("practice-link").inner_text() == "練習"
    assert app.page.locator("[data-kind=error]:visible").count() == 0
