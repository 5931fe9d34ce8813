"""The first load leaves plotly.js alone: the page runs it only when a curve (or the landscape)
is to be drawn near the window, after the Step's numbers are on screen; the curve is then
plotly's own, as before; a phone following a class far from the curve never runs it."""

from typing import Any

from tests.browser.classroom import join_by_link, start_class, step_and_follow
from tests.browser.conftest import Page, Server, browsing

PLOTLY_SCRIPT = "script[src*='/vendor/plotly-']"

# Installed before the page's own scripts: notes when a frame showing iteration 1 has been
# painted (a task queued by a requestAnimationFrame callback runs after that frame's paint) and
# what the page showed when plotly.js was put in the page to run.
WATCH = """(() => {
  const seen = { painted: false, atPlotly: null };
  window.__seen = seen;
  let asked = false;
  new MutationObserver(() => {
    const iteration = document.getElementById('iteration');
    if (!asked && iteration && iteration.textContent === '1') {
      asked = true;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => { seen.painted = true; };
        channel.port2.postMessage(null);
      });
    }
    if (!seen.atPlotly && document.querySelector("PLOTLY_SCRIPT")) {
      seen.atPlotly = { iteration: iteration.textContent, painted: seen.painted,
                        Plotly: typeof window.Plotly };
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
})()""".replace("PLOTLY_SCRIPT", PLOTLY_SCRIPT)


def plotly_ran(app: Page) -> bool:
    return app.page.evaluate("() => typeof window.Plotly !== 'undefined'")


def test_plotly_runs_only_for_a_curve_after_the_steps_numbers_are_painted(
        browser: Any, server: Server) -> None:
    # 1920×1080: the curve's box is on screen beside the diagram from the start
    with browsing(browser, server, 1920, 1080) as app:
        app.page.add_init_script(WATCH)
        app.open()
        assert not plotly_ran(app)
        assert app.page.locator(PLOTLY_SCRIPT).count() == 0
        note = app.page.get_by_test_id("chart-note")
        assert note.is_visible()
        assert note.text_content() == "The curve is drawn from the first Step."
        assert app.page.evaluate("() => window.__seen.atPlotly") is None

        app.click("step")
        app.wait_iteration("1")
        points = app.chart_points()
        first = app.server.post("/api/reset")["trace"]["forward"]["E_total"]
        assert points == {"x": [0, 1], "y": [first, app.value("loss")]}
        # put in the page once the frame showing the Step's numbers was painted
        assert app.page.evaluate("() => window.__seen.atPlotly") == {
            "iteration": "1", "painted": True, "Plotly": "undefined"}
        # plotly's curve, from this server, in place of the note
        assert plotly_ran(app)
        assert app.page.locator("[data-testid=loss-chart] .main-svg").first.is_visible()
        assert note.count() == 0
        # back to one point: plotly draws it now that it has run
        app.click("reset")
        app.wait_iteration("0")
        assert app.chart_points() == {"x": [0], "y": [first]}
        assert note.count() == 0
        app.watch.assert_clean()


def test_the_note_speaks_the_pages_language(browser: Any, server: Server) -> None:
    with browsing(browser, server, 1920, 1080) as app:
        app.open()
        app.page.get_by_test_id("language-select").select_option("zh-Hans")
        app.page.wait_for_function("() => document.documentElement.lang === 'zh-Hans'")
        app.wait_idle()
        assert app.text("chart-note") == "第一次单步之后绘制曲线。"
        assert not plotly_ran(app)
        app.watch.assert_clean()


def test_the_landscape_runs_plotly_itself(browser: Any, server: Server) -> None:
    with browsing(browser, server, 1920, 1080) as app:
        app.open()
        app.page.get_by_test_id("lesson-tab-landscape").click()
        plot = "document.querySelector('[data-testid=landscape-plot]')"
        app.page.wait_for_function(f"() => {plot}.data && {plot}.dataset.points === '1'")
        assert app.page.locator("[data-testid=landscape-plot] .main-svg").count() > 0
        # the loss curve still has one point: its note stays
        assert app.text("chart-note") == "The curve is drawn from the first Step."
        app.watch.assert_clean()


def test_a_phone_following_a_class_runs_plotly_only_when_the_curve_comes_near(
        browser: Any, server: Server) -> None:
    with browsing(browser, server) as teacher, browsing(browser, server, 390, 844) as phone:
        teacher.open()
        _, url = start_class(teacher)
        join_by_link(phone, url)
        step_and_follow(teacher, (phone,), 1)
        step_and_follow(teacher, (phone,), 2)
        phone.wait_idle()
        chart = phone.page.get_by_test_id("loss-chart")
        top = chart.evaluate("c => c.getBoundingClientRect().top / innerHeight")
        assert top > 2, "the phone's curve is more than a screen below the network"
        assert not plotly_ran(phone)
        assert chart.get_attribute("aria-busy") == "true"  # a curve is owed, not drawn
        assert phone.chart_points()["x"] == [0, 1, 2]  # scrolled to: drawn
        assert plotly_ran(phone)
        assert chart.get_attribute("aria-busy") is None
        step_and_follow(teacher, (phone,), 3)
        phone.page.wait_for_function(
            "() => document.querySelector('[data-testid=loss-chart]').dataset.points === '4'")
        teacher.watch.assert_clean()
        phone.watch.assert_clean()


def test_without_plotly_the_numbers_go_on_and_the_curve_says_why(
        browser: Any, server: Server) -> None:
    with browsing(browser, server, 1920, 1080) as app:
        app.page.route("**/vendor/plotly-*", lambda route: route.abort())
        app.open()
        app.click("step")
        app.wait_iteration("1")
        app.page.wait_for_function(
            "() => document.querySelector('[data-testid=chart-note]')?.dataset.note"
            " === 'chart.failed'")
        assert app.text("chart-note").startswith("The loss curve cannot be drawn:")
        app.click("step")
        app.wait_iteration("2")
        assert app.page.locator("#message").is_hidden()
        # the failed script only: nothing else went wrong
        assert app.watch.foreign_requests() == []
        assert app.watch.page_errors == []
        assert all("plotly" in e or "Failed to load resource" in e
                   for e in app.watch.console_errors)
