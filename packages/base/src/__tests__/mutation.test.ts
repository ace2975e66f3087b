import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../createClient.js';
import { MizanError } from '../MizanError.js';
import type { ContextRef, FunctionRef } from '../types.js';
import { deferred, fail, fakeFetch, flush, json, tick } from './fakes.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

type Todo = { id: number; title: string };
const addTodo: FunctionRef<{ title: string }, Todo> = { fn: 'add_todo' };
const todos: ContextRef<{ list_todos: Todo[] }, Record<string, never>> = { context: 'todos' };
const session = () => json({ user: null, csrf_token: 'tok' });

describe('call', () => {
  it('posts the arguments and resolves with the typed result', async () => {
    const { fetch, calls } = fakeFetch({
      'session/': session,
      'call/add_todo/': () => json({ result: { id: 1, title: 'x' }, invalidate: [] }),
      'call/ping/': () => json({ result: 'pong' }),
    });
    const client = createClient({ fetch });
    const todo: Todo = await client.call(addTodo, { title: 'x' });
    expect(todo).toEqual({ id: 1, title: 'x' });
    const post = calls.find((c) => c.method == 'POST')!;
    expect(post.url).toBe('/api/mizan/call/add_todo/');
    expect(post.body).toEqual({ title: 'x' });
    expect(post.headers['content-type']).toBe('application/json');
    expect(await client.call('ping')).toBe('pong');
    expect(calls.at(-1)!.body).toEqual({});
  });

  it('rejects with code, status, message and fields', async () => {
    const { fetch } = fakeFetch({
      'session/': session,
      'call/add_todo/': () => fail(422, 'validation', 'Invalid input.', { title: ['Required.'] }),
    });
    const client = createClient({ fetch });
    const error = await client.call(addTodo, { title: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MizanError);
    expect(error).toMatchObject({
      code: 'validation',
      status: 422,
      message: 'Invalid input.',
      fields: { title: ['Required.'] },
    });
  });

  it('runs calls in parallel, without a queue', async () => {
    const replies = [deferred<Response>(), deferred<Response>()];
    let n = 0;
    const { fetch, calls } = fakeFetch({ 'session/': session, 'call/': () => replies[n++]!.promise });
    const client = createClient({ fetch });
    const a = client.call('a');
    const b = client.call('b');
    await flush();
    expect(calls.filter((c) => c.method == 'POST')).toHaveLength(2);
    replies[1]!.resolve(json({ result: 'b' }));
    replies[0]!.resolve(json({ result: 'a' }));
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
  });
});

describe('mutation observer', () => {
  it('goes idle -> pending -> success, and resolves mutate with the final state', async () => {
    const reply = deferred<Response>();
    const { fetch } = fakeFetch({ 'session/': session, 'call/add_todo/': () => reply.promise });
    const m = createClient({ fetch }).mutation(addTodo);
    const seen: string[] = [];
    m.subscribe(() => seen.push(m.getSnapshot().status));
    expect(m.getSnapshot().status).toBe('idle');
    const done = m.mutate({ title: 'x' });
    expect(m.getSnapshot()).toMatchObject({ status: 'pending', args: { title: 'x' } });
    reply.resolve(json({ result: { id: 1, title: 'x' } }));
    const final = await done;
    expect(final).toBe(m.getSnapshot());
    expect(final).toMatchObject({ status: 'success', data: { id: 1, title: 'x' }, args: { title: 'x' } });
    expect(seen).toEqual(['pending', 'success']);
    m.reset();
    expect(m.getSnapshot().status).toBe('idle');
  });

  it('keeps errors in the state instead of rejecting', async () => {
    const { fetch } = fakeFetch({ 'session/': session, 'call/': () => fail(403, 'forbidden', 'No') });
    const m = createClient({ fetch }).mutation('delete_todo');
    const final = await m.mutate({ id: 1 });
    expect(final.status).toBe('error');
    expect(final.error).toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('follows the latest call when calls overlap', async () => {
    const replies = [deferred<Response>(), deferred<Response>()];
    let n = 0;
    const { fetch } = fakeFetch({ 'session/': session, 'call/': () => replies[n++]!.promise });
    const m = createClient({ fetch }).mutation('toggle');
    const first = m.mutate({ id: 1 });
    const second = m.mutate({ id: 2 });
    await flush();
    replies[1]!.resolve(json({ result: 2 }));
    await second;
    replies[0]!.resolve(json({ result: 1 }));
    await first;
    expect(m.getSnapshot()).toMatchObject({ status: 'success', data: 2, args: { id: 2 } });
  });

  it('returns to idle when aborted, and ignores a call still running after reset', async () => {
    const reply = deferred<Response>();
    const { fetch } = fakeFetch({ 'session/': session, 'call/': () => reply.promise });
    const m = createClient({ fetch }).mutation('slow');
    const ctrl = new AbortController();
    const aborted = m.mutate({}, { signal: ctrl.signal });
    await flush();
    ctrl.abort();
    expect((await aborted).status).toBe('idle');
    const running = m.mutate({});
    m.reset();
    reply.resolve(json({ result: 1 }));
    await running;
    expect(m.getSnapshot().status).toBe('idle');
  });
});

describe('optimistic updates', () => {
  const setup = (callReply: () => Promise<Response> | Response) => {
    let n = 0;
    const net = fakeFetch({
      'session/': session,
      'ctx/todos/': () => json({ list_todos: [{ id: 1, title: 'server ' + ++n }] }),
      'call/add_todo/': callReply,
    });
    const client = createClient({ fetch: net.fetch });
    const obs = client.observe(todos, {}, { staleTime: Infinity });
    obs.subscribe(() => {});
    return { ...net, client, obs };
  };
  const addOptimistic = { title: 'new' };

  it('shows the optimistic data at once and rolls back on error, then refetches', async () => {
    const reply = deferred<Response>();
    const { client, obs, count } = setup(() => reply.promise);
    await flush();
    const before = obs.getSnapshot();
    const p = client.call(addTodo, addOptimistic, {
      optimistic: (set) => set(todos, {}, (d) => ({ list_todos: [...(d?.list_todos ?? []), { id: -1, title: 'new' }] })),
    });
    expect(obs.getSnapshot().data?.list_todos.map((t) => t.title)).toEqual(['server 1', 'new']);
    reply.resolve(fail(422, 'validation'));
    await expect(p).rejects.toMatchObject({ code: 'validation' });
    expect(obs.getSnapshot()).toBe(before);
    await tick(10);
    expect(count('ctx/todos/')).toBe(2);
    expect(obs.getSnapshot().data?.list_todos[0]!.title).toBe('server 2');
  });

  it('cancels the fetch in flight so that its older response cannot overwrite the optimistic data', async () => {
    const stale = deferred<Response>();
    let n = 0;
    const { fetch, calls } = fakeFetch(
      {
        'session/': session,
        'ctx/todos/': () => (++n == 1 ? json({ list_todos: [] }) : stale.promise),
        'call/add_todo/': () => json({ result: { id: 2, title: 'new' }, invalidate: [] }),
      },
      { ignoreAbort: true },
    );
    const client = createClient({ fetch });
    const obs = client.observe(todos, {}, { staleTime: Infinity });
    obs.subscribe(() => {});
    await flush();
    void obs.refetch();
    await flush();
    const inFlight = calls.at(-1)!;
    expect(inFlight.url).toBe('/api/mizan/ctx/todos/');
    await client.call(addTodo, addOptimistic, {
      optimistic: (set) => set(todos, {}, () => ({ list_todos: [{ id: 2, title: 'new' }] })),
    });
    expect(inFlight.signal.aborted).toBe(true);
    stale.resolve(json({ list_todos: [] }));
    await tick(100);
    expect(obs.getSnapshot()).toMatchObject({ isFetching: false, data: { list_todos: [{ id: 2, title: 'new' }] } });
  });

  it('notifies once for several optimistic writes of one call', async () => {
    const reply = deferred<Response>();
    const { client, obs } = setup(() => reply.promise);
    await flush();
    const listener = vi.fn();
    obs.subscribe(listener);
    const call = client.call(addTodo, addOptimistic, {
      optimistic: (set) => {
        set(todos, {}, () => ({ list_todos: [] }));
        set(todos, {}, () => ({ list_todos: [{ id: 3, title: 'b' }] }));
      },
    });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(obs.getSnapshot().data?.list_todos).toEqual([{ id: 3, title: 'b' }]);
    reply.resolve(fail(500, 'internal'));
    await call.catch(() => {});
    // Rolled back to the state before the first write, not the first write.
    expect(obs.getSnapshot().data?.list_todos[0]!.title).toBe('server 1');
  });

  it('does not roll back over newer data that arrived meanwhile', async () => {
    const reply = deferred<Response>();
    const { client, obs } = setup(() => reply.promise);
    await flush();
    const p = client.call(addTodo, addOptimistic, {
      optimistic: (set) => set(todos, {}, () => ({ list_todos: [] })),
    });
    client.setData(todos, {}, () => ({ list_todos: [{ id: 7, title: 'newer' }] }));
    reply.resolve(fail(500, 'internal'));
    await p.catch(() => {});
    expect(obs.getSnapshot().data?.list_todos[0]!.title).toBe('newer');
  });
});
