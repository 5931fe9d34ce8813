// Presentation mode: the projector layout (large type, thick lines, strong contrast, no editing
// panel) and, where the browser allows it, the whole screen.

export function createPresentation(button, { onChange }) {
  let on = false;
  let fullscreenByUs = false;

  /** Present or not; full screen is asked for only on a click or a key (`fullscreen`): a
   * browser refuses it otherwise, as when a reload brings the layout back. */
  function set(value, { fullscreen = true } = {}) {
    on = value;
    document.body.classList.toggle("presenting", on);
    button.setAttribute("aria-pressed", String(on));
    if (on && fullscreen && document.fullscreenEnabled && !document.fullscreenElement) {
      document.documentElement.requestFullscreen?.().then(() => { fullscreenByUs = true; }, () => {});
    }
    if (!on && fullscreenByUs && document.fullscreenElement) {
      document.exitFullscreen?.().catch(() => {});
    }
    if (!on) fullscreenByUs = false;
    onChange(on);
  }

  // leaving full screen with Esc leaves the presentation too
  document.addEventListener("fullscreenchange", () => {
    if (!document.fullscreenElement && fullscreenByUs && on) {
      fullscreenByUs = false;
      set(false);
    }
  });
  button.addEventListener("click", () => set(!on));

  return {
    toggle: () => set(!on),
    set,
    active: () => on,
  };
}
