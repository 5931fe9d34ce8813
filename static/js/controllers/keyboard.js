// The lesson's keys: → next sub-step, Shift+→ a whole step, ← back, R reset, P play/pause,
// F presentation mode, ? the list of keys. Typing in a field, a list or the timeline keeps its
// own keys.

const OWN_KEYS = "input, select, textarea, [contenteditable]";

export function bindKeys(handlers, help) {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest?.(OWN_KEYS) && event.target.type !== "checkbox") return;
    if (help.open && event.key !== "?") return;
    const action = {
      ArrowRight: event.shiftKey ? handlers.fullStep : handlers.next,
      ArrowLeft: handlers.back,
      r: handlers.reset,
      R: handlers.reset,
      p: handlers.play,
      P: handlers.play,
      f: handlers.presentation,
      F: handlers.presentation,
      "?": () => (help.open ? help.close() : help.showModal()),
    }[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  help.querySelector("[data-close]")?.addEventListener("click", () => help.close());
}
