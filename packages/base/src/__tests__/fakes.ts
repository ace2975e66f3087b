// Test doubles: a scriptable fetch, a WebSocket and a BroadcastChannel that
// never touch the network, so every test runs under fake timers.
import { vi } from 'vitest';

export interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  init: RequestInit;
}

type Reply = Response | Error | Promise<Response | Error>;
type Handler = (call: Call) => Reply;

/**
 * A response whose body is read in one microtask: a real Response streams its
 * body through timers that fake timers would have to drive.
 */
export const text = (body: string, status = 200, headers: Record<string, string> = {}): Response =>
  ({
    ok: status >= 200 && status < 300,
    status,
    statusText: `status ${status}`,
    headers: new Headers(headers),
    text: () => Promise.resolve(body),
  }) as Response;

/** A JSON response. */
export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  text(JSON.stringify(body), status, { 'content-type': 'application/json', ...headers });

/** A protocol error response. */
export const fail = (status: number, code: string, message = code, fields?: object): Response =>
  json({ error: { code, message, ...(fields && { fields }) } }, status);

/** A promise with its resolve exposed, for responses the test releases later. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A fetch whose answers come from `routes`: the first handler whose key is
 * contained in `METHOD url` answers. Every request is recorded in `calls`;
 * an aborted signal rejects like the real fetch.
 */
export function fakeFetch(routes: Record<string, Handler>, { ignoreAbort = false } = {}) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const call: Call = {
      url,
      method: init.method ?? 'GET',
      headers,
      body: typeof init.body == 'string' ? JSON.parse(init.body) : undefined,
      signal: init.signal!,
      init,
    };
    calls.push(call);
    const key = Object.keys(routes).find((k) => `${call.method} ${url}`.includes(k));
    if (!key) throw new Error(`no route for ${call.method} ${url}`);
    const signal = init.signal!;
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason));
    });
    aborted.catch(() => {});
    const reply = await (ignoreAbort ? routes[key]!(call) : Promise.race([routes[key]!(call), aborted]));
    if (reply instanceof Error) throw reply;
    return reply;
  });
  return { fetch, calls, count: (part: string) => calls.filter((c) => `${c.method} ${c.url}`.includes(part)).length };
}

/** Lets pending promise callbacks (and timers up to `ms`) run under fake timers. */
export const tick = async (ms = 0): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
};

/** A WebSocket the test drives: `open()`, `receive()`, `drop()`, and `sent` frames. */
export class FakeWebSocket {
  static all: FakeWebSocket[] = [];
  static last = (): FakeWebSocket => FakeWebSocket.all[FakeWebSocket.all.length - 1]!;
  readyState = 0;
  sent: any[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {
    FakeWebSocket.all.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame == 'string' ? frame : JSON.stringify(frame) });
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

/** BroadcastChannel between clients of one test, delivered in a microtask. */
export class FakeChannel {
  static open: FakeChannel[] = [];
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(readonly name: string) {
    FakeChannel.open.push(this);
  }
  postMessage(data: unknown): void {
    const copy = structuredClone(data);
    for (const c of FakeChannel.open) {
      if (c != this && c.name == this.name) queueMicrotask(() => c.onmessage?.({ data: copy }));
    }
  }
  close(): void {
    FakeChannel.open = FakeChannel.open.filter((c) => c != this);
  }
}

/** Lets every pending promise callback run (several rounds of awaits inside the kernel). */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
