// The presenter's keys: → / Space / PageDown the next sub-step, ← / PageUp back (a clicker sends
// PageDown and PageUp), Shift+→ a whole step, R reset, Ctrl+Z undo, P play/pause, F presentation
// mode, B a blank screen, L the loss curve in place of the explanation, ? the list of keys, Esc
// closes what is open. They work wherever focus is, except in a text field, which keeps its own
// keys; a list or the timeline keeps only its up/down keys, so that the arrow after choosing a
// language moves the lesson on, never the language.

const TEXT_FIELD = "textarea, [contenteditable], input:not([type=checkbox], [type=radio], [type=range], [type=button], [type=submit])";
const OWN_UP_DOWN = "select, input[type=range]";

/** Whether the key of `event` belongs to the element that has focus. */
function ownKey(event) {
  const target = event.target;
  if (target.closest?.(TEXT_FIELD)) return true;
  if (target.closest?.(OWN_UP_DOWN)) return !["ArrowRight", "ArrowLeft", "PageDown", "PageUp"].includes(event.key);
  return false;
}

export function bindKeys(handlers, help) {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey) return;
    if (handlers.blanked()) {
      // any key brings the screen back, and does nothing else
      event.preventDefault();
      handlers.blank(false);
      return;
    }
    if (ownKey(event)) return;
    if (event.ctrlKey || event.metaKey) {
      if (event.key.toLowerCase() === "z" && !event.shiftKey) {
        event.preventDefault();
        handlers.undo();
      }
      return;
    }
    // a modal dialog keeps the keys for itself (Esc closes it); ? still closes the keys' list
    const modal = document.querySelector("dialog[open]");
    if (modal && !(modal === help && event.key === "?")) return;
    if (event.key === "Escape") {
      handlers.escape?.();
      return;
    }
    const action = {
      ArrowRight: event.shiftKey ? handlers.fullStep : handlers.next,
      " ": event.shiftKey ? handlers.back : handlers.next,
      PageDown: handlers.next,
      ArrowLeft: handlers.back,
      PageUp: handlers.back,
      r: handlers.reset,
      R: handlers.reset,
      p: handlers.play,
      P: handlers.play,
      f: handlers.presentation,
      F: handlers.presentation,
      b: () => handlers.blank(true),
      B: () => handlers.blank(true),
      l: handlers.curve,
      L: handlers.curve,
      "?": () => (help.open ? help.close() : help.showModal()),
    }[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  help.querySelector("[data-close]")?.addEventListener("click", () => help.close());
}
