"""The page works under its Content-Security-Policy: no violation is reported while it loads,
steps, runs and draws the curve."""

from typing import Any

from tests.browser.conftest import Server, watch

COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_the_page_keeps_to_its_policy(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    seen = watch(page, server.origin)
    try:
        response = page.goto(server.origin + "/")
        policy = response.headers["content-security-policy"]
        assert "script-src 'self' 'sha256-" in policy and "unsafe-inline" not in policy.split(
            "script-src"
        )[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy
        page.wait_for_function("() => document.querySelector('[data-testid=loss]').dataset.value")
        page.get_by_test_id("step").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=iteration]').textContent === '1'"
        )
        page.get_by_test_id("run").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=iteration]').textContent === '10,001'"
        )
        page.locator("#log-scale").check()
        page.wait_for_function(
            "() => !('busy' in document.body.dataset) && !('drawing' in document.body.dataset)")
        assert page.evaluate("() => window.__violations") == []
    finally:
        context.close()
    seen.assert_clean()
