"""Share and export: a link that restores exactly the network shown, CSV and JSON of the
iteration shown and the history, and the worksheet on A4 and Letter."""

import csv
import io
import json
import re
from typing import Any

from tests.browser.conftest import ARTIFACTS, Page, watch


def test_copy_link_restores_exactly_that_network(browser: Any, app_page: Page) -> None:
    app = app_page
    app.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    app.page.get_by_test_id("input-w2").fill("0.2000000000000001")
    app.page.get_by_test_id("input-learning-rate").fill("0.7")
    app.click("apply-inputs")
    app.page.wait_for_function("() => document.querySelector('[data-testid=input-w2]').value"
                               " === '0.2000000000000001'")
    for k in range(1, 4):
        app.click("step")
        app.wait_iteration(str(k))
    weights = {w: app.value(f"weight-{w}") for w in [f"w{i}" for i in range(1, 9)]}
    app.click("copy-link")
    app.page.wait_for_function("() => document.querySelector('#message').textContent"
                               ".includes('clipboard')")
    link = app.page.evaluate("() => navigator.clipboard.readText()")
    assert "#v=3&" in link and "now.w5=" in link and "eta=0.7" in link

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    seen = watch(page, app.server.origin)
    other = Page(page, seen, app.server)
    try:
        page.goto(link)
        other.wait_ready()
        other.wait_iteration("3")
        for w, value in weights.items():
            assert other.value(f"weight-{w}") == value, w  # the exact float64, not a rounding
        assert page.get_by_test_id("input-w2").input_value() == "0.2000000000000001"
        assert page.get_by_test_id("input-learning-rate").input_value() == "0.7"
        assert page.evaluate("() => location.hash") == ""
        # the next step from the restored network is the step from the original
        app.click("step")
        app.wait_iteration("4")
        other.click("step")
        other.wait_iteration("4")
        assert other.value("weight-w1") == app.value("weight-w1")
        assert other.value("loss") == app.value("loss")
        seen.assert_clean()
    finally:
        context.close()


def download(app: Page, testid: str) -> tuple[str, str]:
    with app.page.expect_download() as info:
        app.click(testid)
    item = info.value
    path = item.path()
    return item.suggested_filename, open(path, encoding="utf-8").read()


def test_json_and_csv_hold_the_trace_and_the_history(app_page: Page) -> None:
    app = app_page
    app.click("step")
    app.wait_iteration("1")
    app.run(20, reaching=21)
    name, text = download(app, "export-json")
    assert name == "backprop-lab-iteration-21.json"
    data = json.loads(text)
    expected = app.server.post("/api/step", {"state": data["update"]["from"]})
    assert data["update"]["trace"] == expected["trace"]
    assert data["update"]["to"] == expected["state"]
    assert [p["iteration"] for p in data["history"]["E_total"]] == list(range(22))
    assert data["history"]["E_total"][21]["E_total"] == app.value("loss")
    assert data["state"]["weights"]["w5"] == app.value("weight-w5")

    name, text = download(app, "export-csv")
    assert name == "backprop-lab-iteration-21.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    by = {(r["section"], r["quantity"]): r["value"] for r in rows if r["iteration"] == "21"}
    assert float(by[("gradient", "w5")]) == expected["trace"]["gradients"]["w5"]
    factors = expected["trace"]["factors"]
    assert float(by[("factor", "dE_dout_h1_via_o2")]) == factors["dE_dout_h1_via_o2"]
    assert float(by[("after", "w1")]) == expected["state"]["weights"]["w1"]
    history = [r for r in rows if r["section"] == "history"]
    assert len(history) == 22 and float(history[0]["value"]) == 0.2983711087600027


def pages_of(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_worksheet_prints_on_a4_and_letter_with_or_without_blanks(app_page: Page) -> None:
    app = app_page
    app.click("print-view")  # before any step: the worksheet of the first update
    sheet = app.page.get_by_test_id("worksheet")
    sheet.wait_for()
    text = sheet.inner_text()
    for figure in ["0.3775", "0.593269992", "0.75136507", "0.298371109", "0.74136507",
                   "0.186815602", "0.082167041", "0.055399425", "0.036350306", "0.241300709",
                   "0.000438568", "0.35891648", "0.149780716", "0.291027774"]:
        assert figure in text, figure
    ARTIFACTS.mkdir(exist_ok=True)
    app.page.emulate_media(media="print")
    app.page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    app.page.screenshot(path=str(ARTIFACTS / "worksheet-print-a4.png"), full_page=True)
    for paper in ["A4", "Letter"]:
        pdf = app.page.pdf(format=paper, print_background=True)
        (ARTIFACTS / f"worksheet-{paper.lower()}.pdf").write_bytes(pdf)
        assert pages_of(pdf) <= 2, paper
    app.page.emulate_media(media="screen")
    app.page.get_by_test_id("worksheet-blanks").check()
    blanks = sheet.locator(".ws-blank").count()
    assert blanks >= 40
    text = sheet.inner_text()
    assert "0.082167041" not in text and "0.35891648" not in text
    assert "0.15" in text and "0.05" in text  # the givens stay
    app.page.emulate_media(media="print")
    app.page.screenshot(path=str(ARTIFACTS / "worksheet-print-blanks.png"), full_page=True)
    pdf = app.page.pdf(format="Letter", print_background=True)
    (ARTIFACTS / "worksheet-letter-blanks.pdf").write_bytes(pdf)
    assert pages_of(pdf) <= 2
    app.page.emulate_media(media="screen")
    app.click("worksheet-close")
    sheet.wait_for(state="hidden")
