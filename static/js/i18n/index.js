// Interface text in English, 简体中文 and 繁體中文. Each area of the page keeps its own
// dictionary in i18n/<area>.js ({en: {...}, "zh-Hans": {...}, "zh-Hant": {...}}); a key missing
// in a language falls back to English, and a key missing everywhere shows as itself.
//
// The first language comes from the browser (zh-TW, zh-HK, zh-MO and zh-Hant → 繁體中文; any
// other zh → 简体中文); a choice made in the page is kept in the page state and wins from then on.

import classroom from "./classroom.js";
import core from "./core.js";
import data from "./data.js";
import lessons from "./lessons.js";

const AREAS = [core, lessons, classroom, data];

export const LANGUAGES = [
  { code: "en", name: "English" },
  { code: "zh-Hans", name: "简体中文" },
  { code: "zh-Hant", name: "繁體中文" },
];
export const CODES = LANGUAGES.map((entry) => entry.code);

const dictionaries = Object.fromEntries(
  CODES.map((code) => [code, Object.assign({}, ...AREAS.map((area) => area[code] ?? {}))]),
);

/** Return one of the page's language codes for a BCP 47 tag, or null if none fits. */
export function match(tag) {
  const lower = String(tag ?? "").toLowerCase();
  if (lower === "en" || lower.startsWith("en-")) return "en";
  if (lower === "zh" || lower.startsWith("zh-")) {
    if (/^zh-(hant|tw|hk|mo)\b/.test(lower) || lower.includes("-hant")) return "zh-Hant";
    return "zh-Hans";
  }
  return null;
}

/** The first of the browser's languages the page speaks, English when none. */
export function browserLanguage() {
  const tags = globalThis.navigator ? (navigator.languages?.length ? navigator.languages : [navigator.language]) : [];
  for (const tag of tags) {
    const code = match(tag);
    if (code) return code;
  }
  return "en";
}

let current = "en"; // the page state chooses; see the language setting
const listeners = [];

/** The language in use: "en", "zh-Hans" or "zh-Hant". */
export function language() {
  return current;
}

/** Return the text of `key` in the current language, `{name}` replaced by params.name. */
export function t(key, params = {}) {
  const text = dictionaries[current][key] ?? dictionaries.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A server's 422 problem ({type, message, context}) in the current language: its own words
 * where the dictionaries know its type, the server's English otherwise. */
export function problemText(problem) {
  const key = `server.${problem.type}`;
  if (!(key in dictionaries.en)) return problem.message;
  return t(key, Object.fromEntries(Object.entries(problem.context ?? {}).map(([k, v]) => [k, v.toLocaleString("en-US")])));
}

/** Switch to `code`, translate the page and tell every listener. */
export function setLanguage(code) {
  if (!CODES.includes(code)) throw new Error(`unknown language ${code}`);
  if (code === current) return;
  current = code;
  translatePage();
  for (const listener of listeners) listener(code);
}

/** Call `fn(code)` after every change of language. */
export function onLanguageChange(fn) {
  listeners.push(fn);
}

const ATTRIBUTES = [
  ["data-i18n-title", "title"],
  ["data-i18n-aria-label", "aria-label"],
  ["data-i18n-placeholder", "placeholder"],
];

/** Fill every element under `root` that names a key: data-i18n (its text), data-i18n-title,
 * data-i18n-aria-label, data-i18n-placeholder (those attributes), with the JSON object in
 * data-i18n-params as the parameters; set <html lang>. */
export function translatePage(root = document) {
  if (root === document) document.documentElement.lang = current;
  const scope = root.querySelectorAll ? root : document;
  const all = (selector) => {
    const found = [...scope.querySelectorAll(selector)];
    if (root.matches?.(selector)) found.unshift(root);
    return found;
  };
  const params = (element) => (element.dataset.i18nParams ? JSON.parse(element.dataset.i18nParams) : {});
  for (const element of all("[data-i18n]")) element.textContent = t(element.dataset.i18n, params(element));
  for (const [data, attribute] of ATTRIBUTES) {
    for (const element of all(`[${data}]`)) element.setAttribute(attribute, t(element.getAttribute(data), params(element)));
  }
}
