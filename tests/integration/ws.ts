// WebSocket clients of the test server (PROTOCOL §5, docs/protocol.md
// "WebSocket"), over the `ws` package: every frame a client receives is kept,
// so that a test can assert what it was NOT sent, and waits are by predicate
// with a deadline, never by sleeping.
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { TodoServer } from './server.js';

/** The endpoint's path under the default prefix. */
export const wsPath = '/api/mizan/ws/';
/** How long a frame or a close may take to come (an ASan build on 2 cores). */
export const frameTimeoutMs = 10_000;

/** One frame the server sent: parsed JSON (an object with `op`). */
export interface Frame {
  readonly op: string;
  readonly [key: string]: unknown;
}
/** An `error` op's error. */
export interface FrameError {
  readonly code: string;
  readonly message: string;
  readonly fields?: Record<string, string[]>;
}
/** How a socket ended, as the client saw it. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
  /** Date.now() when it closed. */
  readonly at: number;
}

/** Options of one connection. */
export interface ConnectOptions {
  /** Sec-WebSocket-Protocol; default ['mizan.v1']; [] sends none. */
  readonly protocols?: readonly string[];
  readonly origin?: string;
  readonly cookie?: string;
  readonly headers?: Record<string, string>;
  /** The handshake URL's query, without '?' (the kernel sends `s=<schema hash>`). */
  readonly query?: string;
  /** false: never answer the server's pings. */
  readonly autoPong?: boolean;
  readonly name?: string;
}

function clientOptions(options: ConnectOptions): WebSocket.ClientOptions {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie !== undefined) headers['Cookie'] = options.cookie;
  const out: WebSocket.ClientOptions = { headers, handshakeTimeout: frameTimeoutMs };
  if (options.origin !== undefined) out.origin = options.origin;
  if (options.autoPong !== undefined) out.autoPong = options.autoPong;
  return out;
}

function protocolsOf(options: ConnectOptions): string[] {
  return [...(options.protocols ?? ['mizan.v1'])];
}

/** One open socket and everything it has received. */
export class Client {
  /** Every text frame, parsed, in order of arrival. */
  readonly frames: Frame[] = [];
  /** The same frames as the server sent them. */
  readonly texts: string[] = [];
  /** Binary frames (the server never sends one). */
  readonly binaries: Buffer[] = [];
  /** Date.now() of every ping the server sent. */
  readonly pings: number[] = [];
  readonly openedAt = Date.now();
  /** Set once the socket has closed. */
  closedWith: Closed | undefined;
  readonly closed: Promise<Closed>;
  private readonly waiters = new Set<() => void>();
  private pingsSent = 0;
  private nextId = 1;

  constructor(
    readonly ws: WebSocket,
    readonly name: string,
  ) {
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) {
        this.binaries.push(buf);
      } else {
        const text = buf.toString('utf8');
        this.texts.push(text);
        let frame: Frame;
        try {
          frame = JSON.parse(text) as Frame;
        } catch {
          frame = { op: '<not JSON>', text };
        }
        this.frames.push(frame);
      }
      this.wake();
    });
    ws.on('ping', () => {
      this.pings.push(Date.now());
      this.wake();
    });
    ws.on('error', () => {}); // the close event tells the tests what happened
    this.closed = new Promise((resolve) =>
      ws.on('close', (code: number, reason: Buffer) => {
        this.closedWith = { code, reason: reason.toString(), at: Date.now() };
        this.wake();
        resolve(this.closedWith);
      }),
    );
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** True while the socket is open. */
  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a JSON frame. */
  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Resolves once `ready()` returns a value; rejects at the deadline with `what`. */
  until<T>(ready: () => T | undefined, what: string, timeoutMs = frameTimeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        let value: T | undefined;
        try {
          value = ready();
        } catch (e) {
          done();
          reject(e as Error);
          return;
        }
        if (value !== undefined) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms; received:\n${this.log()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The first frame at index ≥ `from` matching `match`, waiting for it. */
  next(match: (f: Frame) => boolean, what = 'matching frame', from = 0, timeoutMs = frameTimeoutMs): Promise<Frame> {
    return this.until(() => this.frames.slice(from).find(match), what, timeoutMs);
  }

  /** Waits for the close; fails if it does not come in time. */
  waitClosed(timeoutMs = frameTimeoutMs): Promise<Closed> {
    return this.until(() => this.closedWith, 'close', timeoutMs);
  }

  /** Sends a ping op and waits for its pong (pongs carry no id: they are counted). */
  async ping(): Promise<void> {
    this.pingsSent += 1;
    const want = this.pingsSent;
    this.send({ op: 'ping' });
    await this.until(() => (this.frames.filter((f) => f.op === 'pong').length >= want ? true : undefined), 'pong');
  }

  /** Sends `frame` with a fresh numeric id and waits for the result or error naming it. */
  async request(frame: Record<string, unknown>): Promise<Frame> {
    const id = this.nextId++;
    this.send({ ...frame, id });
    const answers = ['result', 'error', 'auth'];
    return this.next((f) => answers.includes(f.op) && f['id'] === id, `answer to id ${id}`);
  }

  /** `{"op":"call"}` of `fn`; the result or error frame. */
  call(fn: string, args: unknown = {}): Promise<Frame> {
    return this.request({ op: 'call', fn, args });
  }

  /** Every invalidation entry pushed so far (invalidate ops only). */
  pushed(): unknown[] {
    return this.frames.filter((f) => f.op === 'invalidate').flatMap((f) => f['invalidate'] as unknown[]);
  }

  /** The frames so far, one a line, for failure messages. */
  log(): string {
    const lines = this.texts.map((t) => `  ${t.length > 300 ? `${t.slice(0, 300)}...` : t}`);
    if (this.closedWith) lines.push(`  <closed ${this.closedWith.code} ${this.closedWith.reason}>`);
    return lines.join('\n') || '  (nothing)';
  }

  /** Closes from this side (if still open) and waits for the end. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, frameTimeoutMs))]);
    if (!this.closedWith) this.ws.terminate();
  }
}

/** Clients a test opened, closed after it. */
const opened = new Set<Client>();

/** Closes every client opened since the last call (for afterEach). */
export async function closeAll(): Promise<void> {
  const all = [...opened];
  opened.clear();
  await Promise.all(all.map((c) => c.close()));
}

/** Opens a socket to `server` and waits for the handshake; throws if it is refused. */
export function connect(server: TodoServer, options: ConnectOptions = {}): Promise<Client> {
  const query = options.query === undefined ? '' : `?${options.query}`;
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${wsPath}${query}`, protocolsOf(options), clientOptions(options));
  const client = new Client(ws, options.name ?? 'client');
  opened.add(client);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      if (ws.protocol === 'mizan.v1') resolve(client);
      else reject(new Error(`${client.name}: the server chose the subprotocol '${ws.protocol}'`));
    });
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`${client.name}: handshake refused with ${res.statusCode}`));
      ws.terminate();
    });
    void client.closed.then((c) => reject(new Error(`${client.name}: closed during the handshake (${c.code})`)));
  });
}

/** A refused handshake: the status, headers and body of the answer. */
export interface Refusal {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Attempts a handshake that the server must refuse; its HTTP answer. */
export function refusal(server: TodoServer, options: ConnectOptions = {}): Promise<Refusal> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${wsPath}`, protocolsOf(options), clientOptions(options));
  ws.on('error', () => {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the handshake was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        ws.terminate();
      });
    });
  });
}

/** Asserts a refusal carries the error envelope with `code`. */
export function expectRefusal(r: Refusal, status: number, code: string): void {
  expect(r.status, r.body).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(r.body) as { error: FrameError };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

/** Asserts `f` is `{"op":"error","id":id,"error":{code,...},"status":status}`. */
export function expectErrorFrame(f: Frame, id: unknown, code: string, status: number): FrameError {
  expect(f.op, JSON.stringify(f)).toBe('error');
  expect(f['id']).toEqual(id);
  const error = f['error'] as FrameError;
  expect(error.code, JSON.stringify(f)).toBe(code);
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(f['status']).toBe(status);
  return error;
}

/** An invalidation entry's context name. */
export function contextOf(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  return (entry as { context: string }).context;
}

/** Resolves after `ms` (for letting time pass, never for asserting an absence). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The TCP socket under a client (for pausing its reads). */
export function tcpOf(c: Client): Socket {
  return (c.ws as unknown as { _socket: Socket })._socket;
}

/**
 * Bytes the server has written to `c` that the client has not read: the
 * server's send queue and the client's receive queue (Linux, /proc/net/tcp),
 * and what Node has buffered for the paused socket. What the server wrote
 * and is not here is still in the server's own queue.
 */
export function unreadBytes(c: Client, serverPort: number): number {
  const tcp = tcpOf(c);
  const clientPort = tcp.localPort;
  let total = tcp.readableLength;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 5) continue;
      const port = (address: string): number => parseInt(address.split(':').pop()!, 16);
      const [tx = 0, rx = 0] = cols[4]!.split(':').map((h) => parseInt(h, 16));
      if (port(cols[1]!) === serverPort && port(cols[2]!) === clientPort) total += tx;
      if (port(cols[1]!) === clientPort && port(cols[2]!) === serverPort) total += rx;
    }
  }
  return total;
}
