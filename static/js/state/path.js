// The training path the loss landscape draws: the parameters the page was sent
// ({iteration, weights, biases}), sampled by /api/epoch on Run, one point per Step or Play.
// Past MAX_POINTS every other point is dropped, the latest always kept.

export const MAX_POINTS = 20_000;

/** A path that begins at `state`. */
export function startPath(state) {
  return [pathPoint(state)];
}

function pathPoint({ iteration, weights, biases }) {
  return { iteration, weights, biases };
}

/** Return `path` with the points past its last iteration appended, thinned past `max`. */
export function extendPath(path, points, max = MAX_POINTS) {
  let last = path.length ? path[path.length - 1].iteration : -1;
  const added = [];
  for (const p of points) {
    if (p.iteration > last) {
      added.push(pathPoint(p));
      last = p.iteration;
    }
  }
  if (!added.length) return path;
  const extended = path.concat(added);
  return extended.length > max ? thinPath(extended) : extended;
}

/** Every other point, the first and the last kept. */
export function thinPath(path) {
  return path.filter((_, i) => i % 2 === 0 || i === path.length - 1);
}
