import type { Client } from '@mizan/base';
import { createApp, effectScope, reactive, toRaw } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMizan } from '../mizanKey.js';
import { useMizanForm } from '../useMizanForm.js';
import { useMizanMutation } from '../useMizanMutation.js';
import { add_todo } from './api.js';
import { deferred, fail, json, setup, tick, todo } from './setup.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const TOO_LONG = 'Ensure this field has no more than 20 characters.';

describe('useMizanForm', () => {
  it('is invalid while the required field is untouched; the debounced check reads the current value', async () => {
    const { withSetup } = setup({});
    const { result: form } = withSetup(() => useMizanForm(add_todo, { initial: { title: '' } }));
    expect(form.isValid.value).toBe(false);
    expect(form.errors.value).toEqual({});
    form.setValue('title', 'x'.repeat(21));
    await tick(100);
    form.setValue('title', 'short');
    await tick(100); // a check bound to the first value would have fired
    expect(form.errors.value).toEqual({});
    await tick(100);
    expect(form.isValid.value).toBe(true);
    form.setValue('title', 'x'.repeat(21));
    await tick(150);
    expect(form.errors.value).toEqual({ title: [TOO_LONG] });
    form.setValue('title', '');
    form.touch('title');
    expect(form.errors.value).toEqual({ title: ['This field is required.'] });
  });

  it('puts the server 422 messages on their fields', async () => {
    const { withSetup } = setup({
      'call/add_todo/': () => fail(422, 'validation', 'Invalid input.', { title: ['Already exists.'] }),
    });
    const { result: form } = withSetup(() => useMizanForm(add_todo, { initial: { title: 'milk' } }));
    await form.submit();
    expect(form.status.value).toBe('error');
    expect(form.error.value).toBeUndefined();
    expect(form.errors.value).toEqual({ title: ['Already exists.'] });
    expect(form.isValid.value).toBe(false);
  });

  it('submits, and drops the pending check when its scope is disposed', async () => {
    const { client, count } = setup({ 'call/add_todo/': () => json({ result: todo(1, 'milk') }) });
    const scope = effectScope();
    const onSuccess = vi.fn();
    // A bare effect scope, as in a store: no component, the app's context provides the client.
    const form = scope.run(() =>
      withClient(client, () => useMizanForm(add_todo, { initial: { title: 'milk' }, onSuccess })),
    )!;
    await form.submit();
    expect(form.data.value).toEqual(todo(1, 'milk'));
    expect(onSuccess).toHaveBeenCalledTimes(1);
    form.setValue('title', 'x'.repeat(30));
    scope.stop();
    await tick(1000);
    expect(form.errors.value).toEqual({});
    expect(count('call/')).toBe(1);
  });
});

describe('useMizanMutation', () => {
  it('shows a failed call as isError and stops updating after unmount', async () => {
    const { withSetup } = setup({ 'call/add_todo/': () => fail(403, 'forbidden') });
    const { result: add, wrapper } = withSetup(() => useMizanMutation(add_todo));
    const s = await add.mutate({ title: 'x' });
    expect(s.status).toBe('error');
    expect(add.isError.value).toBe(true);
    expect(add.error.value).toMatchObject({ code: 'forbidden' });
    add.reset();
    expect(add.status.value).toBe('idle');
    wrapper.unmount();
    void add.mutate({ title: 'y' });
    await tick();
    expect(add.status.value).toBe('idle');
  });

  it('works inside reactive(), as a template reads it: refs unwrapped, each made once', async () => {
    const reply = deferred<Response>();
    const { withSetup } = setup({ 'call/add_todo/': () => reply.promise });
    const { result: add } = withSetup(() => reactive(useMizanMutation(add_todo)));
    expect(add.pending).toBe(false);
    expect(add.status).toBe('idle');
    const done = add.mutate({ title: 'x' });
    expect(add.pending).toBe(true);
    reply.resolve(json(todo(1, 'x')));
    await done;
    expect(add.isSuccess).toBe(true);
    expect(add.status).toBe('success');
    const raw = useMizanMutationRefs(add);
    expect(raw.pending).toBe(raw.pending); // the same ref on every read
  });
});

/** The refs behind a reactive() mutation result. */
const useMizanMutationRefs = <T extends object>(proxy: T): T => toRaw(proxy);

/** Runs a composable with `client` injectable, without mounting a component. */
function withClient<T>(client: Client, use: () => T): T {
  return createApp({}).use(createMizan(client)).runWithContext(use);
}
