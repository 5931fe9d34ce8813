import assert from "node:assert/strict";
import { test } from "node:test";

import { AS_PRINTED, exact, formatCount, formatNumber, validDigits } from "../../static/js/views/format.js";

test("as printed: nine decimal places, trailing zeros dropped, as the worked example prints them", () => {
  assert.equal(formatNumber(0.082167041, AS_PRINTED), "0.082167041");
  assert.equal(formatNumber(0.741365070, AS_PRINTED), "0.74136507");
  assert.equal(formatNumber(0.35891647971788465, AS_PRINTED), "0.35891648");
  assert.equal(formatNumber(1.105905967, AS_PRINTED), "1.105905967");
});

test("as printed keeps at least six significant digits for small values", () => {
  assert.equal(formatNumber(0.0000351085, AS_PRINTED), "0.0000351085");
});

test("significant digits, trailing zeros dropped, with a true minus sign", () => {
  assert.equal(formatNumber(-0.0021714, 3), "−0.00217");
  assert.equal(formatNumber(2.5, 2), "2.5");
  assert.equal(formatNumber(0.2983711087600027, 4), "0.2984");
});

test("very large and very small values are written ×10 with superscript powers", () => {
  assert.equal(formatNumber(1.2427912617e-9, 5), "1.2428×10⁻⁹");
  assert.equal(formatNumber(-3e21, 3), "−3×10²¹");
});

test("zero, missing, not-a-number and infinite values have their own signs", () => {
  assert.equal(formatNumber(0, 4), "0");
  assert.equal(formatNumber(-0, 4), "0");
  assert.equal(formatNumber(null), "–");
  assert.equal(formatNumber(undefined), "–");
  assert.equal(formatNumber(NaN), "NaN");
  assert.equal(formatNumber(Infinity), "∞");
  assert.equal(formatNumber(-Infinity), "−∞");
});

test("exact() is the shortest text that reads back as the same float64", () => {
  for (const value of [0.1, 0.35891647971788465, 1e-300, -2.5e-7, 5e-324]) {
    assert.equal(Number(exact(value)), value);
  }
  assert.equal(exact(0.1 + 0.2), "0.30000000000000004");
  assert.equal(exact(null), "");
});

test("digits settings are clamped to 2–9, anything else falls back to as printed", () => {
  assert.equal(validDigits(AS_PRINTED), AS_PRINTED);
  assert.equal(validDigits(1), 2);
  assert.equal(validDigits(12), 9);
  assert.equal(validDigits(5), 5);
  assert.equal(validDigits(2.5), AS_PRINTED);
  assert.equal(validDigits("7"), AS_PRINTED);
});

test("iteration counts carry thousands separators", () => {
  assert.equal(formatCount(100000), "100,000");
  assert.equal(formatCount(7), "7");
});

test("a count's thousands separators are toLocaleString's, written out without the locale data", () => {
  for (const n of [0, 9, 10, 999, 1000, 1001, 99999, 100000, 123456789, 2 ** 53 - 1, -1, -1000, -987654321]) {
    assert.equal(formatCount(n), n.toLocaleString("en-US"));
  }
  for (let k = 0; k < 2000; k += 1) {
    const n = Math.floor(Math.random() * 10 ** (1 + (k % 15)));
    assert.equal(formatCount(n), n.toLocaleString("en-US"));
  }
});
