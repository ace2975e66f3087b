import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../createClient.js';
import { dehydrate } from '../dehydrate.js';
import { deferred, FakeWebSocket, fakeFetch, flush, json, tick } from './fakes.js';

afterEach(() => vi.useRealTimers());

describe('garbage collection', () => {
  it('keeps an entry without observers for gcTime, then drops it', async () => {
    vi.useFakeTimers();
    const { fetch, count } = fakeFetch({ 'ctx/t/': () => json({ v: 1 }) });
    const client = createClient({ fetch, gcTime: 1000, staleTime: Infinity });
    const stop = client.observe('t', {}).subscribe(() => {});
    await flush();
    stop();
    await tick(999);
    expect(dehydrate(client)).toEqual({ t: { v: 1 } });
    // A re-mount inside the window reuses the data without fetching.
    const again = client.observe('t', {});
    const stopAgain = again.subscribe(() => {});
    expect(again.getSnapshot()).toMatchObject({ status: 'success', data: { v: 1 } });
    stopAgain();
    await tick(1000);
    expect(dehydrate(client)).toEqual({});
    client.observe('t', {}).subscribe(() => {});
    await flush();
    expect(count('ctx/t/')).toBe(2);
  });

  it('does not collect an entry that is mounted again', async () => {
    vi.useFakeTimers();
    const { fetch } = fakeFetch({ 'ctx/t/': () => json({ v: 1 }) });
    const client = createClient({ fetch, gcTime: 1000 });
    const obs = client.observe('t', {});
    obs.subscribe(() => {})();
    obs.subscribe(() => {});
    await tick(5000);
    expect(dehydrate(client)).toEqual({ t: { v: 1 } });
  });

  it('survives a Strict Mode double mount with a single fetch', async () => {
    vi.useFakeTimers();
    const reply = deferred<Response>();
    const { fetch, calls } = fakeFetch({ 'ctx/t/': () => reply.promise });
    const client = createClient({ fetch });
    // React 18 Strict Mode: subscribe, unsubscribe, subscribe again at once.
    const obs = client.observe('t', {});
    const listener = vi.fn();
    obs.subscribe(listener)();
    obs.subscribe(listener);
    await flush();
    reply.resolve(json({ v: 1 }));
    await flush();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.signal.aborted).toBe(false);
    expect(obs.getSnapshot()).toMatchObject({ status: 'success', data: { v: 1 } });
    expect(listener).toHaveBeenCalled();
  });

  it('never fires a huge or infinite gcTime early', async () => {
    vi.useFakeTimers();
    const { fetch } = fakeFetch({ 'ctx/': () => json({ v: 1 }) });
    for (const gcTime of [Infinity, 2 ** 40]) {
      const client = createClient({ fetch, gcTime });
      client.observe('t', {}).subscribe(() => {})();
      await tick(10_000);
      expect(dehydrate(client)).toEqual({ t: { v: 1 } });
    }
  });

  it('aborts the fetch of an entry it collects', async () => {
    vi.useFakeTimers();
    const { fetch, calls } = fakeFetch({ 'ctx/t/': () => new Promise(() => {}) });
    const client = createClient({ fetch, gcTime: 100, timeout: 60_000 });
    client.observe('t', {}).subscribe(() => {})();
    await tick(100);
    expect(calls[0]!.signal.aborted).toBe(true);
  });
});

describe('timers and Node', () => {
  it('leaves no timer keeping the process alive (GC, coalescing, WebSocket)', async () => {
    const { fetch } = fakeFetch({ 'ctx/': () => json({ v: 1 }) });
    const before = process.getActiveResourcesInfo().filter((r) => r == 'Timeout').length;
    const client = createClient({
      fetch,
      baseUrl: 'http://x.test',
      websocket: { WebSocket: FakeWebSocket as never, ping: 50 },
    });
    FakeWebSocket.last().open(); // starts the ping timer
    client.observe('t', {}).subscribe(() => {})(); // GC timer
    await new Promise((r) => setImmediate(r));
    client.invalidate(['t']); // coalescing timer
    FakeWebSocket.last().drop(); // reconnect timer
    const after = process.getActiveResourcesInfo().filter((r) => r == 'Timeout').length;
    expect(after).toBe(before);
    client.destroy();
  });
});
