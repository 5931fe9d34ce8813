// What the page keeps in localStorage, so that a reload, or a restarted server, continues
// where the class left off. Loss values are stored as raw float64 bytes (exact, and compact).

const KEY = "backprop-lab/v1";

/** Return the saved snapshot, or null when there is none or it cannot be read. */
export function load() {
  try {
    const text = localStorage.getItem(KEY);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** Save `snapshot`; return false when the browser refuses (storage full or disabled). */
export function save(snapshot) {
  try {
    localStorage.setItem(KEY, JSON.stringify(snapshot));
    return true;
  } catch {
    return false;
  }
}

export function clear() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // storage disabled: nothing to clear
  }
}

/** Return a Float64Array as base64 text. */
export function encodeFloats(values) {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Return the Float64Array that `encodeFloats` wrote as `text`. */
export function decodeFloats(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}
