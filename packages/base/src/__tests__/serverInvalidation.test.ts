import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../createClient.js';
import type { ClientOptions } from '../types.js';
import { FakeChannel, deferred, fakeFetch, flush, json, text, tick } from './fakes.js';

beforeEach(() => {
  vi.useFakeTimers();
  FakeChannel.open = [];
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const session = () => json({ user: null, csrf_token: 'tok' });
const setup = (invalidate: unknown[] = [], options: ClientOptions = {}) => {
  let n = 0;
  const net = fakeFetch({
    'session/': session,
    'ctx/': (c) => json({ url: c.url, n: ++n }),
    'call/': () => json({ result: null, invalidate }),
    'POST http://app.test/todos/clear-done/': () => text('', 200, { 'x-mizan-invalidate': 'todos, todo?id=5' }),
  });
  const client = createClient({ fetch: net.fetch, staleTime: Infinity, ...options });
  const mount = (ctx: string, params = {}) => client.observe(ctx, params).subscribe(() => {});
  return { ...net, client, mount };
};

describe('invalidation from call results', () => {
  it('refetches mounted instances of a whole context once', async () => {
    const { client, mount, count } = setup(['todos']);
    mount('todos');
    mount('todos', { page: 2 });
    mount('stats');
    await flush();
    await client.call('add_todo', { title: 'x' });
    await tick(10);
    // `ctx/todos/` also counts `ctx/todos/?page=2`: two fetches per instance.
    expect([count('ctx/todos/'), count('ctx/todos/?page=2'), count('ctx/stats/')]).toEqual([4, 2, 1]);
  });

  it('refetches only instances whose params contain the scoped entry', async () => {
    const { client, mount, count } = setup([{ context: 'todo', params: { id: 5 } }]);
    mount('todo', { id: 5 });
    mount('todo', { id: 6 });
    mount('todo', { id: 5, expand: true });
    await flush();
    await client.call('toggle_todo', { id: 5 });
    await tick(10);
    expect([count('todo/?id=5'), count('todo/?id=6'), count('todo/?expand=true&id=5')]).toEqual([2, 1, 2]);
  });

  it('marks unmounted instances stale so that the next mount refetches', async () => {
    const { client, mount, count } = setup(['todos']);
    const stop = client.observe('todos', {}).subscribe(() => {});
    mount('other');
    await flush();
    stop();
    await client.call('add_todo');
    await tick(10);
    expect(count('ctx/todos/')).toBe(1);
    mount('todos');
    await flush();
    expect(count('ctx/todos/')).toBe(2);
    // Not stale: with staleTime Infinity a mount without invalidation does not refetch.
    mount('other');
    expect(count('ctx/other/')).toBe(1);
  });

  it('coalesces entries arriving together into one refetch per instance', async () => {
    const { client, mount, count } = setup(['todos', { context: 'todos' }, { context: 'todo', params: { id: 1 } }]);
    mount('todos');
    mount('todo', { id: 1 });
    await flush();
    await client.call('bulk');
    client.invalidate(['todos', { context: 'todo', params: { id: 1 } }]);
    await tick(10);
    expect([count('ctx/todos/'), count('ctx/todo/')]).toEqual([2, 2]);
  });

  it('restarts a fetch in flight that may predate the change', async () => {
    let n = 0;
    const first = deferred<Response>();
    const { fetch, calls } = fakeFetch({ 'ctx/t/': () => (++n == 1 ? first.promise : json({ v: 'after' })) });
    const client = createClient({ fetch });
    const obs = client.observe('t', {});
    obs.subscribe(() => {});
    await flush();
    client.invalidate(['t']);
    await tick(10);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(calls).toHaveLength(2);
    expect(obs.getSnapshot().data).toEqual({ v: 'after' });
  });

  it('does not restart a fetch that began after the invalidation', async () => {
    const { client, count } = setup();
    client.invalidate(['t']);
    client.observe('t', {}).subscribe(() => {});
    await tick(10);
    expect(count('ctx/t/')).toBe(1);
  });
});

describe('invalidation from the X-Mizan-Invalidate header', () => {
  it('applies the header of a view-path response fetched through the kernel', async () => {
    const { client, mount, count, calls } = setup([], { baseUrl: 'http://app.test' });
    mount('todos');
    mount('todo', { id: 5 });
    mount('todo', { id: 6 });
    await flush();
    const res = await client.view('/todos/clear-done/', { method: 'POST' });
    expect(res.status).toBe(200);
    const post = calls.find((c) => c.method == 'POST')!;
    expect(post.url).toBe('http://app.test/todos/clear-done/');
    expect(post.headers['x-csrf-token']).toBe('tok');
    await tick(10);
    expect([count('ctx/todos/'), count('todo/?id=5'), count('todo/?id=6')]).toEqual([2, 2, 1]);
  });
});

describe('other tabs', () => {
  const tabs = () => {
    vi.stubGlobal('BroadcastChannel', FakeChannel);
    return [setup(['todos'], { broadcast: true }), setup([], { broadcast: true })] as const;
  };

  it('shares invalidations with other tabs, which do not echo them back', async () => {
    const [a, b] = tabs();
    a.mount('todos');
    b.mount('todos');
    await flush();
    await a.client.call('add_todo');
    await tick(10);
    expect(a.count('ctx/todos/')).toBe(2);
    expect(b.count('ctx/todos/')).toBe(2);
    await tick(100);
    expect(a.count('ctx/todos/')).toBe(2);
  });

  it('clears private entries in every tab on sign-in, keeping public ones', async () => {
    const [a, b] = tabs();
    for (const tab of [a, b]) {
      tab.client.observe({ context: 'todos', private: true }, {}).subscribe(() => {});
      tab.mount('stats');
    }
    await flush();
    const bTodos = b.client.observe('todos', {});
    expect(bTodos.getSnapshot().status).toBe('success');
    await a.client.call({ fn: 'auth_login', session: true }, { username: 'u', password: 'p' });
    await flush();
    for (const tab of [a, b]) {
      expect(tab.count('ctx/todos/')).toBe(2);
      expect(tab.count('ctx/stats/')).toBe(1);
    }
    expect(bTodos.getSnapshot().data).toMatchObject({ n: 3 });
  });

  it('does not reset anything when sign-in fails', async () => {
    const { fetch, count } = fakeFetch({
      'session/': session,
      'ctx/': () => json({}),
      'call/auth_login/': () => json({ error: { code: 'unauthenticated', message: 'no' } }, 401),
    });
    const client = createClient({ fetch });
    client.observe({ context: 'todos', private: true }, {}).subscribe(() => {});
    await flush();
    await client.call({ fn: 'auth_login', session: true }, {}).catch(() => {});
    await flush();
    expect(count('ctx/todos/')).toBe(1);
    expect(count('session/')).toBe(1);
  });

  it('does not broadcast from Node by default (SSR clients of different users)', async () => {
    vi.stubGlobal('BroadcastChannel', FakeChannel);
    setup();
    expect(FakeChannel.open).toHaveLength(0);
  });

  it('resetPrivate fetches a fresh CSRF token afterwards (sessions rotate at sign-in)', async () => {
    const { client, count } = setup();
    await client.call('a');
    client.resetPrivate();
    await client.call('b');
    expect(count('session/')).toBe(2);
  });
});
