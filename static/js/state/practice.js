// The practice slice of the page state: which exercise (level, seed), what was typed, what the
// server said, how much of the worked solution is shown, and the exercises solved per level.
// Pure functions only; reducers.js hands every practice action to `practiceReducer`.

export const LEVELS = [1, 2, 3, 4];
export const SEED_LIMIT = 2 ** 31;
// What a level's progress keeps: the seeds solved, the latest last, at most this many.
export const SOLVED_KEPT = 200;
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

/** The slice before any exercise is loaded. */
export function initialPractice({ level = 1, seed = 0, progress = emptyProgress() } = {}) {
  return {
    level,
    seed,
    asks: [], // [{id, label}] as the server lists them
    answers: {}, // id -> the text typed
    verdicts: {}, // id -> {correct, misconception, message, answer}
    solutionShown: 0,
    progress,
  };
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
    case "practiceOpened":
      if (!isLevel(action.level) || !isSeed(action.seed)) return practice;
      return initialPractice({ level: action.level, seed: action.seed, progress: practice.progress });
    case "practiceLoaded":
      if (action.level !== practice.level || action.seed !== practice.seed) return practice;
      return { ...practice, asks: action.asks.map(({ id, label }) => ({ id, label })) };
    case "answerTyped": {
      const verdicts = { ...practice.verdicts };
      if (verdicts[action.id]?.answer !== action.text) delete verdicts[action.id];
      return { ...practice, answers: { ...practice.answers, [action.id]: action.text }, verdicts };
    }
    case "answersChecked": {
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
      return withProgress({ ...practice, verdicts });
    }
    case "solutionRevealed": {
      const shown = action.all ? action.total : practice.solutionShown + 1;
      return { ...practice, solutionShown: Math.max(0, Math.min(action.total, shown)) };
    }
    case "solutionHidden":
      return { ...practice, solutionShown: 0 };
    case "practiceRestored": // {level, seed, progress} read back by the serializer
      return initialPractice(action.value);
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

/** A seed drawn at random, for "new exercise". */
export function randomSeed(random = Math.random) {
  return Math.floor(random() * SEED_LIMIT);
}
