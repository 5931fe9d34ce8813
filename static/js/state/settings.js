// The page's settings: how numbers are shown, the language, the open chain-rule cards, the
// curve's scale, predict-before-reveal, Play's speed, Run's iterations, the lesson tab and
// presentation mode (its layout comes back after a reload; full screen needs a click).
// Every value passes through validSettings, so a setting read back from a link or storage is
// one the page can use.

import { CODES } from "../i18n/index.js";
import { DEFAULT_DIGITS, validDigits } from "../views/format.js";
import { definition, parameterNames } from "./definition.js";

export const MAX_OPEN_CARDS = 4;
export const SPEEDS = [1, 5, 20, 200, 2000, 20000]; // iterations per second
export const LESSON_TABS = ["graph", "matrix", "check", "options", "figures", "landscape"];

export const DEFAULT_SETTINGS = Object.freeze({
  digits: DEFAULT_DIGITS,
  language: null, // null: the browser's
  open: Object.freeze(["w5", "w1"]),
  log: false,
  asking: false,
  speed: 20,
  epochs: 10_000,
  tab: "graph",
  presenting: false,
  row: 0, // the row of the data that the stage shows in batch training
});

const RULES = {
  digits: (v) => (Number.isInteger(v) ? validDigits(v) : undefined),
  language: (v) => (v === null || CODES.includes(v) ? v : undefined),
  open: (v) => (Array.isArray(v)
    ? [...new Set(v.filter((p) => parameterNames().includes(p)))].slice(0, MAX_OPEN_CARDS)
    : undefined),
  log: (v) => (typeof v === "boolean" ? v : undefined),
  asking: (v) => (typeof v === "boolean" ? v : undefined),
  speed: (v) => (SPEEDS.includes(v) ? v : undefined),
  epochs: (v) => (Number.isInteger(v) && v >= 1 && v <= definition().bounds.epochs_max ? v : undefined),
  tab: (v) => (LESSON_TABS.includes(v) ? v : undefined),
  presenting: (v) => (typeof v === "boolean" ? v : undefined),
  row: (v) => (Number.isInteger(v) && v >= 0 && v < definition().bounds.rows_max ? v : undefined),
};

/** Return `current` with every valid entry of `changes` applied; unknown or invalid ones are ignored. */
export function validSettings(changes, current = DEFAULT_SETTINGS) {
  const next = { ...current };
  for (const [key, value] of Object.entries(changes ?? {})) {
    if (!(key in RULES)) continue;
    const checked = RULES[key](value);
    if (checked !== undefined) next[key] = checked;
  }
  return next;
}
