// Presentation mode: the projector layout (large type, thick lines, strong contrast, no editing
// panel) and, where the browser allows it, the whole screen.

export function createPresentation(button, { onChange, strip = null }) {
  let on = false;
  if (strip) reserve(strip);
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

/** The stage fills the window below the bar and the class strip (--classbar); the strip grows
 * when a poll opens in it, and the stage gives up exactly that height, so that the poll lies
 * beside nothing it could cover: not the diagram, not the sub-step being walked. */
function reserve(strip) {
  // observed, never read at once: a read at load would lay the whole page out before its
  // numbers are in it (the observer reports the strip's first size after the first layout)
  const measure = () => document.body.style.setProperty("--classbar", `${strip.offsetHeight}px`);
  new ResizeObserver(measure).observe(strip);
}
