import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../createClient.js';
import { createForm } from '../createForm.js';
import { MizanError } from '../MizanError.js';
import type { FunctionRef } from '../types.js';
import { deferred, fail, fakeFetch, flush, json, tick } from './fakes.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

type Todo = { id: number; title: string };
type Args = { title: string; note?: string | null; priority?: number | null };
const addTodo: FunctionRef<Args, Todo> = {
  fn: 'add_todo',
  rules: { title: { required: true, max_length: 3 }, priority: { min: 1, max: 5 } },
};
const session = () => json({ user: null, csrf_token: 'tok' });
const TOO_LONG = 'Ensure this field has no more than 3 characters.';
const REQUIRED = 'This field is required.';

const setup = (reply: () => Response | Promise<Response> = () => json({ result: { id: 1, title: 'abc' } })) => {
  const net = fakeFetch({ 'session/': session, 'call/add_todo/': reply });
  const client = createClient({ fetch: net.fetch });
  return { ...net, client };
};

describe('createForm', () => {
  it('is invalid while a required field is untouched and empty, without showing a message yet', () => {
    const { client } = setup();
    const form = createForm(client, addTodo, { initial: { title: '' } });
    expect(form.getSnapshot()).toEqual({
      values: { title: '' },
      errors: {},
      touched: {},
      isValid: false,
      status: 'idle',
      error: undefined,
      data: undefined,
    });
    expect(createForm(client, addTodo, { initial: { title: 'ok' } }).getSnapshot().isValid).toBe(true);
  });

  it('checks edited fields after the debounce, reading the values current then', async () => {
    const { client } = setup();
    const form = createForm(client, addTodo);
    const seen: unknown[] = [];
    form.subscribe(() => seen.push(form.getSnapshot().errors));

    form.setValue('title', 'abcd');
    expect(form.getSnapshot()).toMatchObject({ values: { title: 'abcd' }, touched: { title: true }, errors: {} });
    await tick(100);
    form.setValue('title', 'ab');
    // A check scheduled with the first value would fire now and show TOO_LONG.
    await tick(60);
    expect(form.getSnapshot().errors).toEqual({});
    await tick(100);
    expect(form.getSnapshot()).toMatchObject({ errors: {}, isValid: true });

    form.setValue('title', 'abcde');
    form.setValue('priority', 9);
    expect(form.getSnapshot().isValid).toBe(false); // isValid follows the values at once
    await tick(149);
    expect(form.getSnapshot().errors).toEqual({});
    await tick(1);
    expect(form.getSnapshot().errors).toEqual({
      title: [TOO_LONG],
      priority: ['Ensure this value is less than or equal to 5.'],
    });
    expect(seen.every((e) => e !== undefined)).toBe(true);
  });

  it('checks a field at once when it is touched', () => {
    const { client } = setup();
    const form = createForm(client, addTodo, { initial: { title: '' } });
    form.touch('title');
    expect(form.getSnapshot()).toMatchObject({ touched: { title: true }, errors: { title: [REQUIRED] }, isValid: false });
    form.touch('note'); // no rules: no messages
    expect(form.getSnapshot().errors).toEqual({ title: [REQUIRED] });
  });

  it('checks at once with debounceMs 0', () => {
    const { client } = setup();
    const form = createForm(client, addTodo, { debounceMs: 0 });
    form.setValue('title', 'abcd');
    expect(form.getSnapshot().errors).toEqual({ title: [TOO_LONG] });
  });

  it('does not submit an invalid form, and shows every message', async () => {
    const { client, count } = setup();
    const form = createForm(client, addTodo, { initial: { priority: 0 } });
    const s = await form.submit();
    expect(s).toMatchObject({
      status: 'idle',
      isValid: false,
      touched: { title: true, priority: true },
      errors: { title: [REQUIRED], priority: ['Ensure this value is greater than or equal to 1.'] },
    });
    expect(count('call/')).toBe(0);
  });

  it('submits the values: pending, then success with the result and onSuccess', async () => {
    const reply = deferred<Response>();
    const { client, calls } = setup(() => reply.promise);
    const onSuccess = vi.fn();
    const form = createForm(client, addTodo, { initial: { title: 'abc' }, onSuccess });
    form.setValue('note', 'n');
    const done = form.submit();
    expect(form.getSnapshot()).toMatchObject({ status: 'pending', errors: {} });
    reply.resolve(json({ result: { id: 7, title: 'abc' } }));
    const s = await done;
    expect(s).toMatchObject({ status: 'success', data: { id: 7, title: 'abc' }, error: undefined });
    expect(form.getSnapshot()).toBe(s);
    expect(calls.find((c) => c.method == 'POST')!.body).toEqual({ title: 'abc', note: 'n' });
    expect(onSuccess).toHaveBeenCalledWith({ id: 7, title: 'abc' }, { title: 'abc', note: 'n' });
  });

  it('puts the server 422 messages on their fields until the value changes', async () => {
    const { client } = setup(() =>
      fail(422, 'validation', 'Invalid input.', { title: ['Already taken.'], note: ['Too rude.'] }),
    );
    const form = createForm(client, addTodo, { initial: { title: 'abc', note: 'x' } });
    const s = await form.submit();
    expect(s).toMatchObject({
      status: 'error',
      error: undefined,
      isValid: false,
      touched: { title: true, note: true },
      errors: { title: ['Already taken.'], note: ['Too rude.'] },
    });
    form.touch('title'); // leaving the field does not erase the server's word
    await tick(500);
    expect(form.getSnapshot().errors.title).toEqual(['Already taken.']);

    form.setValue('note', 'kind');
    expect(form.getSnapshot().errors).toEqual({ title: ['Already taken.'] });
    expect(form.getSnapshot().isValid).toBe(false);
    form.setValue('title', 'abd');
    await tick(150);
    expect(form.getSnapshot()).toMatchObject({ errors: {}, isValid: true });
  });

  it('keeps other errors in error', async () => {
    const { client } = setup(() => fail(403, 'forbidden', 'No.'));
    const form = createForm(client, addTodo, { initial: { title: 'abc' } });
    const s = await form.submit();
    expect(s.status).toBe('error');
    expect(s.error).toBeInstanceOf(MizanError);
    expect(s.error).toMatchObject({ code: 'forbidden', status: 403 });
    expect(s.errors).toEqual({});
  });

  it('reset returns to the initial values and ignores a submit in flight', async () => {
    const reply = deferred<Response>();
    const { client } = setup(() => reply.promise);
    const onSuccess = vi.fn();
    const form = createForm(client, addTodo, { initial: { title: 'abc' }, onSuccess });
    form.setValue('title', 'xyz');
    const done = form.submit();
    form.reset();
    const reset = form.getSnapshot();
    expect(reset).toMatchObject({ values: { title: 'abc' }, touched: {}, errors: {}, status: 'idle' });
    reply.resolve(json({ result: { id: 1, title: 'xyz' } }));
    expect(await done).toBe(reset);
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('keeps the same snapshot until something changes and notifies once per change', async () => {
    const { client } = setup();
    const form = createForm(client, addTodo);
    const first = form.getSnapshot();
    expect(form.getSnapshot()).toBe(first);
    const listener = vi.fn();
    const stop = form.subscribe(listener);
    form.setValue('title', 'a');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(form.getSnapshot()).not.toBe(first);
    stop();
    form.setValue('title', 'b');
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('destroy drops listeners and the pending check', async () => {
    const { client } = setup();
    const form = createForm(client, addTodo);
    const listener = vi.fn();
    form.subscribe(listener);
    form.setValue('title', 'abcdef');
    listener.mockClear();
    form.destroy();
    await tick(1000);
    await flush();
    expect(listener).not.toHaveBeenCalled();
    expect(form.getSnapshot().errors).toEqual({});
    expect(vi.getTimerCount()).toBe(0);
  });
});
