// A live class's connection: one WebSocket to /ws/classes/{code} that says hello on every
// (re)open, pings to notice a dead link, and reconnects by itself after a drop, with a growing
// delay, but never after a refusal that will not change (unknown or ended class, wrong token,
// the same student joined elsewhere). A full class is tried again later: seats come free. The
// server's close codes are listed in app/classes/protocol.py.

export const CLOSE = Object.freeze({
  badHello: 4400, badToken: 4401, noClass: 4404, replaced: 4409, ended: 4410, full: 4413, tooManyJoins: 4429,
});
const FINAL = new Set([CLOSE.badHello, CLOSE.badToken, CLOSE.noClass, CLOSE.replaced, CLOSE.ended]);
const PING_MS = 20_000;
const SILENT_MS = 45_000; // no message for this long (pongs included): the link is dead
const MAX_DELAY_MS = 10_000;

/** The WebSocket URL of class `code` on the page's own origin. */
export function socketUrl(code, location = globalThis.location) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/classes/${encodeURIComponent(code)}`;
}

/** The delay before reconnection attempt `attempt` (0, 1, …) after close `code`, in ms. */
export function reconnectDelay(attempt, code, random = Math.random) {
  if (code === CLOSE.tooManyJoins) return 30_000 + random() * 30_000;
  if (code === CLOSE.full) return 10_000 + random() * 10_000;
  const base = Math.min(MAX_DELAY_MS, 500 * 2 ** attempt);
  return base / 2 + random() * (base / 2); // jittered, so a room does not reconnect at once
}

/** Whether a close with `code` ends the connection for good. */
export const isFinal = (code) => FINAL.has(code);

/**
 * Connect to class `code`. `hello()` returns the hello to send on each open; `onMessage(m)`
 * gets each message from the server; `onStatus(status, detail)` hears "connecting", "open",
 * "reconnecting" ({delay, code, reason}) and "closed" ({code, reason}, for good).
 * Returns {send(message), close()}.
 */
export function connectClass({ code, hello, onMessage, onStatus, WebSocketImpl = globalThis.WebSocket, location = globalThis.location, timers = globalThis }) {
  let socket = null;
  let attempt = 0;
  let stopped = false;
  let pingTimer = null;
  let silenceTimer = null;
  let retryTimer = null;

  function clearTimers() {
    timers.clearInterval(pingTimer);
    timers.clearTimeout(silenceTimer);
    pingTimer = silenceTimer = null;
  }

  function heard() {
    timers.clearTimeout(silenceTimer);
    silenceTimer = timers.setTimeout(() => socket?.close(), SILENT_MS);
  }

  function open() {
    if (stopped) return;
    onStatus("connecting", { attempt });
    const current = new WebSocketImpl(socketUrl(code, location));
    socket = current;
    current.onopen = () => {
      current.send(JSON.stringify(hello()));
      pingTimer = timers.setInterval(() => current.readyState === 1 && current.send('{"type":"ping"}'), PING_MS);
      heard();
    };
    current.onmessage = (event) => {
      heard();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "welcome") {
        attempt = 0;
        onStatus("open", {});
      }
      if (message.type !== "pong") onMessage(message);
    };
    current.onerror = () => {}; // a close event follows and decides
    current.onclose = (event) => {
      if (socket !== current) return;
      clearTimers();
      socket = null;
      if (stopped) return;
      if (isFinal(event.code)) {
        stopped = true;
        onStatus("closed", { code: event.code, reason: event.reason });
        return;
      }
      const delay = reconnectDelay(attempt, event.code);
      attempt += 1;
      onStatus("reconnecting", { delay, code: event.code, reason: event.reason });
      retryTimer = timers.setTimeout(open, delay);
    };
  }

  open();
  return {
    /** Send `message` (an object, or JSON text) if connected; false if it could not go. */
    send(message) {
      if (!socket || socket.readyState !== 1) return false;
      socket.send(typeof message === "string" ? message : JSON.stringify(message));
      return true;
    },
    close() {
      stopped = true;
      timers.clearTimeout(retryTimer);
      clearTimers();
      socket?.close(1000);
      socket = null;
    },
  };
}
