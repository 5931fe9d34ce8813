// The loss curve's data: E_total per iteration, exactly as the server sent it.
// Past `capacity` points the older half is thinned to every other point, so a class can play
// for hours; each point kept is still an exact (iteration, E_total) pair.

import { decodeFloats, encodeFloats } from "./store.js";

export const CAPACITY = 150_000;

export class LossCurve {
  constructor(capacity = CAPACITY) {
    this.capacity = capacity;
    this.x = new Float64Array(1024);
    this.y = new Float64Array(1024);
    this.length = 0;
    this.version = 0; // bumped on every change, so views know when to redraw
  }

  clear() {
    this.length = 0;
    this.version += 1;
  }

  #reserve(extra) {
    const needed = this.length + extra;
    if (needed <= this.x.length) return;
    let size = this.x.length;
    while (size < needed) size *= 2;
    const x = new Float64Array(size);
    const y = new Float64Array(size);
    x.set(this.x.subarray(0, this.length));
    y.set(this.y.subarray(0, this.length));
    this.x = x;
    this.y = y;
  }

  /** Append E_total of iteration `iteration`. */
  push(iteration, value) {
    this.pushMany(iteration, [value]);
  }

  /** Append values[k] as E_total of iteration first + k. */
  pushMany(first, values) {
    this.#reserve(values.length);
    for (let k = 0; k < values.length; k += 1) {
      this.x[this.length] = first + k;
      this.y[this.length] = values[k];
      this.length += 1;
    }
    if (this.length > this.capacity) this.#thin();
    this.version += 1;
  }

  /** Forget every point after `iteration`. */
  truncate(iteration) {
    let n = this.length;
    while (n > 0 && this.x[n - 1] > iteration) n -= 1;
    if (n === this.length) return;
    this.length = n;
    this.version += 1;
  }

  /** Keep the first point, every other point of the older half, and the newer half whole. */
  #thin() {
    const half = Math.floor(this.length / 2);
    let write = 1;
    for (let read = 2; read < half; read += 2) {
      this.x[write] = this.x[read];
      this.y[write] = this.y[read];
      write += 1;
    }
    for (let read = half; read < this.length; read += 1) {
      this.x[write] = this.x[read];
      this.y[write] = this.y[read];
      write += 1;
    }
    this.length = write;
  }

  /** The points as typed arrays (views, not copies). */
  get points() {
    return { x: this.x.subarray(0, this.length), y: this.y.subarray(0, this.length) };
  }

  toJSON() {
    const { x, y } = this.points;
    return { x: encodeFloats(x.slice()), y: encodeFloats(y.slice()) };
  }

  static fromJSON(saved, capacity = CAPACITY) {
    const curve = new LossCurve(capacity);
    if (!saved) return curve;
    const x = decodeFloats(saved.x);
    const y = decodeFloats(saved.y);
    const n = Math.min(x.length, y.length);
    curve.#reserve(n);
    curve.x.set(x.subarray(0, n));
    curve.y.set(y.subarray(0, n));
    curve.length = n;
    return curve;
  }
}
