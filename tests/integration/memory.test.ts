// Memory under hostile and heavy use, measured as the process's resident set
// (VmRSS) of the release build: ASan's allocator keeps freed memory in
// quarantine, so these figures mean something only without it.
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, responses, sleep } from './raw.js';
import { startReleaseServer, type TodoServer } from './server.js';

const MiB = 1024 * 1024;
const cacheBudget = 16 * MiB;

let server: TodoServer;
beforeAll(async () => {
  server = await startReleaseServer({ MIZAN_CACHE_BYTES: String(cacheBudget) });
});
afterAll(async () => {
  await server?.dispose();
});

function rss(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}

/** Sends one request on a kept-alive socket and waits for its whole answer. */
function ask(socket: Socket, request: Buffer | string): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      const whole = responses(text);
      if (whole.length > 0) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve(whole[0]!.status);
      }
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.write(request);
  });
}

function largeBody(bytes: number): Buffer {
  const head = `POST /api/mizan/call/add_todo/ HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n`;
  const body = Buffer.alloc(bytes, ' ');
  body.write('{"title":"');
  body.write('"}', bytes - 2);
  return Buffer.concat([Buffer.from(head), body]);
}

describe('memory', () => {
  // Regression: each kept-alive connection kept the capacity of the largest
  // body it had read, so 200 idle connections held about 200 MiB.
  it('200 kept-alive connections that each sent a 1 MB body hold under 24 MiB, and give it back', async () => {
    const before = rss();
    const request = largeBody(1_000_000);
    const sockets: Socket[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const opened = await Promise.all(Array.from({ length: 20 }, () => open(server.port)));
      const statuses = await Promise.all(opened.map((s) => ask(s, request)));
      for (const status of statuses) expect([403, 422]).toContain(status);
      sockets.push(...opened);
    }
    await sleep(200);
    const held = rss() - before;
    for (const s of sockets) s.destroy();
    await sleep(500);
    const after = rss() - before;
    if (process.env['MIZAN_MEMORY_REPORT']) console.log(`bodies: held ${held / MiB} MiB, after close ${after / MiB} MiB`);
    expect(held, `RSS grew ${(held / MiB).toFixed(1)} MiB with 200 idle connections`).toBeLessThan(24 * MiB);
    expect(after, `RSS ${(after / MiB).toFixed(1)} MiB over the start once they closed`).toBeLessThan(8 * MiB);
  });

  // Regression: the cache budget counted a fixed 256 bytes per entry beside
  // its payload, so 64 MiB of budget took about 100 MiB of memory.
  it('the origin cache stays within its budget: RSS under budget + 20 % beyond the warmed-up baseline', async () => {
    const socket = await open(server.port);
    const get = (limit: number, minDone: number): Promise<number> =>
      ask(socket, `GET /api/mizan/ctx/leaderboard/?limit=${limit}&min_done=${minDone} HTTP/1.1\r\nHost: t\r\n\r\n`);
    // Warm up every thread's allocator and SQLite's page cache on a few keys.
    for (let i = 0; i < 2000; i++) expect(await get(1 + (i % 100), 0)).toBe(200);
    const baseline = rss();
    // About four budgets' worth of distinct entries.
    const sockets = [socket, ...(await Promise.all(Array.from({ length: 7 }, () => open(server.port))))];
    let next = 0;
    const total = 80_000;
    await Promise.all(
      sockets.map(async (s) => {
        for (let i = next++; i < total; i = next++) {
          const status = await ask(
            s,
            `GET /api/mizan/ctx/leaderboard/?limit=${1 + (i % 100)}&min_done=${1 + Math.floor(i / 100)} HTTP/1.1\r\nHost: t\r\n\r\n`,
          );
          if (status !== 200) throw new Error(`status ${status}`);
        }
      }),
    );
    const grown = rss() - baseline;
    if (process.env['MIZAN_MEMORY_REPORT']) console.log(`cache: grew ${grown / MiB} MiB, baseline ${baseline / MiB} MiB`);
    for (const s of sockets) s.destroy();
    expect(grown, `RSS grew ${(grown / MiB).toFixed(1)} MiB for a ${cacheBudget / MiB} MiB cache`).toBeLessThan(
      cacheBudget * 1.2,
    );
  }, 120_000);
});
