import { backoff, timer, type Timer } from './timer.js';
import type { WebSocketFactory } from './types.js';

/** What the client does with the socket's life events. */
export interface SocketEvents {
  /** Connected; `again` is false only for the first connection. */
  open(again: boolean): void;
  /** A parsed server frame. */
  message(frame: any): void;
  /** Connection lost (with the close code, if any); a reconnect is already scheduled. */
  lost(code?: number): void;
}

/** A self-healing WebSocket. */
export interface Socket {
  /** Sends a frame if connected; false otherwise (the caller falls back to HTTP). */
  send(frame: unknown): boolean;
  /**
   * Reconnects now if disconnected (the browser came back online); with
   * `renew`, also if connected (who is signed in changed: the handshake's
   * cookie is what the server knows the socket by).
   */
  wake(renew?: boolean): void;
  /** Closes for good. */
  close(): void;
}

/**
 * Keeps one `mizan.v1` WebSocket open: reconnects with backoff, pings every
 * `ping` ms and treats a connection that stays silent for a whole interval as
 * dead (a half-open TCP connection would otherwise never report `close`).
 * Failing to construct a WebSocket (none in this runtime, CSP) only schedules
 * another attempt; the client keeps working over HTTP meanwhile.
 */
export function connectSocket(
  url: string,
  Impl: WebSocketFactory,
  ping: number,
  on: SocketEvents,
): Socket {
  let ws: WebSocket | undefined;
  let attempt = 0;
  let opened = false;
  let closed = false;
  let heard = true;
  let retryTimer: Timer | undefined;
  let pingTimer: Timer | undefined;

  const lose = (code?: number): void => {
    const s = ws;
    ws = undefined;
    clearTimeout(pingTimer);
    try {
      s?.close();
    } catch {
      // closing a socket that never opened may throw in some runtimes
    }
    on.lost(code);
    if (!closed) retryTimer = timer(open, backoff(attempt++));
  };

  const beat = (): void => {
    pingTimer = timer(() => {
      if (!heard) return lose();
      heard = false;
      self.send({ op: 'ping' });
      beat();
    }, ping);
  };

  function open(): void {
    clearTimeout(retryTimer);
    if (closed || ws) return;
    let s: WebSocket;
    try {
      s = ws = new Impl(url, 'mizan.v1');
    } catch {
      retryTimer = timer(open, backoff(attempt++));
      return;
    }
    s.onopen = () => {
      attempt = 0;
      heard = true;
      on.open(opened);
      opened = true;
      beat();
    };
    s.onmessage = (ev) => {
      heard = true;
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return;
      }
      on.message(frame);
    };
    s.onclose = (ev) => ws == s && lose(ev.code);
  }

  const self: Socket = {
    send(frame) {
      if (ws?.readyState != 1) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
    wake(renew) {
      attempt = 0;
      if (renew && ws) lose();
      open();
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      if (ws) lose();
    },
  };
  open();
  return self;
}
