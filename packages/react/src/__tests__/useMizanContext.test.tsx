import { MizanError } from '@mizan/base';
import { act, render, renderHook, screen } from '@testing-library/react';
import { Suspense } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useMizanContext } from '../useMizanContext.js';
import { useMizanMutation } from '../useMizanMutation.js';
import { add_todo, todoContext, todosContext, type TodoParams } from './api.js';
import { deferred, fail, json, setup, tick, todo } from './setup.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const settle = () => act(() => tick());

describe('useMizanContext', () => {
  it('goes loading -> success', async () => {
    const { wrapper, count } = setup({ 'ctx/todos/': () => json({ list_todos: [todo(1)] }) });
    const { result } = renderHook(() => useMizanContext(todosContext, {}), { wrapper });
    expect(result.current).toMatchObject({ status: 'loading', isFetching: true, data: undefined });
    await settle();
    expect(result.current).toMatchObject({ status: 'success', isFetching: false, data: { list_todos: [todo(1)] } });
    expect(count('ctx/todos/')).toBe(1);
  });

  it('sets isFetching during a refetch and keeps the data', async () => {
    const second = deferred<Response>();
    let n = 0;
    const { wrapper } = setup({
      'ctx/todos/': () => (++n == 1 ? json({ list_todos: [todo(1)] }) : second.promise),
    });
    const { result } = renderHook(() => useMizanContext(todosContext, {}), { wrapper });
    await settle();
    let done!: Promise<unknown>;
    act(() => void (done = result.current.refetch()));
    expect(result.current).toMatchObject({ status: 'success', isFetching: true, data: { list_todos: [todo(1)] } });
    second.resolve(json({ list_todos: [todo(2)] }));
    await settle();
    await done;
    expect(result.current).toMatchObject({ status: 'success', isFetching: false, data: { list_todos: [todo(2)] } });
  });

  it('shows an error as a value', async () => {
    const { wrapper } = setup({ 'ctx/todo/': () => fail(404, 'not_found', 'No such todo') });
    const { result } = renderHook(() => useMizanContext(todoContext, { id: 9 }), { wrapper });
    await settle();
    expect(result.current.status).toBe('error');
    expect(result.current.error).toBeInstanceOf(MizanError);
    expect(result.current.error).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('fetches other params when they change, not when only the object does', async () => {
    const { wrapper, calls } = setup({
      'ctx/todo/': (c) => json({ get_todo: todo(Number(new URL(c.url, 'http://x').searchParams.get('id'))) }),
    });
    const { result, rerender } = renderHook((p: TodoParams) => useMizanContext(todoContext, p), {
      wrapper,
      initialProps: { id: 1 },
    });
    await settle();
    expect(result.current.data).toEqual({ get_todo: todo(1) });
    rerender({ id: 1 });
    await settle();
    rerender({ id: 2 });
    // The new instance shows its own state at once, never the old params' data.
    expect(result.current).toMatchObject({ status: 'loading', data: undefined });
    await settle();
    expect(result.current.data).toEqual({ get_todo: todo(2) });
    expect(calls.map((c) => c.url)).toEqual(['/api/mizan/ctx/todo/?id=1', '/api/mizan/ctx/todo/?id=2']);
  });

  it('refetches the mounted context when a mutation invalidates it', async () => {
    let n = 0;
    const reply = deferred<Response>();
    const { wrapper, count } = setup({
      'ctx/todos/': () => json({ list_todos: ++n == 1 ? [] : [todo(1, 'milk')] }),
      'call/add_todo/': () => reply.promise,
    });
    const { result } = renderHook(
      () => ({ todos: useMizanContext(todosContext, {}), add: useMizanMutation(add_todo) }),
      { wrapper },
    );
    await settle();
    expect(result.current.todos.data).toEqual({ list_todos: [] });
    expect(result.current.add).toMatchObject({ status: 'idle', pending: false, isSuccess: false, isError: false });

    act(() => void result.current.add.mutate({ title: 'milk' }));
    expect(result.current.add).toMatchObject({ status: 'pending', pending: true, args: { title: 'milk' } });
    reply.resolve(json({ result: todo(1, 'milk'), invalidate: [{ context: 'todos' }] }));
    await settle();
    expect(result.current.add).toMatchObject({ status: 'success', pending: false, isSuccess: true, data: todo(1, 'milk') });
    await act(() => tick(10)); // invalidations are coalesced for 10 ms
    expect(count('ctx/todos/')).toBe(2);
    expect(result.current.todos.data).toEqual({ list_todos: [todo(1, 'milk')] });
  });

  it('stops following the entry on unmount', async () => {
    const { wrapper, count, client } = setup({ 'ctx/todos/': () => json({ list_todos: [] }) });
    const { unmount } = renderHook(() => useMizanContext(todosContext, {}), { wrapper });
    await settle();
    unmount();
    client.invalidate([{ context: 'todos' }]);
    await tick(1000);
    expect(count('ctx/todos/')).toBe(1);
  });

  it('fetches once under Strict Mode double mounting', async () => {
    const { wrapper, count } = setup({ 'ctx/todos/': () => json({ list_todos: [] }) });
    const { result } = renderHook(() => useMizanContext(todosContext, {}), { wrapper, reactStrictMode: true });
    await settle();
    expect(result.current.status).toBe('success');
    expect(count('ctx/todos/')).toBe(1);
  });

  it('suspends until the data arrives, then mounts without fetching again', async () => {
    const reply = deferred<Response>();
    const { wrapper, count } = setup({ 'ctx/todos/': () => reply.promise });
    const statuses: string[] = [];
    function Todos() {
      const s = useMizanContext(todosContext, {}, { suspense: true });
      statuses.push(s.status);
      return <p>{s.data?.list_todos.map((t) => t.title).join(',')}</p>;
    }
    render(
      <Suspense fallback={<p>waiting</p>}>
        <Todos />
      </Suspense>,
      { wrapper, reactStrictMode: true },
    );
    expect(screen.getByText('waiting')).toBeTruthy();
    reply.resolve(json({ list_todos: [todo(1, 'milk')] }));
    await settle();
    expect(screen.getByText('milk')).toBeTruthy();
    expect(statuses.every((s) => s == 'success')).toBe(true);
    await settle();
    expect(count('ctx/todos/')).toBe(1);
  });

  it('does not suspend on an error: the state shows it', async () => {
    const { wrapper } = setup({ 'ctx/todo/': () => fail(403, 'forbidden') });
    function Todo() {
      const s = useMizanContext(todoContext, { id: 1 }, { suspense: true });
      return <p>{s.status + ':' + s.error?.code}</p>;
    }
    render(
      <Suspense fallback={<p>waiting</p>}>
        <Todo />
      </Suspense>,
      { wrapper },
    );
    await settle();
    expect(screen.getByText('error:forbidden')).toBeTruthy();
  });
});
