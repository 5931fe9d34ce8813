// Numbers as the page prints them: significant digits, a true minus sign, ×10ⁿ for the very
// large or small. Formatting only: every value arrives from the server already computed.

const SUPERSCRIPT = { "-": "⁻", "+": "", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

// "As printed": the worked example's style, nine decimal places with trailing zeros dropped
// (0.082167041, 1.105905967), yet never fewer than six significant digits (0.0000351085) nor
// more than ten.
export const AS_PRINTED = 0;
export const DEFAULT_DIGITS = AS_PRINTED;
export const MIN_DIGITS = 2;
export const MAX_DIGITS = 9;

/** Return a digits setting that the page can use: AS_PRINTED or 2–9 significant digits. */
export function validDigits(digits) {
  if (digits === AS_PRINTED) return AS_PRINTED;
  if (!Number.isInteger(digits)) return DEFAULT_DIGITS;
  return Math.min(MAX_DIGITS, Math.max(MIN_DIGITS, digits));
}

function printedDigits(value) {
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  return Math.min(10, Math.max(6, 9 + magnitude + 1));
}

function trimZeros(mantissa) {
  return mantissa.includes(".") ? mantissa.replace(/0+$/, "").replace(/\.$/, "") : mantissa;
}

/** Return `value` with `digits` significant digits (or AS_PRINTED), trailing zeros dropped
 * (0.741365070 → 0.74136507). */
export function formatNumber(value, digits = DEFAULT_DIGITS) {
  if (value === null || value === undefined) return "–";
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (value === 0) return "0";
  const text = value.toPrecision(digits === AS_PRINTED ? printedDigits(value) : digits);
  const [mantissa, exponent] = text.split("e");
  let out = trimZeros(mantissa);
  if (exponent !== undefined) {
    const power = [...exponent].map((c) => SUPERSCRIPT[c]).join("");
    out = `${out}×10${power}`;
  }
  return out.replace("-", "−");
}

/** Return the shortest text that reads back as exactly `value` (what data-value holds). */
export function exact(value) {
  return value === null || value === undefined ? "" : String(value);
}

/** Return an iteration count with thousands separators ("1,000,000"). Written out rather than
 * toLocaleString: the first call of that loads the browser's locale data, a noticeable pause
 * on a phone before the first numbers appear. */
export function formatCount(n) {
  const whole = Number(n);
  if (!Number.isSafeInteger(whole)) return whole.toLocaleString("en-US");
  return String(whole).replace(/\B(?=(\d{3})+$)/g, ",");
}
