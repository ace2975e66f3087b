import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useMizanMutation } from '../useMizanMutation.js';
import { add_todo } from './api.js';
import { fail, setup, tick } from './setup.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('useMizanMutation', () => {
  it('shows a failed call as isError, and reset returns to idle', async () => {
    const { wrapper } = setup({ 'call/add_todo/': () => fail(403, 'forbidden', 'No.') });
    const { result } = renderHook(() => useMizanMutation(add_todo), { wrapper });
    const mutate = result.current.mutate;
    let final: unknown;
    await act(async () => {
      final = await result.current.mutate({ title: 'x' });
    });
    expect(result.current).toMatchObject({ status: 'error', isError: true, pending: false, args: { title: 'x' } });
    expect(result.current.error).toMatchObject({ code: 'forbidden', status: 403 });
    expect(final).toMatchObject({ status: 'error' });
    act(() => result.current.reset());
    expect(result.current).toMatchObject({ status: 'idle', isError: false });
    expect(result.current.error).toBeUndefined();
    expect(result.current.mutate).toBe(mutate); // stable across renders
  });

  it('keeps one observer across renders of an inline descriptor', async () => {
    const { wrapper } = setup({ 'call/add_todo/': () => fail(500, 'internal') });
    const { result, rerender } = renderHook(() => useMizanMutation({ ...add_todo }), { wrapper });
    const first = result.current.mutate;
    rerender();
    expect(result.current.mutate).toBe(first);
    await act(() => tick());
  });
});
