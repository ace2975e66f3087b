import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMizanForm } from '../createMizanForm.svelte.js';
import { createMizanMutation } from '../createMizanMutation.svelte.js';
import { add_todo } from './api.js';
import { fail, json, setup, tick, todo } from './setup.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const TOO_LONG = 'Ensure this field has no more than 20 characters.';

describe('createMizanForm', () => {
  it('is invalid while the required field is untouched; the debounced check reads the current value', async () => {
    const { withComponent } = setup({});
    const { result: form } = withComponent(() => createMizanForm(add_todo, { initial: { title: '' } }));
    expect(form.isValid).toBe(false);
    expect(form.errors).toEqual({});
    form.setValue('title', 'x'.repeat(21));
    await tick(100);
    form.setValue('title', 'short');
    await tick(100); // a check bound to the first value would have fired
    expect(form.errors).toEqual({});
    await tick(100);
    expect(form.isValid).toBe(true);
    form.setValue('title', 'x'.repeat(21));
    await tick(150);
    expect(form.errors).toEqual({ title: [TOO_LONG] });
    form.setValue('title', '');
    form.touch('title');
    expect(form.errors).toEqual({ title: ['This field is required.'] });
  });

  it('puts the server 422 messages on their fields', async () => {
    const { withComponent } = setup({
      'call/add_todo/': () => fail(422, 'validation', 'Invalid input.', { title: ['Already exists.'] }),
    });
    const { result: form } = withComponent(() => createMizanForm(add_todo, { initial: { title: 'milk' } }));
    await form.submit();
    expect(form).toMatchObject({ status: 'error', error: undefined, isValid: false, errors: { title: ['Already exists.'] } });
  });

  it('submits, and drops the pending check when the component is destroyed', async () => {
    const { withComponent } = setup({ 'call/add_todo/': () => json({ result: todo(1, 'milk') }) });
    const onSuccess = vi.fn();
    const { result: form, unmount } = withComponent(() =>
      createMizanForm(add_todo, { initial: { title: 'milk' }, onSuccess }),
    );
    await form.submit();
    expect(form).toMatchObject({ status: 'success', data: todo(1, 'milk') });
    expect(onSuccess).toHaveBeenCalledWith(todo(1, 'milk'), { title: 'milk' });
    form.setValue('title', 'x'.repeat(30));
    unmount();
    await tick(1000);
    expect(form.errors).toEqual({});
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createMizanMutation', () => {
  it('shows a failed call as isError, and reset returns to idle', async () => {
    const { withComponent } = setup({ 'call/add_todo/': () => fail(403, 'forbidden') });
    const { result: add } = withComponent(() => createMizanMutation(add_todo));
    await add.mutate({ title: 'x' });
    expect(add).toMatchObject({ status: 'error', isError: true, pending: false });
    expect(add.error).toMatchObject({ code: 'forbidden' });
    add.reset();
    expect(add.status).toBe('idle');
  });
});
