"""A teacher's message cannot inject into a student's page: markup in any string-capable field
of the state a teacher's socket sends is refused by the server, and, delivered straight to a
student's page past the server, is refused by the page's reader; no element appears, the page
goes nowhere, and the class goes on."""

import json
import re
from typing import Any

from websockets.sync.client import connect

from tests.browser.conftest import Server, browsing
from tests.classes.test_protocol import leaves, replaced
from tests.helpers import class_page

HOSTILE = [
    '<img src=x onerror="document.title=1">', "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
    '"><a href="http://127.0.0.1:9/">Log in again</a><mn x="',
    "</math><script>document.title=2</script>", "\ud800",
]  # fmt: skip
# all of them in one string, as an attribute's value or an element's text would take it
POLYGLOT = "".join(HOSTILE[:5])
# each message the page's class socket receives, counted once the page has handled it
COUNT_MESSAGES = """window.handled = 0;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => setTimeout(() => { window.handled += 1; }));
    }
  };"""
DRAWN = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
# every element added from here on whose kind the page never makes itself, and every attribute
# that would run code or leave the page
WATCH = """() => { window.injected = [];
  const foreign = new Set(['img', 'style', 'meta', 'script', 'a', 'iframe', 'link', 'object',
    'embed', 'form', 'base', 'svg', 'video', 'audio']);
  const seen = (e) => {
    if (foreign.has(e.localName) && !e.closest('.diagram, svg')) {
      window.injected.push(e.outerHTML.slice(0, 80));
    }
    for (const a of e.attributes) {
      if (/^on|^href$|^x$/.test(a.name)) window.injected.push(`${e.localName} ${a.name}`);
    }
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (node.nodeType === 1) [node, ...node.querySelectorAll('*')].forEach(seen);
      }
    }
  }).observe(document, { childList: true, subtree: true }); }"""
# what the page holds, less the prefetch link the plotly loader adds of itself when idle
ELEMENTS = """() => { const counts = {};
  for (const e of document.querySelectorAll('*:not(link[rel=prefetch])')) {
    counts[e.localName] = (counts[e.localName] || 0) + 1;
  }
  return counts; }"""


def test_hostile_strings_in_every_field_of_a_teachers_state_never_become_elements(
    browser: Any, server: Server
) -> None:
    created = server.post("/api/classes")
    code, token = created["code"], created["teacher_token"]
    teacher = connect(f"{server.origin.replace('http', 'ws')}/ws/classes/{code}",
                      origin=server.origin, open_timeout=10)  # fmt: skip
    teacher.send(json.dumps({"type": "hello", "role": "teacher", "token": token}))
    assert json.loads(teacher.recv(timeout=10))["type"] == "welcome"
    shown, other = class_page(1, 3), class_page(1, 4)
    teacher.send(json.dumps({"type": "state", "state": shown}))
    with browsing(browser, server) as student:
        routes: list[Any] = []

        def proxy(route: Any) -> None:  # the page's socket, through to the server
            route.connect_to_server()
            routes.append(route)

        student.page.route_web_socket(re.compile(r"/ws/classes/"), proxy)
        student.page.add_init_script(COUNT_MESSAGES)
        dialogs: list[str] = []
        student.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        student.page.goto(created["join_url"])
        student.wait_ready()
        index = "document.querySelector('#substeps').dataset.index"
        student.page.wait_for_function(f"() => {index} === '3'")
        before, url, title = (student.page.evaluate(ELEMENTS), student.page.url,
                              student.page.title())  # fmt: skip
        student.page.evaluate(WATCH)

        # through the server (the field): refused there, naming the field
        net_h1 = ("walk", "result", "trace", "forward", "net_h1")
        for text in HOSTILE:
            teacher.send(json.dumps({"type": "state", "state": replaced(shown, net_h1, text)}))
            while (refused := json.loads(teacher.recv(timeout=10)))["type"] == "count":
                pass
            named = ".".join(net_h1) if text != "\ud800" else "valid Unicode"
            assert refused["type"] == "error" and named in refused["message"]
        # every field, straight to the page as if the server had let it through: each message
        # handled and the page drawn before the next
        seq = 100
        handled = student.page.evaluate("window.handled")
        for path in [path for path, value in leaves(shown) if value is not None]:
            for text in (POLYGLOT, "\ud800"):
                seq += 1
                hostile = json.dumps(replaced(shown, path, text))
                routes[-1].send(f'{{"type":"state","seq":{seq},"state":{hostile}}}')
                handled += 1
                student.page.wait_for_function(f"() => window.handled >= {handled}")
                student.page.evaluate(DRAWN)
        # the class goes on: two good states after all that, each shown in turn
        for page, expected in ((other, "4"), (shown, "3")):
            seq += 1
            routes[-1].send(json.dumps({"type": "state", "seq": seq, "state": page}))
            student.page.wait_for_function(f"() => {index} === '{expected}'")
        assert student.page.evaluate("window.injected") == []
        assert student.page.evaluate(ELEMENTS) == before
        assert (student.page.url, student.page.title(), dialogs) == (url, title, [])
        assert student.watch.page_errors == []
    teacher.close()
