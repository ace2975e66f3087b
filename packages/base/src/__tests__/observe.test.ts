import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../createClient.js';
import { MizanError } from '../MizanError.js';
import type { ClientOptions, ContextRef } from '../types.js';
import { deferred, fail, fakeFetch, flush, json } from './fakes.js';

const NOW = 1_700_000_000_000;
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

type Todos = { list_todos: string[] };
const todos: ContextRef<Todos, Record<string, never>> = { context: 'todos' };

const setup = (routes: Parameters<typeof fakeFetch>[0], options: ClientOptions = {}) => {
  const net = fakeFetch(routes);
  const client = createClient({ fetch: net.fetch, ...options });
  return { ...net, client };
};

describe('context observer states', () => {
  it('goes idle -> loading -> success with the fetched data', async () => {
    const reply = deferred<Response>();
    const { client, calls } = setup({ 'GET /api/mizan/ctx/todos/': () => reply.promise });
    const obs = client.observe(todos, {}, { enabled: false });
    expect(obs.getSnapshot()).toMatchObject({ status: 'idle', isFetching: false, data: undefined, updatedAt: 0 });

    obs.setOptions({});
    const states: string[] = [];
    obs.subscribe(() => states.push(obs.getSnapshot().status + (obs.getSnapshot().isFetching ? '+' : '')));
    expect(obs.getSnapshot()).toMatchObject({ status: 'loading', isFetching: true, data: undefined });
    await flush();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/api/mizan/ctx/todos/');

    vi.setSystemTime(NOW + 50);
    reply.resolve(json({ list_todos: ['a'] }));
    await flush();
    expect(obs.getSnapshot()).toEqual({
      status: 'success',
      data: { list_todos: ['a'] },
      error: undefined,
      isFetching: false,
      updatedAt: NOW + 50,
    });
    expect(states).toEqual(['loading+', 'success']);
  });

  it('reports loading before the first subscriber when it is about to fetch', () => {
    const { client, calls } = setup({});
    const obs = client.observe(todos, {});
    const first = obs.getSnapshot();
    expect(first).toMatchObject({ status: 'loading', isFetching: true });
    expect(obs.getSnapshot()).toBe(first);
    expect(calls).toHaveLength(0);
  });

  it('stores a typed error and does not retry a 4xx', async () => {
    const { client, calls } = setup({ 'ctx/todo/': () => fail(404, 'not_found', 'No such todo') });
    const obs = client.observe('todo', { id: 9 });
    obs.subscribe(() => {});
    await flush();
    const s = obs.getSnapshot();
    expect(s.status).toBe('error');
    expect(s.error).toBeInstanceOf(MizanError);
    expect(s.error).toMatchObject({ code: 'not_found', status: 404, message: 'No such todo', fields: {} });
    expect(calls.map((c) => c.url)).toEqual(['/api/mizan/ctx/todo/?id=9']);
  });

  it('keeps showing the last data during a background refetch (stale-while-revalidate)', async () => {
    let n = 0;
    const second = deferred<Response>();
    const { client } = setup({ 'ctx/todos/': () => (++n == 1 ? json({ list_todos: ['a'] }) : second.promise) });
    const obs = client.observe(todos, {});
    obs.subscribe(() => {});
    await flush();
    const first = obs.getSnapshot();
    void obs.refetch();
    expect(obs.getSnapshot()).toMatchObject({ status: 'success', isFetching: true, data: { list_todos: ['a'] } });
    expect(obs.getSnapshot().data).toBe(first.data);
    second.resolve(json({ list_todos: ['a', 'b'] }));
    await flush();
    expect(obs.getSnapshot()).toMatchObject({ status: 'success', isFetching: false, data: { list_todos: ['a', 'b'] } });
  });

  it('keeps the last data when a refetch fails', async () => {
    let n = 0;
    const { client } = setup({ 'ctx/todos/': () => (++n == 1 ? json({ list_todos: ['a'] }) : fail(403, 'forbidden')) });
    const obs = client.observe(todos, {});
    obs.subscribe(() => {});
    await flush();
    const s = await obs.refetch();
    expect(s).toMatchObject({ status: 'error', data: { list_todos: ['a'] }, isFetching: false });
    expect(s.error?.code).toBe('forbidden');
  });

  it('keeps an error while loading again, so a view chosen by it does not flicker', async () => {
    let n = 0;
    const again = deferred<Response>();
    const { client } = setup({ 'ctx/todos/': () => (++n == 1 ? fail(403, 'forbidden') : again.promise) });
    const obs = client.observe(todos, {});
    const seen: string[] = [];
    obs.subscribe(() => seen.push(obs.getSnapshot().status));
    await flush();
    expect(obs.getSnapshot().status).toBe('error');
    seen.length = 0;
    void obs.refetch();
    expect(obs.getSnapshot()).toMatchObject({ status: 'error', error: { code: 'forbidden' }, isFetching: true });
    again.resolve(json({ list_todos: [] }));
    await flush();
    expect(obs.getSnapshot()).toMatchObject({ status: 'success', error: undefined, isFetching: false });
    expect(seen).not.toContain('loading');
  });
});

describe('snapshots and notifications', () => {
  it('returns the same snapshot object until something changes', async () => {
    const { client } = setup({ 'ctx/': () => json({ f: 1 }) });
    const a = client.observe('a', {});
    const b = client.observe('b', {});
    a.subscribe(() => {});
    await flush();
    const snap = a.getSnapshot();
    b.subscribe(() => {});
    await flush();
    expect(a.getSnapshot()).toBe(snap);
    expect(a.getSnapshot()).toBe(a.getSnapshot());
  });

  it('notifies after the state is complete, once per change', async () => {
    const reply = deferred<Response>();
    const { client } = setup({ 'ctx/todos/': () => reply.promise });
    const obs = client.observe(todos, {});
    const seen: unknown[] = [];
    obs.subscribe(() => seen.push(obs.getSnapshot()));
    reply.resolve(json({ list_todos: [] }));
    await flush();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ status: 'success', isFetching: false, data: { list_todos: [] } });
  });

  it('calls a listener watching many entries once when one action changes them all', async () => {
    const { client } = setup({ 'ctx/': () => json({ f: 1 }) });
    const listener = vi.fn();
    const observers = ['a', 'b', 'c'].map((c) => client.observe({ context: c, private: true }, {}));
    observers.forEach((o) => o.subscribe(listener));
    await flush();
    listener.mockClear();
    client.resetPrivate();
    // Three entries go back to loading in one batch: one call, not three.
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('stops notifying after unsubscribe and destroy', async () => {
    const reply = deferred<Response>();
    const { client } = setup({ 'ctx/todos/': () => reply.promise });
    const obs = client.observe(todos, {});
    const listener = vi.fn();
    const other = client.observe(todos, {});
    other.subscribe(() => {});
    const stop = obs.subscribe(listener);
    stop();
    stop();
    reply.resolve(json({ list_todos: [] }));
    await flush();
    expect(listener).not.toHaveBeenCalled();
    other.destroy();
  });
});

describe('params', () => {
  it('fetches with canonical params and shares one entry for equal params', async () => {
    const { client, calls } = setup({ 'ctx/search/': () => json({ r: 1 }) });
    client.observe('search', { q: 'a b', page: 2, x: null }).subscribe(() => {});
    client.observe('search', { page: 2.0, q: 'a b' }).subscribe(() => {});
    await flush();
    expect(calls.map((c) => c.url)).toEqual(['/api/mizan/ctx/search/?page=2&q=a%20b']);
  });

  it('switches entries on setParams and never lets a late response of the old params win', async () => {
    const replies: Record<string, ReturnType<typeof deferred<Response>>> = { '1': deferred(), '2': deferred() };
    const { client } = setup({ 'ctx/todo/': (c) => replies[c.url.slice(-1)]!.promise });
    const obs = client.observe<{ id: number }, { id: number }>({ context: 'todo' }, { id: 1 });
    const listener = vi.fn();
    obs.subscribe(listener);
    obs.setParams({ id: 2 });
    expect(listener).toHaveBeenCalled();
    expect(obs.getSnapshot()).toMatchObject({ status: 'loading' });
    replies['2']!.resolve(json({ id: 2 }));
    await flush();
    replies['1']!.resolve(json({ id: 1 }));
    await flush();
    expect(obs.getSnapshot().data).toEqual({ id: 2 });
    // The old entry still got its own data, ready if the user goes back.
    expect(client.getData('todo', { id: 1 })).toEqual({ id: 1 });
  });

  it('notifies at once when setParams lands on cached fresh data (no fetch to flush it)', async () => {
    const { client } = setup({ 'ctx/todo/': (c) => json({ url: c.url }) });
    await client.load('todo', { id: 2 });
    const obs = client.observe('todo', { id: 1 }, { staleTime: Infinity });
    obs.subscribe(() => {});
    await flush();
    const listener = vi.fn(() => obs.getSnapshot().data);
    obs.subscribe(listener);
    obs.setParams({ id: 2 });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveReturnedWith({ url: '/api/mizan/ctx/todo/?id=2' });
    obs.setOptions({ staleTime: 5 });
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('ignores setParams with the same canonical params', async () => {
    const { client, calls } = setup({ 'ctx/t/': () => new Promise(() => {}) });
    const obs = client.observe('t', { a: 1, b: 2 });
    obs.subscribe(() => {});
    const listener = vi.fn();
    obs.subscribe(listener);
    obs.setParams({ b: 2, a: 1 });
    expect(listener).not.toHaveBeenCalled();
    await flush();
    expect(calls).toHaveLength(1);
  });

  it('does not fetch while disabled, and fetches once enabled', async () => {
    const { client, calls } = setup({ 'ctx/t/': () => json({}) });
    const obs = client.observe('t', {}, { enabled: false });
    obs.subscribe(() => {});
    expect(obs.getSnapshot().status).toBe('idle');
    expect(calls).toHaveLength(0);
    obs.setOptions({ enabled: true });
    await flush();
    expect(calls).toHaveLength(1);
    expect(obs.getSnapshot().status).toBe('success');
  });

  it('uses baseUrl and prefix', async () => {
    const { client, calls } = setup({ 'ctx/': () => json({}) }, { baseUrl: 'http://127.0.0.1:8000', prefix: '/rpc' });
    client.observe('t', { id: 1 }).subscribe(() => {});
    await flush();
    expect(calls[0]!.url).toBe('http://127.0.0.1:8000/rpc/ctx/t/?id=1');
  });
});
