// Where the page keeps its state between visits: one localStorage key holding what the
// serializer writes. A snapshot that cannot be read is moved aside (kept, never lost) so that
// the page can start from the example.

const KEY = "backprop-lab/page";
// The practice view's own text (it may be used before any network is).
const PRACTICE_KEY = "backprop-lab/practice";
const SET_ASIDE = "backprop-lab/page/set-aside";
// Written by earlier versions of the page; read once, then removed.
const LEGACY = "backprop-lab/v1";
const LEGACY_OTHERS = ["backprop-lab/language", "backprop-lab/path/v1", "backprop-lab/lesson-tab"];

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled
  }
}

/** The text kept, or null when there is none. */
export function load() {
  const store = storage();
  if (!store) return null;
  try {
    const text = store.getItem(KEY);
    if (text !== null) return text;
    const legacy = store.getItem(LEGACY);
    for (const key of [LEGACY, ...LEGACY_OTHERS]) store.removeItem(key);
    return legacy;
  } catch {
    return null;
  }
}

/** Keep `text` under `key`; return false when the browser refuses (storage full or disabled). */
function write(key, text) {
  try {
    storage().setItem(key, text);
    return true;
  } catch {
    return false;
  }
}

/** Keep `text`; return false when the browser refuses (storage full or disabled). */
export function save(text) {
  return write(KEY, text);
}

/** Move the kept text to another key (the last one set aside is kept) and forget it. */
export function setAside(text) {
  try {
    const store = storage();
    store.setItem(SET_ASIDE, text);
    store.removeItem(KEY);
  } catch {
    // storage disabled or full: nothing more can be kept
  }
}

/** The practice view's text, or null. */
export function loadPractice() {
  try {
    return storage()?.getItem(PRACTICE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Keep the practice view's `text`; false when the browser refuses. */
export function savePractice(text) {
  return write(PRACTICE_KEY, text);
}

export const KEYS = { current: KEY, setAside: SET_ASIDE, practice: PRACTICE_KEY };
