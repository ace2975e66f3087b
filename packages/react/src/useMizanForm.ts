import { createForm, type Form, type FormOptions, type FormState, type FunctionRef } from '@mizan/base';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useMizanClient } from './useMizanClient.js';

/** The form's state plus its methods. */
export type UseMizanFormResult<A, R> = FormState<A, R> & Pick<Form<A, R>, 'setValue' | 'touch' | 'submit' | 'reset'>;

/**
 * A form over a server function (see createForm in `@mizan/base`): values,
 * the schema's rules checked with the server's messages, submission, and the
 * server's 422 messages on their fields.
 *
 * @param ref the function's descriptor; its `rules` drive validation
 * @param options `initial` and `debounceMs` are read once; `onSuccess` is
 *   always the latest one passed
 * @returns the FormState plus `setValue`, `touch`, `submit`, `reset`
 * @example
 * const form = useMizanForm(add_todo, { initial: { title: '' } })
 * <input value={form.values.title} onChange={(e) => form.setValue('title', e.target.value)}
 *        onBlur={() => form.touch('title')} />
 * {form.errors.title?.map((m) => <p key={m}>{m}</p>)}
 * <button disabled={!form.isValid || form.status === 'pending'} onClick={() => form.submit()}>Add</button>
 */
export function useMizanForm<A, R>(ref: FunctionRef<A, R>, options: FormOptions<A, R> = {}): UseMizanFormResult<A, R> {
  const client = useMizanClient();
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const form = useMemo(
    () => createForm(client, ref, { ...options, onSuccess: (data, args) => latest.current.onSuccess?.(data, args) }),
    // A function is its name: an inline descriptor does not make a new form.
    [client, ref.fn],
  );
  const state = useSyncExternalStore(form.subscribe, form.getSnapshot, form.getSnapshot);
  return useMemo(
    // The state's fields last: faster to copy (see useMizanMutation).
    () => ({ setValue: form.setValue, touch: form.touch, submit: form.submit, reset: form.reset, ...state }),
    [state, form],
  );
}
