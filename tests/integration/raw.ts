// Raw TCP exchanges for what fetch cannot send: broken framing, invalid
// UTF-8, slow or silent clients.
import { connect, type Socket } from 'node:net';

/** What came back on one connection. */
export interface RawResult {
  /** Everything the server wrote, as latin1 so that bytes survive. */
  readonly text: string;
  /** The server closed the connection (rather than the test giving up). */
  readonly closed: boolean;
  /** Status codes of the responses, in order. */
  readonly statuses: number[];
}

/** Status codes of the responses in `text`, walking Content-Length framing. */
export function statusesOf(text: string): number[] {
  return responses(text).map((r) => r.status);
}

/** The responses that arrived whole, in order (Content-Length framing). */
export function responses(text: string): { status: number; head: string; body: string }[] {
  const out: { status: number; head: string; body: string }[] = [];
  let pos = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', pos);
    if (end < 0) return out;
    const head = text.slice(pos, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (text.length < end + 4 + length) return out;
    const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(head)?.[1] ?? 0);
    out.push({ status, head, body: text.slice(end + 4, end + 4 + length) });
    pos = end + 4 + length;
  }
}

/** Opens a connection and resolves once it is established. */
export function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Sends `data` on a fresh connection and collects the answer until the server
 * closes, until `expect` responses have fully arrived, or after `timeoutMs`.
 */
export function exchange(
  port: number,
  data: string | Buffer | readonly (string | Buffer)[],
  options: { timeoutMs?: number; expect?: number } = {},
): Promise<RawResult> {
  const { timeoutMs = 3000, expect } = options;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = received.toString('latin1');
      resolve({ text, closed, statuses: statusesOf(text) });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (expect !== undefined && responses(received.toString('latin1')).length >= expect) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    for (const part of Array.isArray(data) ? data : [data]) socket.write(part);
  });
}

/** The body of the last response in `text`. */
export function lastBody(text: string): string {
  return text.slice(text.lastIndexOf('\r\n\r\n') + 4);
}

/** A complete request with Content-Length framing; headers go in as given. */
export function requestBytes(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | Buffer = '',
): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (bytes.length > 0 || method === 'POST') lines.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), bytes]);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
