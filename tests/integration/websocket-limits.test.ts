// The WebSocket endpoint's limits across processes (docs/protocol.md
// "WebSocket", "Limits and close codes"): oversized, binary, invalid UTF-8
// and flooding clients are closed with their codes; silent peers are pinged
// and dropped; a peer that stops reading costs bounded memory; shutdown
// closes with 1001; the connection cap answers 503. After each attack the
// server still serves others.
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, signedIn } from './agent.js';
import { startServer, useServer, type TodoServer } from './server.js';
import {
  closeAll,
  connect,
  expectRefusal,
  refusal,
  sleep,
  tcpOf,
  unreadBytes,
  type Client,
  type Frame,
} from './ws.js';

const ctx = useServer();
const maxMessage = 64 * 1024;

afterEach(async () => {
  await closeAll();
  // Whatever happened, a fresh socket and an HTTP request still work.
  expect(ctx.server.running, ctx.server.output()).toBe(true);
  const fresh = await connect(ctx.server, { name: 'fresh' });
  await fresh.ping();
  await fresh.close();
  expect((await new Agent(ctx.server.origin).request('/api/mizan/session/')).status).toBe(200);
});

/** Waits for the close of `c` and asserts its code (the frames received show in the message). */
async function expectClosed(c: Client, code: number): Promise<void> {
  const closed = await c.waitClosed();
  expect(closed.code, `${c.name}: ${c.log()}\n${ctx.server.output().slice(-2000)}`).toBe(code);
}

/** A ping op padded with an unknown member to exactly `bytes` bytes. */
function paddedPing(bytes: number): string {
  const head = '{"op":"ping","pad":"';
  const tail = '"}';
  return head + 'x'.repeat(bytes - head.length - tail.length) + tail;
}

describe('hostile frames', () => {
  it(`a message of ${maxMessage} bytes is read; one byte more closes with 1009`, async () => {
    const c = await connect(ctx.server);
    c.ws.send(paddedPing(maxMessage));
    await c.next((f) => f.op === 'pong', 'pong to the largest message');
    c.ws.send(paddedPing(maxMessage + 1));
    await expectClosed(c, 1009);
    expect(c.frames.map((f) => f.op)).toEqual(['pong']);
  });

  it('a message over the limit in fragments closes with 1009 too', async () => {
    const c = await connect(ctx.server);
    const half = 'x'.repeat(maxMessage / 2 + 1);
    c.ws.send(`{"op":"ping","pad":"${half}`, { fin: false });
    c.ws.send(`${half}"}`, { fin: true });
    await expectClosed(c, 1009);
    expect(c.frames).toEqual([]);
  });

  it('a binary frame closes with 1003', async () => {
    const c = await connect(ctx.server);
    c.ws.send(Buffer.from('{"op":"ping"}'), { binary: true });
    await expectClosed(c, 1003);
    expect(c.frames).toEqual([]);
  });

  it('invalid UTF-8 in a text frame closes with 1007', async () => {
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80]]) {
      const c = await connect(ctx.server);
      const bytes = Buffer.concat([Buffer.from('{"op":"ping","x":"'), Buffer.from(bad), Buffer.from('"}')]);
      c.ws.send(bytes, { binary: false });
      await expectClosed(c, 1007);
      expect(c.frames, JSON.stringify(bad)).toEqual([]);
    }
  });

  it('a flood of 500 operations at once closes with 1008 after the burst of 100', async () => {
    const c = await connect(ctx.server);
    for (let i = 0; i < 500; i++) c.send({ op: 'ping' });
    await expectClosed(c, 1008);
    // The burst (twice the rate of 50 a second) was answered, then nothing.
    const pongs = c.frames.filter((f) => f.op === 'pong').length;
    expect(pongs).toBeGreaterThanOrEqual(100);
    expect(pongs).toBeLessThan(500);
    expect(c.frames.every((f) => f.op === 'pong')).toBe(true);
  });

  it('the flood closes only the flooding socket', async () => {
    const bystander = await connect(ctx.server, { name: 'bystander' });
    const c = await connect(ctx.server, { name: 'flood' });
    for (let i = 0; i < 500; i++) c.send({ op: 'ping' });
    await expectClosed(c, 1008);
    await bystander.ping();
    expect(bystander.open).toBe(true);
  });
});

/** Resolves once `value()` has not changed for `quietMs` (or after `maxMs`). */
async function settled(value: () => number, quietMs = 250, maxMs = 5_000): Promise<number> {
  const end = Date.now() + maxMs;
  let last = value();
  let since = Date.now();
  while (Date.now() < end) {
    await sleep(50);
    const now = value();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      break;
    }
  }
  return last;
}

/**
 * A frame the server answers with an error echoing its id: a way for a
 * client to make the server write about `bytes` to it. With unreadBytes
 * (Linux's /proc/net/tcp), a test knows when the kernel's buffers are full
 * and the server starts holding frames in its own queue.
 */
function bait(n: number, bytes: number): string {
  return JSON.stringify({ op: 'bait', id: `${n}:${'b'.repeat(bytes)}` });
}
const baitBytes = 60_000;
/** What the server writes for one bait: its id, the error around it, the frame header. */
const answerBytes = baitBytes + 120;

/** `marker` adds a todo; `watcher` hears of it within 5 s, whatever a stuck peer does. */
async function expectHeardPromptly(marker: Awaited<ReturnType<typeof signedIn>>, watcher: Client): Promise<void> {
  const started = Date.now();
  await marker.agent.addTodo('marker');
  await watcher.next(
    (f) => f.op === 'msg' && (f['data'] as { username: string }).username === marker.user.username,
    'the marker message',
  );
  expect(Date.now() - started).toBeLessThan(5_000);
}

describe('a peer that stops reading', () => {
  it('has its pushes replaced by one {"op":"refetch"}; the others get theirs at once', async () => {
    const writers = await Promise.all(Array.from({ length: 6 }, () => signedIn(ctx.server.origin)));
    const marker = await signedIn(ctx.server.origin);
    const watcher = await connect(ctx.server, { name: 'watcher' });
    watcher.send({ op: 'sub', channel: 'activity' });
    await watcher.ping();
    const stuck = await connect(ctx.server, { name: 'stuck' });
    tcpOf(stuck).pause();
    // The server's ping deadline counts what the peer sends, not what it reads.
    const keepAlive = setInterval(() => stuck.send({ op: 'ping' }), 1_000);
    try {
      // Fill the kernel's buffers with answers the client does not read,
      // until the server holds some in its own queue: its writer is blocked.
      // Six at a time keeps what it holds under the queue's 1 MiB (answers
      // cannot be dropped: more would close the socket, the next test).
      let sent = 0;
      let held = 0;
      const unread = (quietMs: number): Promise<number> => settled(() => unreadBytes(stuck, ctx.server.port), quietMs);
      for (let round = 0; round < 60; round++) {
        for (let i = 0; i < 6; i++) stuck.ws.send(bait(sent++, baitBytes));
        held = sent * answerBytes - (await unread(250));
        // A busy server may just not have written them yet: look again, longer.
        if (held >= 2 * answerBytes) held = sent * answerBytes - (await unread(1_000));
        if (held >= 2 * answerBytes) break;
      }
      expect(held, 'the server never held an answer back').toBeGreaterThanOrEqual(2 * answerBytes);

      // 300 pushes more than the 256 frames a queue may hold.
      const mutations = 300;
      for (let i = 0; i < mutations / writers.length; i++) {
        await Promise.all(writers.map((w) => w.agent.addTodo(`push ${i}`)));
      }
      // Another socket hears a new mutation at once, stuck peer or not.
      await expectHeardPromptly(marker, watcher);
      expect(watcher.pushed().filter((e) => e === 'stats').length).toBeGreaterThanOrEqual(mutations);

      // Reading again, the peer gets every answer (never dropped), then a refetch.
      clearInterval(keepAlive);
      tcpOf(stuck).resume();
      await stuck.next((f) => f.op === 'refetch', 'refetch', 0, 30_000);
      await stuck.until(
        () => (stuck.frames.filter((f) => f.op === 'error').length === sent ? true : undefined),
        'every bait answer',
        30_000,
      );
      expect(stuck.texts.filter((t) => t === '{"op":"refetch"}').length).toBeGreaterThanOrEqual(1);
      const stats = stuck.pushed().filter((e) => e === 'stats').length;
      expect(stats, 'pushes were dropped, not queued without bound').toBeLessThan(mutations);
      // Still open, and hearing new pushes.
      await stuck.ping();
      const from = stuck.frames.length;
      await marker.agent.addTodo('after the refetch');
      await stuck.next((f: Frame) => f.op === 'invalidate', 'a push after the refetch', from);
      expect(stuck.open).toBe(true);
    } finally {
      clearInterval(keepAlive);
    }
  }, 60_000);

  it('is closed with 4008 when answers it does not read pile up', async () => {
    const marker = await signedIn(ctx.server.origin);
    const watcher = await connect(ctx.server, { name: 'watcher' });
    watcher.send({ op: 'sub', channel: 'activity' });
    await watcher.ping();
    const stuck = await connect(ctx.server, { name: 'stuck' });
    tcpOf(stuck).pause();
    // Answers cannot be dropped: twice 95 of 60 KB (within the burst of
    // 100) is more than the kernel's buffers and the 1 MiB queue together.
    for (let i = 0; i < 95; i++) stuck.ws.send(bait(i, baitBytes));
    await sleep(2_100); // the token bucket refills
    for (let i = 95; i < 190; i++) stuck.ws.send(bait(i, baitBytes));
    await settled(() => unreadBytes(stuck, ctx.server.port), 1_000);

    await expectHeardPromptly(marker, watcher);

    tcpOf(stuck).resume();
    const closed = await stuck.waitClosed(30_000);
    const answers = stuck.frames.filter((f) => f.op === 'error').length;
    expect(answers).toBeLessThan(190);
    expect(closed.code, `after ${answers} answers\n${ctx.server.output().slice(-1000)}`).toBe(4008);
  }, 60_000);
});

describe('with a short ping interval', () => {
  const pingMs = 1_000;

  it('pings a silent socket after MIZAN_WS_PING_MS and drops it as long again without an answer', async () => {
    const server = await startServer({ MIZAN_WS_PING_MS: String(pingMs) });
    try {
      const silent = await connect(server, { name: 'silent', autoPong: false });
      const alive = await connect(server, { name: 'alive' });
      const closed = await silent.waitClosed(2 * pingMs + 10_000);
      // No close frame: the peer is gone.
      expect(closed.code).toBe(1006);
      expect(silent.pings.length, 'pinged before being dropped').toBeGreaterThanOrEqual(1);
      // docs/protocol.md: pinged once silent for MIZAN_WS_PING_MS, closed once silent for twice that.
      const firstPing = silent.pings[0]! - silent.openedAt;
      expect(firstPing, 'the first ping came early').toBeGreaterThanOrEqual(0.9 * pingMs);
      expect(closed.at - silent.openedAt, 'closed early').toBeGreaterThanOrEqual(1.8 * pingMs);
      // A peer that answers pings stays: several rounds later it still works.
      await alive.until(() => (alive.pings.length >= 3 ? true : undefined), 'three pings', 10 * pingMs);
      await alive.ping();
      expect(alive.closedWith).toBeUndefined();
    } finally {
      await closeAll();
      await server.dispose();
    }
  }, 40_000);
});

describe('server limits', () => {
  it('SIGTERM closes every open socket with 1001, then the server exits 0', async () => {
    const server = await startServer();
    let stopped = false;
    try {
      const { agent } = await signedIn(server.origin);
      const anonymous = await connect(server, { name: 'anonymous' });
      const user = await connect(server, { name: 'signed in', cookie: agent.cookieHeader() });
      const listening = await connect(server, { name: 'subscribed' });
      listening.send({ op: 'sub', channel: 'activity' });
      await listening.ping();
      const exited = server.stop('SIGTERM');
      for (const c of [anonymous, user, listening]) {
        const closed = await c.waitClosed();
        expect(closed.code, c.log()).toBe(1001);
      }
      expect(await exited, server.output()).toEqual({ code: 0, signal: null });
      stopped = true;
    } finally {
      await closeAll();
      if (!stopped) await server.stop('SIGKILL');
      await server.dispose().catch(() => {});
    }
  });

  it('MIZAN_WS_MAX_CONNECTIONS: the handshake beyond the cap is 503 with Retry-After', async () => {
    const server = await startServer({ MIZAN_WS_MAX_CONNECTIONS: '3' });
    try {
      const open: Client[] = [];
      for (let i = 0; i < 3; i++) open.push(await connect(server, { name: `socket ${i}` }));
      const r = await refusal(server);
      expectRefusal(r, 503, 'unavailable');
      expect(r.headers['retry-after']).toBe('1');
      // HTTP is not capped, and the open sockets still work.
      expect((await new Agent(server.origin).request('/api/mizan/session/')).status).toBe(200);
      for (const c of open) await c.ping();
      // A closed socket frees its place (once the server has seen it go).
      await open[0]!.close();
      const deadline = Date.now() + 10_000;
      let again: Client | undefined;
      while (!again) {
        try {
          again = await connect(server, { name: 'after a close' });
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await sleep(100);
        }
      }
      await again.ping();
      expectRefusal(await refusal(server), 503, 'unavailable');
    } finally {
      await closeAll();
      await server.dispose();
    }
  });
});
