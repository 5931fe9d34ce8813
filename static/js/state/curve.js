// The loss curve's data: E_total per iteration, exactly as the server sent it, as an immutable
// value {x, y} of two Float64Arrays of equal length. Past CAPACITY points the older half is
// thinned to every other point, so a class can play for hours; each point kept is still an
// exact (iteration, E_total) pair.

export const CAPACITY = 150_000;

const EMPTY = { x: new Float64Array(0), y: new Float64Array(0) };

/** The curve with no point. */
export function emptyCurve() {
  return EMPTY;
}

/** Return `curve` with values[k] appended as E_total of iteration first + k, thinned past `capacity`. */
export function appendLosses(curve, first, values, capacity = CAPACITY) {
  return appendEvery(curve, first, 1, values, capacity);
}

/** Return `curve` with values[k] appended as E_total at iteration first + k × every (an
 * online epoch over rows of data is one iteration per row), thinned past `capacity`. */
export function appendEvery(curve, first, every, values, capacity = CAPACITY) {
  if (!values.length) return curve;
  const n = curve.x.length;
  const x = new Float64Array(n + values.length);
  const y = new Float64Array(n + values.length);
  x.set(curve.x);
  y.set(curve.y);
  for (let k = 0; k < values.length; k += 1) {
    x[n + k] = first + k * every;
    y[n + k] = values[k];
  }
  return x.length > capacity ? thinCurve({ x, y }) : { x, y };
}

/** Return `curve` without the points after `iteration`. */
export function truncateCurve(curve, iteration) {
  let n = curve.x.length;
  while (n > 0 && curve.x[n - 1] > iteration) n -= 1;
  if (n === curve.x.length) return curve;
  return { x: curve.x.slice(0, n), y: curve.y.slice(0, n) };
}

/** Keep the first point, every other point of the older half, and the newer half whole. */
export function thinCurve({ x, y }) {
  const half = Math.floor(x.length / 2);
  const keep = [0];
  for (let read = 2; read < half; read += 2) keep.push(read);
  const size = keep.length + (x.length - half);
  const tx = new Float64Array(size);
  const ty = new Float64Array(size);
  keep.forEach((read, write) => {
    tx[write] = x[read];
    ty[write] = y[read];
  });
  tx.set(x.subarray(half), keep.length);
  ty.set(y.subarray(half), keep.length);
  return { x: tx, y: ty };
}
