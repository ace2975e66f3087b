import { act, fireEvent, render, renderHook, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useMizanForm } from '../useMizanForm.js';
import { add_todo } from './api.js';
import { fail, json, setup, tick, todo } from './setup.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const TOO_LONG = 'Ensure this field has no more than 20 characters.';

describe('useMizanForm', () => {
  it('is invalid while the required field is untouched, and checks the current value after the debounce', async () => {
    const { wrapper } = setup({});
    function Form() {
      const form = useMizanForm(add_todo, { initial: { title: '' } });
      return (
        <form>
          <input
            aria-label="title"
            value={form.values.title ?? ''}
            onChange={(e) => form.setValue('title', e.target.value)}
            onBlur={() => form.touch('title')}
          />
          <p>{'valid:' + form.isValid}</p>
          <p>{'errors:' + (form.errors.title ?? []).join('|')}</p>
        </form>
      );
    }
    render(<Form />, { wrapper });
    const input = screen.getByLabelText('title');
    screen.getByText('valid:false');
    screen.getByText('errors:');

    fireEvent.change(input, { target: { value: 'x'.repeat(21) } });
    await act(() => tick(100));
    fireEvent.change(input, { target: { value: 'short' } });
    // A check bound to the first value would fire here and show TOO_LONG.
    await act(() => tick(100));
    screen.getByText('errors:');
    await act(() => tick(100));
    screen.getByText('valid:true');

    fireEvent.change(input, { target: { value: 'x'.repeat(21) } });
    await act(() => tick(150));
    screen.getByText('errors:' + TOO_LONG);

    fireEvent.change(input, { target: { value: '' } });
    fireEvent.blur(input);
    screen.getByText('errors:This field is required.');
  });

  it('puts the server 422 messages on their fields', async () => {
    const { wrapper } = setup({
      'call/add_todo/': () => fail(422, 'validation', 'Invalid input.', { title: ['Already exists.'] }),
    });
    const { result } = renderHook(() => useMizanForm(add_todo, { initial: { title: 'milk' } }), { wrapper });
    await act(() => result.current.submit());
    expect(result.current).toMatchObject({
      status: 'error',
      error: undefined,
      isValid: false,
      errors: { title: ['Already exists.'] },
    });
  });

  it('submits and calls the latest onSuccess', async () => {
    const { wrapper } = setup({ 'call/add_todo/': () => json({ result: todo(1, 'milk') }) });
    const first = vi.fn();
    const second = vi.fn();
    const { result, rerender } = renderHook(
      ({ onSuccess }) => useMizanForm(add_todo, { initial: { title: 'milk' }, onSuccess }),
      { wrapper, initialProps: { onSuccess: first } },
    );
    rerender({ onSuccess: second });
    await act(() => result.current.submit());
    expect(result.current).toMatchObject({ status: 'success', data: todo(1, 'milk') });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith(todo(1, 'milk'), { title: 'milk' });
  });
});
