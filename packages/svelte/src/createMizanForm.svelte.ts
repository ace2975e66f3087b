import { createForm, type Form, type FormOptions, type FormState, type FunctionRef } from '@mizan/base';
import { getMizanClient } from './setMizanClient.js';

/** What createMizanForm returns: reactive getters over the form's state, and its methods. */
export interface MizanForm<A, R>
  extends Pick<FormState<A, R>, 'values' | 'errors' | 'touched' | 'isValid' | 'status' | 'error' | 'data'>,
    Pick<Form<A, R>, 'setValue' | 'touch' | 'submit' | 'reset'> {
  /** The whole FormState. */
  readonly state: FormState<A, R>;
}

/**
 * A form over a server function (see createForm in `@mizan/base`) through
 * reactive getters: values, the schema's rules checked with the server's
 * messages, submission, and the server's 422 messages on their fields. Call
 * it during component initialisation; the pending check and a submit in
 * flight are dropped when the component is destroyed.
 *
 * @param ref the function's descriptor; its `rules` drive validation
 * @param options `initial`, `debounceMs`, `onSuccess`
 * @returns getters `state`, `values`, `errors`, `touched`, `isValid`,
 *   `status`, `error`, `data`, and `setValue`, `touch`, `submit`, `reset`
 * @example
 * const form = createMizanForm(add_todo, { initial: { title: '' } });
 * // <input value={form.values.title} oninput={(e) => form.setValue('title', e.currentTarget.value)}
 * //        onblur={() => form.touch('title')} />
 */
export function createMizanForm<A, R>(ref: FunctionRef<A, R>, options: FormOptions<A, R> = {}): MizanForm<A, R> {
  const form = createForm(getMizanClient(), ref, options);
  let current = $state.raw(form.getSnapshot());
  $effect(() => {
    const unsubscribe = form.subscribe(() => (current = form.getSnapshot()));
    current = form.getSnapshot();
    return () => {
      unsubscribe();
      form.destroy();
    };
  });

  return {
    get state() {
      return current;
    },
    get values() {
      return current.values;
    },
    get errors() {
      return current.errors;
    },
    get touched() {
      return current.touched;
    },
    get isValid() {
      return current.isValid;
    },
    get status() {
      return current.status;
    },
    get error() {
      return current.error;
    },
    get data() {
      return current.data;
    },
    setValue: form.setValue,
    touch: form.touch,
    submit: form.submit,
    reset: form.reset,
  };
}
