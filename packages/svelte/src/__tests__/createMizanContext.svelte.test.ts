import { MizanError } from '@mizan/base';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMizanContext } from '../createMizanContext.svelte.js';
import { createMizanMutation } from '../createMizanMutation.svelte.js';
import { add_todo, todoContext, todosContext } from './api.js';
import { deferred, fail, json, setup, tick, todo } from './setup.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const byId = (url: string) => json({ get_todo: todo(Number(new URL(url, 'http://x').searchParams.get('id'))) });

describe('createMizanContext', () => {
  it('goes loading -> success', async () => {
    const { withComponent, count } = setup({ 'ctx/todos/': () => json({ list_todos: [todo(1)] }) });
    const { result } = withComponent(() => createMizanContext(todosContext));
    expect(result.status).toBe('loading');
    expect(result.isFetching).toBe(true);
    await tick();
    expect(result.status).toBe('success');
    expect(result.isFetching).toBe(false);
    expect(result.data).toEqual({ list_todos: [todo(1)] });
    expect(count('ctx/todos/')).toBe(1);
  });

  it('sets isFetching during a refetch and keeps the data', async () => {
    const second = deferred<Response>();
    let n = 0;
    const { withComponent } = setup({ 'ctx/todos/': () => (++n == 1 ? json({ list_todos: [] }) : second.promise) });
    const { result } = withComponent(() => createMizanContext(todosContext, () => ({})));
    await tick();
    const done = result.refetch();
    expect(result).toMatchObject({ status: 'success', isFetching: true, data: { list_todos: [] } });
    second.resolve(json({ list_todos: [todo(2)] }));
    await done;
    expect(result).toMatchObject({ status: 'success', isFetching: false, data: { list_todos: [todo(2)] } });
  });

  it('shows an error as a value', async () => {
    const { withComponent } = setup({ 'ctx/todo/': () => fail(404, 'not_found') });
    const { result } = withComponent(() => createMizanContext(todoContext, () => ({ id: 9 })));
    await tick();
    expect(result.status).toBe('error');
    expect(result.error).toBeInstanceOf(MizanError);
    expect(result.error).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('switches instances when the params getter returns other values', async () => {
    const { withComponent, calls } = setup({ 'ctx/todo/': (c) => byId(c.url) });
    let id = $state(1);
    let tag = $state('a');
    const { result } = withComponent(() => createMizanContext(todoContext, () => ({ id, tag })));
    await tick();
    expect(result.data).toEqual({ get_todo: todo(1) });
    id = 2;
    flushSync();
    expect(result.status).toBe('loading');
    await tick();
    expect(result.data).toEqual({ get_todo: todo(2) });
    tag = 'a'; // same values: nothing happens
    flushSync();
    await tick();
    expect(calls.map((c) => c.url)).toEqual(['/api/mizan/ctx/todo/?id=1&tag=a', '/api/mizan/ctx/todo/?id=2&tag=a']);
  });

  it('starts fetching when an options getter enables it', async () => {
    const { withComponent, count } = setup({ 'ctx/todo/': (c) => byId(c.url) });
    let enabled = $state(false);
    const { result } = withComponent(() => createMizanContext(todoContext, () => ({ id: 3 }), () => ({ enabled })));
    await tick();
    expect(result.status).toBe('idle');
    enabled = true;
    flushSync();
    await tick();
    expect(result.data).toEqual({ get_todo: todo(3) });
    expect(count('ctx/todo/')).toBe(1);
  });

  it('refetches the mounted context when a mutation invalidates it', async () => {
    let n = 0;
    const reply = deferred<Response>();
    const { withComponent, count } = setup({
      'ctx/todos/': () => json({ list_todos: ++n == 1 ? [] : [todo(1, 'milk')] }),
      'call/add_todo/': () => reply.promise,
    });
    const { result } = withComponent(() => ({
      todos: createMizanContext(todosContext),
      add: createMizanMutation(add_todo),
    }));
    await tick();
    expect(result.add).toMatchObject({ status: 'idle', pending: false, isSuccess: false, isError: false });
    const done = result.add.mutate({ title: 'milk' });
    expect(result.add).toMatchObject({ status: 'pending', pending: true, args: { title: 'milk' } });
    reply.resolve(json({ result: todo(1, 'milk'), invalidate: [{ context: 'todos' }] }));
    await done;
    expect(result.add).toMatchObject({ status: 'success', isSuccess: true, data: todo(1, 'milk') });
    await tick(10);
    expect(count('ctx/todos/')).toBe(2);
    expect(result.todos.data).toEqual({ list_todos: [todo(1, 'milk')] });
  });

  it('is released when the component is destroyed', async () => {
    const { withComponent, client, count } = setup({ 'ctx/todos/': () => json({ list_todos: [] }) });
    const { unmount } = withComponent(() => createMizanContext(todosContext));
    await tick();
    unmount();
    client.invalidate([{ context: 'todos' }]);
    await tick(1000);
    expect(count('ctx/todos/')).toBe(1);
  });
});
