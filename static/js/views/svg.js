// Small helpers for building SVG and for the brief highlight of a value that changed.

const NS = "http://www.w3.org/2000/svg";

/** Return a new SVG element with `attributes`, appended to `parent` when given. */
export function svg(name, attributes = {}, parent = null) {
  const element = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (parent) parent.appendChild(element);
  return element;
}

const SVG_FLASH = [
  { stroke: "rgba(255, 196, 0, 1)" },
  { stroke: "rgba(255, 196, 0, 1)", offset: 0.25 },
  { stroke: "rgba(255, 196, 0, 0)" },
];
const HTML_FLASH = [
  { backgroundColor: "rgba(255, 210, 60, 0.95)" },
  { backgroundColor: "rgba(255, 210, 60, 0.95)", offset: 0.25 },
  { backgroundColor: "rgba(255, 210, 60, 0)" },
];
export const FLASH_MS = 1400;

/**
 * Show `text` in `element` (and `value` in its data-value); when the text changes and `flash`
 * is true, highlight it briefly. Return whether the text changed.
 */
export function setValue(element, text, value, flash) {
  if (value !== undefined) element.setAttribute("data-value", value === null ? "" : String(value));
  if (element.textContent === text) return false;
  const first = !element.hasAttribute("data-shown");
  element.textContent = text;
  element.setAttribute("data-shown", "");
  if (flash && !first && typeof element.animate === "function") {
    const frames = element instanceof SVGElement ? SVG_FLASH : HTML_FLASH;
    element.animate(frames, { duration: FLASH_MS, easing: "ease-out" });
  }
  return true;
}
