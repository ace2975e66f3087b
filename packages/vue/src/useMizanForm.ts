import { createForm, type FieldErrors, type Form, type FormOptions, type FormState, type FunctionRef } from '@mizan/base';
import { computed, onScopeDispose, shallowRef, type ComputedRef } from 'vue';
import { useMizanClient } from './useMizanClient.js';

/** What useMizanForm returns: readonly refs over the form's state, and its methods. */
export interface UseMizanFormResult<A, R> extends Pick<Form<A, R>, 'setValue' | 'touch' | 'submit' | 'reset'> {
  /** The whole FormState. */
  readonly state: ComputedRef<FormState<A, R>>;
  readonly values: ComputedRef<Partial<A>>;
  readonly errors: ComputedRef<FieldErrors>;
  readonly touched: ComputedRef<Readonly<Record<string, boolean>>>;
  readonly isValid: ComputedRef<boolean>;
  readonly status: ComputedRef<FormState['status']>;
  readonly error: ComputedRef<FormState['error']>;
  readonly data: ComputedRef<R | undefined>;
}

/**
 * A form over a server function (see createForm in `@mizan/base`) as readonly
 * refs: values, the schema's rules checked with the server's messages,
 * submission, and the server's 422 messages on their fields. A composable:
 * the pending check and a submit in flight are dropped in `onScopeDispose`.
 *
 * @param ref the function's descriptor; its `rules` drive validation
 * @param options `initial`, `debounceMs`, `onSuccess`
 * @returns refs `state`, `values`, `errors`, `touched`, `isValid`, `status`,
 *   `error`, `data`, and `setValue`, `touch`, `submit`, `reset`
 * @example
 * const form = useMizanForm(add_todo, { initial: { title: '' } })
 * <input :value="form.values.value.title" @input="form.setValue('title', $event.target.value)"
 *        @blur="form.touch('title')" />
 */
export function useMizanForm<A, R>(ref: FunctionRef<A, R>, options: FormOptions<A, R> = {}): UseMizanFormResult<A, R> {
  const form = createForm(useMizanClient(), ref, options);
  const current = shallowRef(form.getSnapshot());
  form.subscribe(() => (current.value = form.getSnapshot()));
  onScopeDispose(form.destroy);
  return {
    state: computed(() => current.value),
    values: computed(() => current.value.values),
    errors: computed(() => current.value.errors),
    touched: computed(() => current.value.touched),
    isValid: computed(() => current.value.isValid),
    status: computed(() => current.value.status),
    error: computed(() => current.value.error),
    data: computed(() => current.value.data),
    setValue: form.setValue,
    touch: form.touch,
    submit: form.submit,
    reset: form.reset,
  };
}
