// The practice slice of the page state: which exercise (level, seed), what was typed, what the
// server said, how much of the worked solution is shown, and the exercises solved per level.
// Pure functions only (no DOM, no storage), so that node can test them and the page's one store
// can take `practiceReducer` as the reducer of its `practice` slice.

export const LEVELS = [1, 2, 3, 4];
export const SEED_LIMIT = 2 ** 31;
export const VERSION = 1;
// What a level's progress keeps: the seeds solved, the latest last, at most this many.
const SOLVED_KEPT = 200;

export function isLevel(value) {
  return LEVELS.includes(value);
}

export function isSeed(value) {
  return Number.isInteger(value) && value >= 0 && value < SEED_LIMIT;
}

function emptyProgress() {
  return Object.fromEntries(LEVELS.map((level) => [level, []]));
}

/** The slice before any exercise is loaded. */
export function initialPractice({ level = 1, seed = 0, progress = emptyProgress() } = {}) {
  return Object.freeze({
    level,
    seed,
    asks: [], // [{id, label}] as the server lists them
    answers: {}, // id -> the text typed
    verdicts: {}, // id -> {correct, misconception, message, answer}
    solutionShown: 0,
    progress,
  });
}

/** Whether every quantity of the exercise has a correct verdict. */
export function solved(practice) {
  return practice.asks.length > 0 && practice.asks.every(({ id }) => practice.verdicts[id]?.correct === true);
}

function withProgress(practice) {
  if (!solved(practice)) return practice;
  const done = practice.progress[practice.level] ?? [];
  if (done.includes(practice.seed)) return practice;
  const kept = [...done, practice.seed].slice(-SOLVED_KEPT);
  return { ...practice, progress: { ...practice.progress, [practice.level]: kept } };
}

/** Return the slice after `action`; unknown actions leave it as it is. */
export function practiceReducer(practice = initialPractice(), action = {}) {
  switch (action.type) {
    case "practice/open":
      if (!isLevel(action.level) || !isSeed(action.seed)) return practice;
      return Object.freeze({
        ...initialPractice({ level: action.level, seed: action.seed, progress: practice.progress }),
      });
    case "practice/loaded":
      if (action.level !== practice.level || action.seed !== practice.seed) return practice;
      return Object.freeze({ ...practice, asks: action.asks.map(({ id, label }) => ({ id, label })) });
    case "practice/type": {
      const verdicts = { ...practice.verdicts };
      if (verdicts[action.id]?.answer !== action.text) delete verdicts[action.id];
      return Object.freeze({ ...practice, answers: { ...practice.answers, [action.id]: action.text }, verdicts });
    }
    case "practice/verdict": {
      if (action.level !== practice.level || action.seed !== practice.seed) return practice;
      const verdicts = { ...practice.verdicts };
      for (const result of action.results) {
        verdicts[result.id] = {
          correct: result.correct,
          misconception: result.misconception,
          message: result.message,
          answer: action.texts[result.id],
        };
      }
      return Object.freeze(withProgress({ ...practice, verdicts }));
    }
    case "practice/reveal": {
      const shown = action.all ? action.total : practice.solutionShown + 1;
      return Object.freeze({ ...practice, solutionShown: Math.max(0, Math.min(action.total, shown)) });
    }
    case "practice/hide":
      return Object.freeze({ ...practice, solutionShown: 0 });
    default:
      return practice;
  }
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

/** Return {level, seed} from a query string such as "?seed=123&level=3"; a part missing or
 * invalid is null. */
export function fromQuery(search) {
  const params = new URLSearchParams(search);
  const number = (name) => {
    const text = params.get(name);
    return text !== null && /^\d+$/.test(text) ? Number(text) : null;
  };
  const level = number("level");
  const seed = number("seed");
  return { level: isLevel(level) ? level : null, seed: isSeed(seed) ? seed : null };
}

/** The query string of an exercise, the link a teacher hands out. */
export function toQuery({ level, seed }) {
  return `?seed=${seed}&level=${level}`;
}

/** What is kept between visits: the exercise and the progress (typed answers are not). */
export function serializePractice(practice) {
  return JSON.stringify({
    version: VERSION,
    level: practice.level,
    seed: practice.seed,
    progress: practice.progress,
  });
}

/** Read what `serializePractice` wrote: {ok: true, value} or {ok: false, error}. */
export function deserializePractice(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  if (!data || typeof data !== "object") return { ok: false, error: "not an object" };
  if (data.version !== VERSION) return { ok: false, error: `version ${data.version} is not ${VERSION}` };
  if (!isLevel(data.level)) return { ok: false, error: "level" };
  if (!isSeed(data.seed)) return { ok: false, error: "seed" };
  const progress = emptyProgress();
  for (const level of LEVELS) {
    const seeds = data.progress?.[level] ?? [];
    if (!Array.isArray(seeds) || !seeds.every(isSeed)) return { ok: false, error: `progress.${level}` };
    progress[level] = seeds.slice(-SOLVED_KEPT);
  }
  return { ok: true, value: initialPractice({ level: data.level, seed: data.seed, progress }) };
}

/** A seed drawn at random, for "new exercise". */
export function randomSeed(random = Math.random) {
  return Math.floor(random() * SEED_LIMIT);
}
