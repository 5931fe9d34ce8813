"""What the room can read: every text on screen with the font size it is drawn at.

The walk visits every text node (HTML, SVG and MathML token elements alike) whose box lies in
the window and is not clipped away by a box that hides its overflow. An SVG text's size is its
font size times the drawing's scale; a MathML token's is its computed size, which already
holds the shrinking of fractions, sub- and superscripts (math-depth). A sub- or superscript
(MathML script, HTML <sub>/<sup>, the diagram's subscript) is reported as such: it may be
smaller than the rest, by a bounded ratio."""

from typing import Any

TEXTS_JS = """(root) => {
  const view = {left: 0, top: 0, right: document.documentElement.clientWidth,
                bottom: document.documentElement.clientHeight};
  const SCRIPTS = new Set(['msub', 'msup', 'msubsup', 'munder', 'mover', 'munderover']);
  const hiddenBy = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return true;
      if (e.classList?.contains('visually-hidden')) return true;
    }
    return false;
  };
  // the part of `r` left after every box above `el` that clips its overflow
  const visiblePart = (el, r) => {
    let box = {left: Math.max(r.left, view.left), top: Math.max(r.top, view.top),
               right: Math.min(r.right, view.right), bottom: Math.min(r.bottom, view.bottom)};
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.overflowX === 'visible' && s.overflowY === 'visible' && s.clipPath === 'none'
          && s.clip === 'auto') continue;
      const c = e.getBoundingClientRect();
      box = {left: Math.max(box.left, c.left), top: Math.max(box.top, c.top),
             right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom)};
    }
    return box;
  };
  const isScript = (el) => {
    for (let e = el; e && e.tagName; e = e.parentElement) {
      const tag = e.tagName.toLowerCase();
      if (tag === 'sub' || tag === 'sup' || e.classList?.contains('subscript')) return true;
      // an SVG script: a smaller tspan moved off its line (plotly's <sub>)
      if (tag === 'tspan' && e.hasAttribute('dy') && parseFloat(getComputedStyle(e).fontSize)
          < parseFloat(getComputedStyle(e.parentElement).fontSize)) return true;
      const parent = e.parentElement;
      if (parent && SCRIPTS.has(parent.tagName.toLowerCase())
          && parent.firstElementChild !== e) return true;
      if (tag === 'math') return false;
    }
    return false;
  };
  const found = [];
  const walker = document.createTreeWalker(root ? document.querySelector(root) : document.body,
                                          NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text) continue;
    const el = node.parentElement;
    if (!el || el.closest('script, style, title, desc, option, dialog:not([open])')) continue;
    if (hiddenBy(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0.5 && r.height > 0.5);
    if (!rects.length) continue;
    const shown = rects.some(r => { const v = visiblePart(el, r);
      return v.right - v.left > 1 && v.bottom - v.top > 1; });
    if (!shown) continue;
    let px = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) { const m = el.getScreenCTM(); px *= Math.hypot(m.a, m.b); }
    const where = el.closest('[data-testid], [id]');
    found.push({text: text.slice(0, 40), px: Math.round(px * 100) / 100, script: isScript(el),
                tag: el.tagName.toLowerCase(),
                where: where ? (where.dataset.testid || where.id) : ''});
  }
  return found;
}"""


def texts(page: Any, root: str | None = None) -> list[dict[str, Any]]:
    """Every text on screen (inside `root`, a selector, if given): {text, px, script, tag,
    where}."""
    return page.evaluate(TEXTS_JS, root)


def too_small(page: Any, floor: float, script_ratio: float = 0.7,
              root: str | None = None) -> list[dict[str, Any]]:
    """The texts on screen under `floor` px (sub- and superscripts under `script_ratio` of it)."""
    return [t for t in texts(page, root)
            if t["px"] < (floor * script_ratio if t["script"] else floor) - 0.01]
