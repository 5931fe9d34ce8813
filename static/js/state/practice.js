// The practice slice of the page state: which exercise (level, seed), what was typed, what the
// server said, how often each ask was checked, which answers the worked solution showed before
// they were found, how much of that solution is shown, the exercises solved per level, and the
// named mistakes made lately (for the summary of one's recurring mistakes).
// Pure functions only; reducers.js hands every practice action to `practiceReducer`.

export const LEVELS = [1, 2, 3, 4];
export const SEED_LIMIT = 2 ** 31;
// What a level's progress keeps: the seeds solved, the latest last, at most this many.
export const SOLVED_KEPT = 200;
// The named mistakes kept for the summary, the latest last.
export const MISTAKES_KEPT = 100;
export const PRACTICE_ACTIONS = [
  "practiceOpened", "practiceLoaded", "answerTyped", "answersChecked", "solutionRevealed", "solutionHidden",
  "practiceRestored",
];

export function isLevel(value) {
  return LEVELS.includes(value);
}

export function isSeed(value) {
  return Number.isInteger(value) && value >= 0 && value < SEED_LIMIT;
}

export function emptyProgress() {
  return Object.fromEntries(LEVELS.map((level) => [level, []]));
}

/** The record of one exercise: what was typed and judged, checks per ask, answers seen first. */
export function emptyRecord() {
  return {
    answers: {}, // id -> the text typed
    verdicts: {}, // id -> {correct, misconception, misconceptions, substeps, message, answer}
    attempts: {}, // id -> how many times an answer to it was checked
    seen: {}, // id -> true: the worked solution showed it before it was answered right
    solutionShown: 0,
  };
}

/** The slice before any exercise is loaded. */
export function initialPractice({ level = 1, seed = 0, progress = emptyProgress(), mistakes = [], record = emptyRecord() } = {}) {
  return {
    level,
    seed,
    asks: [], // [{id, label, decimals}] as the server lists them
    ...emptyRecord(),
    ...record,
    progress,
    mistakes, // [{code, substep, id, level, seed}], the latest last
  };
}

/** Whether every quantity of the exercise has a correct verdict. */
export function solved(practice) {
  return practice.asks.length > 0 && practice.asks.every(({ id }) => practice.verdicts[id]?.correct === true);
}

/** Whether the exercise was solved without the worked solution showing an answer first. */
export function solvedAlone(practice) {
  return solved(practice) && practice.asks.every(({ id }) => !practice.seen[id]);
}

function withProgress(practice) {
  if (!solvedAlone(practice)) return practice;
  const done = practice.progress[practice.level] ?? [];
  if (done.includes(practice.seed)) return practice;
  const kept = [...done, practice.seed].slice(-SOLVED_KEPT);
  return { ...practice, progress: { ...practice.progress, [practice.level]: kept } };
}

/** The named mistakes of the answers just checked, added to those kept. */
function withMistakes(practice, results, attempted) {
  const made = results
    .filter((result) => attempted.includes(result.id) && !result.correct)
    .flatMap((result) => (result.misconceptions ?? []).map((code, k) => ({
      code, substep: result.substeps?.[k] ?? "", id: result.id, level: practice.level, seed: practice.seed,
    })));
  if (!made.length) return practice;
  return { ...practice, mistakes: [...practice.mistakes, ...made].slice(-MISTAKES_KEPT) };
}

/** The asks the first `shown` lines of the solution give away before they were answered right. */
function withSeen(practice, keys, shown) {
  const asked = new Set(practice.asks.map(({ id }) => id));
  const seen = { ...practice.seen };
  for (const key of keys.slice(0, shown)) {
    if (asked.has(key) && !practice.verdicts[key]?.correct) seen[key] = true;
  }
  return { ...practice, seen };
}

/** Return the slice after `action`; unknown actions leave it as it is. */
export function practiceReducer(practice = initialPractice(), action = {}) {
  switch (action.type) {
    case "practiceOpened": {
      if (!isLevel(action.level) || !isSeed(action.seed)) return practice;
      // the same exercise again (a reload, the ladder's own rung) keeps its record
      if (action.level === practice.level && action.seed === practice.seed) return practice;
      const { progress, mistakes } = practice;
      return initialPractice({ level: action.level, seed: action.seed, progress, mistakes });
    }
    case "practiceLoaded":
      if (action.level !== practice.level || action.seed !== practice.seed) return practice;
      return { ...practice, asks: action.asks.map(({ id, label, decimals }) => ({ id, label, decimals })) };
    case "answerTyped": {
      const verdicts = { ...practice.verdicts };
      if (verdicts[action.id]?.answer !== action.text) delete verdicts[action.id];
      return { ...practice, answers: { ...practice.answers, [action.id]: action.text }, verdicts };
    }
    case "answersChecked": {
      if (action.level !== practice.level || action.seed !== practice.seed) return practice;
      const attempted = action.attempted ?? [];
      const verdicts = { ...practice.verdicts };
      for (const result of action.results) {
        verdicts[result.id] = {
          correct: result.correct,
          misconception: result.misconception,
          misconceptions: result.misconceptions ?? (result.misconception ? [result.misconception] : []),
          substeps: result.substeps ?? [],
          message: result.message,
          answer: action.texts[result.id],
        };
      }
      const attempts = { ...practice.attempts };
      for (const id of attempted) attempts[id] = (attempts[id] ?? 0) + 1;
      return withProgress(withMistakes({ ...practice, verdicts, attempts }, action.results, attempted));
    }
    case "solutionRevealed": {
      const shown = Math.max(0, Math.min(action.total, action.all ? action.total : practice.solutionShown + 1));
      return withSeen({ ...practice, solutionShown: shown }, action.keys ?? [], shown);
    }
    case "solutionHidden":
      return { ...practice, solutionShown: 0 };
    case "practiceRestored": // what the serializer read back
      return initialPractice(action.value);
    default:
      return practice;
  }
}

/** The named mistakes made most often, [{code, count, substep, level, seed}] (the latest place
 * each was made, whose sub-step explains it), most frequent first; rounding slips last. */
export function recurringMistakes(practice) {
  const byCode = new Map();
  for (const made of practice.mistakes) {
    const entry = byCode.get(made.code) ?? { code: made.code, count: 0 };
    byCode.set(made.code, { ...entry, count: entry.count + 1, substep: made.substep, level: made.level, seed: made.seed, id: made.id });
  }
  const rank = (entry) => (entry.code === "rounding" ? -1 : entry.count);
  return [...byCode.values()].sort((a, b) => rank(b) - rank(a));
}

/** Return a typed answer as a number, or null if it is not one. Accepts a true minus sign,
 * a decimal comma, exponents (1.2e-3) and spaces around. */
export function parseAnswer(text) {
  const plain = String(text ?? "")
    .trim()
    .replace(/^[−–]/, "-")
    .replace(/[eE][−–]/, "e-")
    .replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(plain)) return null;
  const value = Number(plain);
  return Number.isFinite(value) ? value : null;
}

/** Return {level, seed, wrong} from a query string such as "?seed=123&level=3": a part missing
 * or invalid is null, and `wrong` lists the parts given but invalid (["seed", "level"]). */
export function fromQuery(search) {
  const params = new URLSearchParams(search);
  const wrong = [];
  const number = (name, valid) => {
    const text = params.get(name);
    if (text === null) return null;
    const value = /^\d{1,12}$/.test(text) ? Number(text) : null;
    if (value === null || !valid(value)) {
      wrong.push(name);
      return null;
    }
    return value;
  };
  const seed = number("seed", isSeed);
  const level = number("level", isLevel);
  return { level, seed, wrong };
}

/** The query string of an exercise, the link a teacher hands out. */
export function toQuery({ level, seed }) {
  return `?seed=${seed}&level=${level}`;
}

/** A seed drawn at random, for "new exercise". */
export function randomSeed(random = Math.random) {
  return Math.floor(random() * SEED_LIMIT);
}
