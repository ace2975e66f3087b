import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../createClient.js';
import type { ClientOptions } from '../types.js';
import { deferred, fail, fakeFetch, flush, json, text, tick } from './fakes.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_700_000_000_000);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const setup = (routes: Parameters<typeof fakeFetch>[0], options: ClientOptions = {}, ignoreAbort = false) => {
  const net = fakeFetch(routes, { ignoreAbort });
  const client = createClient({ fetch: net.fetch, ...options });
  return { ...net, client };
};

describe('dedup', () => {
  it('shares one fetch between observers, refetch and load of one entry', async () => {
    const reply = deferred<Response>();
    const { client, calls } = setup({ 'ctx/todos/': () => reply.promise });
    client.observe('todos', {}).subscribe(() => {});
    client.observe('todos').subscribe(() => {});
    const obs = client.observe('todos', {});
    const refetched = obs.refetch();
    const loaded = client.load('todos');
    await flush();
    reply.resolve(json({ n: 1 }));
    expect(await loaded).toEqual({ n: 1 });
    expect((await refetched).data).toEqual({ n: 1 });
    expect(calls).toHaveLength(1);
  });

  it('fetches different params separately', async () => {
    const { client, calls } = setup({ 'ctx/todo/': () => json({}) });
    client.observe('todo', { id: 1 }).subscribe(() => {});
    client.observe('todo', { id: 2 }).subscribe(() => {});
    await flush();
    expect(calls).toHaveLength(2);
  });
});

describe('retries', () => {
  it('retries 5xx with exponential backoff and jitter, then succeeds', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // the upper bound of the jitter
    let n = 0;
    const { client, calls } = setup({ 'ctx/t/': () => (++n < 3 ? fail(503, 'unavailable') : json({ ok: 1 })) });
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await tick(0);
    expect(calls).toHaveLength(1);
    await tick(999); // first delay ~1000 ms
    expect(calls).toHaveLength(1);
    await tick(1);
    expect(calls).toHaveLength(2);
    expect(obs.getSnapshot()).toMatchObject({ status: 'loading', isFetching: true });
    await tick(1998); // second delay ~2000 ms
    expect(calls).toHaveLength(2);
    await tick(2);
    expect(calls).toHaveLength(3);
    expect(obs.getSnapshot()).toMatchObject({ status: 'success', data: { ok: 1 } });
  });

  it('draws the jitter between half and all of the backoff', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { client, calls } = setup({ 'ctx/t/': () => fail(500, 'internal') });
    client.observe('t', {}).subscribe(() => {});
    await tick(0);
    await tick(499);
    expect(calls).toHaveLength(1);
    await tick(1);
    expect(calls).toHaveLength(2);
  });

  it('respects the retry limit and stores the last error', async () => {
    const { client, calls } = setup({ 'ctx/t/': () => fail(500, 'internal', 'boom') }, { retry: 2, retryDelay: () => 10 });
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await tick(100);
    expect(calls).toHaveLength(3);
    expect(obs.getSnapshot()).toMatchObject({ status: 'error', isFetching: false });
    expect(obs.getSnapshot().error).toMatchObject({ code: 'internal', status: 500, message: 'boom' });
    await tick(60_000);
    expect(calls).toHaveLength(3);
  });

  it('retries network errors and reports code network, status 0', async () => {
    const { client, calls } = setup({ 'ctx/t/': () => new TypeError('fetch failed') }, { retry: 1, retryDelay: () => 5 });
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await tick(10);
    expect(calls).toHaveLength(2);
    expect(obs.getSnapshot().error).toMatchObject({ code: 'network', status: 0 });
  });

  it('retries a proxy error page that is not JSON, as a 5xx', async () => {
    let n = 0;
    const { client, calls } = setup(
      { 'ctx/t/': () => (++n == 1 ? text('<html>Bad gateway</html>', 502) : json({ ok: 1 })) },
      { retryDelay: () => 5 },
    );
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await tick(10);
    expect(calls).toHaveLength(2);
    expect(obs.getSnapshot().status).toBe('success');
  });

  it.each([
    [400, 'bad_request'],
    [401, 'unauthenticated'],
    [404, 'not_found'],
    [429, 'rate_limited'],
  ])('never retries a %i', async (status, code) => {
    const { client, calls } = setup({ 'ctx/t/': () => fail(status, code) }, { retryDelay: () => 5 });
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await tick(1000);
    expect(calls).toHaveLength(1);
    expect(obs.getSnapshot().error).toMatchObject({ code, status });
  });

  it('reports a 200 that is not JSON as bad_response without retrying', async () => {
    const { client, calls } = setup({ 'ctx/t/': () => text('<html>') }, { retryDelay: () => 5 });
    await expect(client.load('t')).rejects.toMatchObject({ code: 'bad_response', status: 200 });
    await tick(100);
    expect(calls).toHaveLength(1);
  });

  it('never retries a mutation, even on 503 or a network error', async () => {
    const { client, calls } = setup(
      {
        'session/': () => json({ user: null, csrf_token: 't' }),
        'call/a/': () => fail(503, 'unavailable'),
        'call/b/': () => new TypeError('reset'),
      },
      { retryDelay: () => 5 },
    );
    await expect(client.call('a')).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    await expect(client.call('b')).rejects.toMatchObject({ code: 'network', status: 0 });
    await tick(1000);
    expect(calls.filter((c) => c.method == 'POST')).toHaveLength(2);
  });
});

describe('timeouts and cancellation', () => {
  it('times out with code timeout and aborts the request', async () => {
    const { client, calls } = setup({ 'ctx/t/': () => new Promise(() => {}) }, { timeout: 1000, retry: 0 });
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await tick(999);
    expect(obs.getSnapshot().isFetching).toBe(true);
    await tick(1);
    expect(obs.getSnapshot().error).toMatchObject({ code: 'timeout', status: 0 });
    expect(calls[0]!.signal.aborted).toBe(true);
  });

  it('cancel() aborts the fetch in flight and restores the previous status', async () => {
    let n = 0;
    const { client, calls } = setup({ 'ctx/t/': () => (++n == 1 ? json({ v: 1 }) : new Promise(() => {})) });
    const obs = client.observe('t', { id: 1 });
    obs.subscribe(() => {});
    await flush();
    void obs.refetch();
    await flush();
    client.cancel({ context: 't', params: { id: 1 } });
    expect(calls[1]!.signal.aborted).toBe(true);
    expect(obs.getSnapshot()).toMatchObject({ status: 'success', isFetching: false, data: { v: 1 } });
  });

  it('cancel() of a first load goes back to idle', async () => {
    const { client } = setup({ 'ctx/t/': () => new Promise(() => {}) });
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await flush();
    client.cancel('t');
    expect(obs.getSnapshot()).toMatchObject({ status: 'idle', isFetching: false });
  });

  it('ignores the late response of a cancelled fetch even if the network ignores the abort', async () => {
    const late = deferred<Response>();
    const { client } = setup({ 'ctx/t/': () => late.promise }, {}, true);
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await flush();
    client.cancel('t');
    late.resolve(json({ v: 'late' }));
    await flush();
    expect(obs.getSnapshot()).toMatchObject({ status: 'idle', data: undefined });
  });

  it('a newer fetch of the same entry wins over an older one that answers later', async () => {
    const replies = [deferred<Response>(), deferred<Response>()];
    let n = 0;
    const { client } = setup({ 'ctx/t/': () => replies[n++]!.promise }, {}, true);
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await flush();
    client.invalidate(['t']);
    await tick(10);
    replies[1]!.resolve(json({ v: 'new' }));
    await flush();
    replies[0]!.resolve(json({ v: 'old' }));
    await flush();
    expect(obs.getSnapshot().data).toEqual({ v: 'new' });
  });

  it('aborts a call with its signal', async () => {
    const { client, calls } = setup({
      'session/': () => json({ user: null, csrf_token: 't' }),
      'call/slow/': () => new Promise(() => {}),
    });
    const ctrl = new AbortController();
    const p = client.call('slow', {}, { signal: ctrl.signal });
    await flush();
    ctrl.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls.find((c) => c.method == 'POST')!.signal.aborted).toBe(true);
    await expect(client.call('slow', {}, { signal: ctrl.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('ETag revalidation', () => {
  it('sends If-None-Match and keeps the same data object on 304', async () => {
    let n = 0;
    const { client, calls } = setup({
      'ctx/t/': () => (++n == 1 ? json({ v: 1 }, 200, { etag: '"a1"' }) : text('', 304)),
    });
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await flush();
    const data = obs.getSnapshot().data;
    vi.setSystemTime(1_700_000_005_000);
    await obs.refetch();
    expect(calls[1]!.headers['if-none-match']).toBe('"a1"');
    expect(obs.getSnapshot().data).toBe(data);
    expect(obs.getSnapshot().updatedAt).toBe(1_700_000_005_000);
  });
});

describe('regressions', () => {
  it('does not send If-None-Match after local writes (a 304 would bless local data)', async () => {
    const { client, calls } = setup({ 'ctx/t/': () => json({ v: 'server' }, 200, { etag: '"s1"' }) });
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await flush();
    client.setData('t', {}, () => ({ v: 'local' }));
    await obs.refetch();
    expect(calls[1]!.headers['if-none-match']).toBeUndefined();
    expect(obs.getSnapshot().data).toEqual({ v: 'server' });
  });

  it('reports a view-path network failure as a MizanError', async () => {
    const { client } = setup({ 'export.csv': () => new TypeError('fetch failed') });
    await expect(client.view('/todos/export.csv')).rejects.toMatchObject({ name: 'MizanError', code: 'network' });
  });
});

describe('refetch on focus and reconnect', () => {
  const windowEvents = () => {
    const target = new EventTarget();
    vi.stubGlobal('addEventListener', target.addEventListener.bind(target));
    vi.stubGlobal('removeEventListener', target.removeEventListener.bind(target));
    return (name: string) => target.dispatchEvent(new Event(name));
  };

  it('refetches stale mounted entries when the page becomes visible, not unmounted or fresh ones', async () => {
    const fire = windowEvents();
    const { client, count } = setup({ 'ctx/': () => json({}) });
    client.observe('stale', {}).subscribe(() => {});
    client.observe('fresh', {}, { staleTime: 60_000 }).subscribe(() => {});
    const gone = client.observe('gone', {});
    gone.subscribe(() => {})();
    await flush();
    fire('visibilitychange');
    await flush();
    expect([count('stale'), count('fresh'), count('gone')]).toEqual([2, 1, 1]);
  });

  it('ignores focus alone (it fires on every click back from devtools or an iframe)', async () => {
    const fire = windowEvents();
    const { client, calls } = setup({ 'ctx/': () => json({}) });
    client.observe('t', {}).subscribe(() => {});
    await flush();
    fire('focus');
    await flush();
    expect(calls).toHaveLength(1);
  });

  it('does not refetch while the document is hidden', async () => {
    const fire = windowEvents();
    vi.stubGlobal('document', { visibilityState: 'hidden' });
    const { client, calls } = setup({ 'ctx/': () => json({}) }, { broadcast: false });
    client.observe('t', {}).subscribe(() => {});
    await flush();
    fire('visibilitychange');
    await flush();
    expect(calls).toHaveLength(1);
  });

  it('refetches on online, and can be turned off', async () => {
    const fire = windowEvents();
    const on = setup({ 'ctx/': () => json({}) });
    const off = setup({ 'ctx/': () => json({}) }, { refetchOnFocus: false, refetchOnReconnect: false });
    on.client.observe('t', {}).subscribe(() => {});
    off.client.observe('t', {}).subscribe(() => {});
    await flush();
    fire('online');
    fire('visibilitychange');
    await flush();
    expect(on.calls).toHaveLength(2);
    expect(off.calls).toHaveLength(1);
  });

  it('removes its listeners on destroy', async () => {
    const fire = windowEvents();
    const { client, calls } = setup({ 'ctx/': () => json({}) });
    client.observe('t', {}).subscribe(() => {});
    await flush();
    client.destroy();
    fire('visibilitychange');
    fire('online');
    await flush();
    expect(calls).toHaveLength(1);
  });
});
