"""Accessibility: axe-core (installed from npm by `make test`) finds no serious or critical
violation on the page, in each language, at rest, mid-lesson and in presentation mode."""

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ROOT, Page, watch

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def violations(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))"
                           ".violations.map(v => ({id: v.id, impact: v.impact,"
                           " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))")
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN", "zh-TW"])
def test_no_serious_or_critical_violation(browser: Any, server: Any, locale: str) -> None:
    assert Path(AXE).is_file(), "axe-core is missing: `make axe` installs it from npm"
    # the page allows no inline script: only this test's context may inject axe-core
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale=locale,
                                  bypass_csp=True)
    page = context.new_page()
    app = Page(page, watch(page, server.origin), server)
    try:
        app.open()
        assert violations(page) == []
        page.get_by_test_id("predict-toggle").check()
        for _ in range(8):
            app.click("substep-next")
            app.wait_idle()
        page.get_by_test_id("predict-up").wait_for()
        assert violations(page) == []
        app.click("predict-up")
        page.get_by_test_id("predict-answer").wait_for()
        page.locator("body").press("Shift+ArrowRight")
        app.wait_iteration("1")
        page.locator("body").press("f")
        page.wait_for_function("() => document.body.classList.contains('presenting')")
        assert violations(page) == []
        page.locator("body").press("?")
        page.get_by_test_id("keys-help").wait_for()
        assert violations(page) == []
        page.keyboard.press("Escape")
        page.get_by_test_id("keys-help").wait_for(state="hidden")
        page.locator("body").press("f")
        page.wait_for_function("() => !document.body.classList.contains('presenting')")
        app.click("print-view")
        page.get_by_test_id("worksheet").wait_for()
        assert violations(page) == []
        app.watch.assert_clean()
    finally:
        context.close()
