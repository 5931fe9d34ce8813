import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { KEYS, load, save, setAside } from "../../static/js/state/storage.js";

/** localStorage as the browser has it, in memory. */
class MemoryStorage {
  items = new Map();
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
  removeItem(key) { this.items.delete(key); }
}

beforeEach(() => {
  globalThis.localStorage = new MemoryStorage();
});

test("one key holds the page", () => {
  assert.equal(load(), null);
  assert.equal(save('{"version":2}'), true);
  assert.equal(load(), '{"version":2}');
  assert.deepEqual([...localStorage.items.keys()], [KEYS.current]);
});

test("a snapshot set aside is kept under another key and no longer loaded", () => {
  save("{broken");
  setAside("{broken");
  assert.equal(load(), null);
  assert.equal(localStorage.getItem(KEYS.setAside), "{broken");
});

test("the earlier page's keys are read once and then removed", () => {
  localStorage.setItem("backprop-lab/v1", '{"old":true}');
  localStorage.setItem("backprop-lab/language", "zh-Hans");
  assert.equal(load(), '{"old":true}');
  assert.equal(localStorage.getItem("backprop-lab/v1"), null);
  assert.equal(localStorage.getItem("backprop-lab/language"), null);
});

test("a browser that refuses storage is told, not thrown at", () => {
  globalThis.localStorage = { getItem() { throw new Error("denied"); }, setItem() { throw new Error("full"); }, removeItem() {} };
  assert.equal(load(), null);
  assert.equal(save("{}"), false);
  setAside("{}");
});
