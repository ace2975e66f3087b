// Hostile input over raw sockets (docs/protocol.md "HTTP", and the Beast and
// Boost.JSON traps the server guards against). After each attack the server
// must still answer others.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signedIn, type Agent } from './agent.js';
import { exchange, lastBody, open, requestBytes, sleep } from './raw.js';
import { useServer } from './server.js';

const ctx = useServer();
let alice: Agent;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ agent: alice } = await signedIn(ctx.server.origin));
  auth = { Cookie: alice.cookieHeader(), 'X-CSRF-Token': alice.csrf };
});

/** POSTs raw bytes to add_todo as alice over a fresh connection. */
async function addTodoRaw(body: string | Buffer): Promise<{ status: number | undefined; body: string }> {
  const r = await exchange(
    ctx.server.port,
    requestBytes('POST', '/api/mizan/call/add_todo/', { ...auth, 'Content-Type': 'application/json' }, body),
    { expect: 1 },
  );
  return { status: r.statuses[0], body: lastBody(r.text) };
}

function expectBadRequest(r: { status: number | undefined; body: string }): void {
  expect(r.status, r.body).toBe(400);
  expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'bad_request' } });
}

afterEach(async () => {
  // Whatever happened, the server is still there and still answers.
  expect(ctx.server.running, ctx.server.output()).toBe(true);
  const r = await exchange(ctx.server.port, requestBytes('GET', '/api/mizan/session/', {}), { expect: 1 });
  expect(r.statuses).toEqual([200]);
});

describe('hostile JSON bodies', () => {
  it('malformed JSON is 400', async () => {
    for (const body of ['{', '{"title":"x"', '{"title" "x"}', '\u0000', '{"title":"x"}}'])
      expectBadRequest(await addTodoRaw(body));
  });

  it('100,000 nested [ is a 400, not a stack overflow', async () => {
    expectBadRequest(await addTodoRaw('['.repeat(100_000)));
    expectBadRequest(await addTodoRaw('{"title":' + '{"a":'.repeat(50_000)));
  });

  it('invalid UTF-8 in a body is 400', async () => {
    const bytes = (...b: number[]): Buffer =>
      Buffer.concat([Buffer.from('{"title":"'), Buffer.from(b), Buffer.from('"}')]);
    for (const bad of [
      bytes(0xff),
      bytes(0xc3),
      bytes(0xed, 0xa0, 0x80),
      bytes(0xc0, 0xaf),
      bytes(0xf4, 0x90, 0x80, 0x80),
    ]) {
      expectBadRequest(await addTodoRaw(bad));
    }
    expectBadRequest(await addTodoRaw('{"title":"\\udc00"}'));
  });

  it('duplicate keys, 1e400 and integers beyond 2^53 are 400', async () => {
    expectBadRequest(await addTodoRaw('{"title":"a","title":"b"}'));
    expectBadRequest(await addTodoRaw('{"title":"a","n":1e400}'));
    for (const n of ['9007199254740992', '-9007199254740992', '18446744073709551617', '1e400', '-1e400']) {
      const r = await exchange(
        ctx.server.port,
        requestBytes(
          'POST',
          '/api/mizan/call/toggle_todo/',
          { ...auth, 'Content-Type': 'application/json' },
          `{"id":${n}}`,
        ),
        { expect: 1 },
      );
      expect(r.statuses, n).toEqual([400]);
    }
  });
});

describe('hostile requests', () => {
  it('invalid UTF-8 in the query is 400', async () => {
    for (const q of ['%ff=1', '\xff=1', 'limit=5&%c3=1', '%ed%a0%80=1']) {
      const r = await exchange(ctx.server.port, requestBytes('GET', `/api/mizan/ctx/leaderboard/?${q}`, {}), {
        expect: 1,
      });
      expect(r.statuses, q).toEqual([400]);
      expect(lastBody(r.text)).toContain('"bad_request"');
    }
  });

  it('a header over 16 KiB is 400 or a closed connection', async () => {
    for (const request of [
      requestBytes('GET', '/api/mizan/session/', { 'X-Big': 'a'.repeat(17 * 1024) }),
      requestBytes('GET', `/api/mizan/session/?${'a'.repeat(17 * 1024)}`, {}),
      requestBytes('GET', '/', Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`X-H${i}`, 'v']))),
    ]) {
      const r = await exchange(ctx.server.port, request);
      expect(r.closed).toBe(true);
      expect(r.statuses.every((s) => s === 400)).toBe(true);
    }
  });

  it('Transfer-Encoding with Content-Length is 400 and the smuggled request is not answered', async () => {
    const smuggled = 'GET /api/mizan/session/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const head = (te: string): string =>
      'POST /api/mizan/call/add_todo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Cookie: ${auth['Cookie']}\r\nX-CSRF-Token: ${auth['X-CSRF-Token']}\r\nTransfer-Encoding: ${te}\r\n`;
    const attacks = [
      head('chunked') + 'Content-Length: 4\r\n\r\n0\r\n\r\n' + smuggled,
      head('chunked') + `Content-Length: ${5 + smuggled.length}\r\n\r\n0\r\n\r\n` + smuggled,
      head('gzip') + 'Content-Length: 5\r\n\r\nhello' + smuggled,
      head('chunked, identity') + '\r\n' + smuggled,
      head('xchunked') + '\r\n' + smuggled,
      head('identity') + '\r\n' + smuggled,
    ];
    for (const attack of attacks) {
      const r = await exchange(ctx.server.port, attack);
      expect(r.statuses, attack.split('\r\n')[5]).toEqual([400]);
      expect(r.closed).toBe(true);
    }
    // HTTP/1.0 with chunked, a second Host, and obs-fold are refused too.
    for (const bad of [
      'POST /api/mizan/call/add_todo/ HTTP/1.0\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' +
        smuggled,
      'GET /api/mizan/session/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n' + smuggled,
      'GET /api/mizan/session/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\n folded\r\n\r\n' + smuggled,
      'GET /api/mizan/session/ HTTP/1.1\r\n\r\n' + smuggled,
    ]) {
      const r = await exchange(ctx.server.port, bad);
      expect(r.statuses, bad.split('\r\n').slice(0, 3).join(' | ')).toEqual([400]);
    }
    const listed = (await alice.context('todos')).json<{ list_todos: unknown[] }>().list_todos;
    expect(listed).toEqual([]);
  });

  it('a chunked body over 1 MiB is 413', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const parts: string[] = [
      `POST /api/mizan/call/add_todo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nCookie: ${auth['Cookie']}\r\nX-CSRF-Token: ${auth['X-CSRF-Token']}\r\nTransfer-Encoding: chunked\r\n\r\n`,
    ];
    for (let i = 0; i < 17; i++) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    parts.push('0\r\n\r\n');
    const r = await exchange(ctx.server.port, parts, { expect: 1 });
    expect(r.statuses).toEqual([413]);
    expect(lastBody(r.text)).toContain('"payload_too_large"');
  });

  it('pipelined requests are answered in order', async () => {
    const one = requestBytes('GET', '/api/mizan/ctx/todos/', { Cookie: auth['Cookie']! });
    const bad = requestBytes('GET', '/api/mizan/ctx/nope/', {});
    const r = await exchange(ctx.server.port, [one, bad, one, bad, one], { expect: 5 });
    expect(r.statuses).toEqual([200, 404, 200, 404, 200]);
  });
});

describe('slow and silent clients', () => {
  it('a client sending a byte every 500 ms does not block another client', async () => {
    const slow = await open(ctx.server.port);
    const bytes = requestBytes('GET', '/api/mizan/session/', {});
    let stop = false;
    const drip = (async () => {
      for (let i = 0; i < bytes.length && !stop; i++) {
        slow.write(bytes.subarray(i, i + 1));
        await sleep(500);
      }
    })();
    await sleep(600);
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const r = await exchange(ctx.server.port, requestBytes('GET', '/api/mizan/session/', {}), { expect: 1 });
      expect(r.statuses).toEqual([200]);
      expect(Date.now() - started).toBeLessThan(1000);
      await sleep(300);
    }
    stop = true;
    await drip;
    slow.destroy();
  });

  it('clients that connect and say nothing do not block others', async () => {
    const silent = await Promise.all(Array.from({ length: 50 }, () => open(ctx.server.port)));
    try {
      const started = Date.now();
      const r = await exchange(ctx.server.port, requestBytes('GET', '/api/mizan/session/', {}), { expect: 1 });
      expect(r.statuses).toEqual([200]);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      for (const s of silent) s.destroy();
    }
  });
});
