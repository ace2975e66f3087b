// What development tools and deploy-skew handling see of a client: every
// invalidation with its source, the cache, and the server's schema hash.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../createClient.js';
import { dehydrate } from '../dehydrate.js';
import { reloadOnNavigation } from '../reloadOnNavigation.js';
import type { ClientOptions, InvalidationSource, Target } from '../types.js';
import { FakeChannel, FakeWebSocket, fail, fakeFetch, flush, json, text } from './fakes.js';

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.all = [];
  FakeChannel.open = [];
  vi.stubGlobal('BroadcastChannel', FakeChannel);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const routes = {
  'session/': () => json({ user: null, csrf_token: 't' }),
  'ctx/': () => json({ v: 1 }, 200, { 'x-mizan-schema': 'new' }),
  'call/stale/': () => fail(409, 'schema_mismatch'),
  'call/': () => json({ result: 1, invalidate: ['todos', { context: 'todo', params: { id: 5 } }] }),
  '/clear/': () => text('', 200, { 'x-mizan-invalidate': 'todos' }),
};

const setup = (options: ClientOptions = {}, inspected = true) => {
  const net = fakeFetch(routes);
  const seen: [InvalidationSource, readonly Target[]][] = [];
  const client = createClient({
    fetch: net.fetch,
    broadcast: true,
    websocket: { WebSocket: FakeWebSocket as never, url: 'ws://x/ws/' },
    ...(inspected && { inspect: (source, targets) => seen.push([source, targets]) }),
    ...options,
  });
  return { ...net, client, seen };
};

describe('inspect', () => {
  it('reports each invalidation with where it came from', async () => {
    const { client, seen } = setup();
    const other = setup({}, false);
    await client.call('add_todo', {});
    expect(seen).toEqual([
      [1, [['todos', []], ['todo', ['id=5']]]],
    ]);
    await client.view('/clear/', { method: 'POST' });
    expect(seen[1]).toEqual([2, [['todos', []]]]);
    client.invalidate(['stats']);
    expect(seen[2]).toEqual([5, [['stats', []]]]);
    await other.client.call('add_todo', {});
    await flush();
    expect(seen[3]).toEqual([3, [['todos', []], ['todo', ['id=5']]]]);
    FakeWebSocket.all[0]!.open();
    FakeWebSocket.all[0]!.receive({ op: 'invalidate', invalidate: [{ context: 'todo', params: { id: 7 } }] });
    expect(seen[4]).toEqual([4, [['todo', ['id=7']]]]);
    expect(seen).toHaveLength(5);
  });
});

describe('cache', () => {
  it('shows every instance with its state, and dehydrate() keys the data for ssrData', async () => {
    const { client } = setup();
    const stop = client.observe('todo', { id: 5 }).subscribe(() => {});
    client.observe('todos').subscribe(() => {});
    await flush();
    const entry = client.cache.get('todo?id=5')!;
    expect(entry).toMatchObject({ key: 'todo?id=5', ctx: 'todo', canon: 'id=5', stale: false });
    expect(entry.state).toMatchObject({ status: 'success', data: { v: 1 } });
    expect(entry.subs.size).toBe(1);
    stop();
    expect(entry.subs.size).toBe(0);
    expect([...client.cache.keys()].sort()).toEqual(['todo?id=5', 'todos']);
    expect(dehydrate(client)).toEqual({ 'todo?id=5': { v: 1 }, todos: { v: 1 } });
  });
});

describe('deploy skew', () => {
  it('calls onSchemaChange when an answer comes from another schema, and sends its own on calls only', async () => {
    const changed = vi.fn();
    const { client, calls } = setup({ schema: 'old', onSchemaChange: changed });
    client.observe('todos').subscribe(() => {});
    await flush();
    expect(changed).toHaveBeenCalledWith('new');
    await client.call('add_todo', {});
    const get = calls.find((c) => c.url.includes('ctx/'))!;
    const post = calls.find((c) => c.url.includes('call/'))!;
    expect(get.headers['x-mizan-schema']).toBeUndefined();
    expect(post.headers['x-mizan-schema']).toBe('old');
  });

  it('stays quiet for answers of its own schema or without one', async () => {
    const changed = vi.fn();
    const { client } = setup({ schema: 'new', onSchemaChange: changed });
    client.observe('todos').subscribe(() => {});
    await client.call('add_todo', {});
    await flush();
    expect(changed).not.toHaveBeenCalled();
  });

  it('rejects a refused call with schema_mismatch', async () => {
    const { client } = setup({ schema: 'old' });
    await expect(client.call('stale', {})).rejects.toMatchObject({ code: 'schema_mismatch', status: 409 });
  });

  it('reloadOnNavigation() turns the next pushState or back into a page load, once', () => {
    const reload = vi.fn();
    const pushed: unknown[] = [];
    const events = new EventTarget();
    vi.stubGlobal('location', { reload });
    vi.stubGlobal('history', { pushState: (...a: unknown[]) => pushed.push(a) });
    vi.stubGlobal('addEventListener', events.addEventListener.bind(events));
    const notify = vi.fn();
    const onChange = reloadOnNavigation(notify);
    onChange('a');
    onChange('b');
    expect(notify).toHaveBeenCalledTimes(1);
    expect(reload).not.toHaveBeenCalled();
    history.pushState({}, '', '/next');
    expect(pushed).toHaveLength(1);
    expect(reload).toHaveBeenCalledTimes(1);
    events.dispatchEvent(new Event('popstate'));
    expect(reload).toHaveBeenCalledTimes(2);
  });
});
