import { batch, enqueue } from './batch.js';
import { MizanError, type FieldErrors } from './MizanError.js';
import { timer, type Timer } from './timer.js';
import type { Client, FunctionRef, Observable } from './types.js';
import { validateField } from './validateField.js';

/**
 * What a form shows. `errors` holds the messages of the fields the user has
 * edited or left (and of every field after a submit), including the server's
 * 422 messages, which stay on their field until its value changes. `isValid`
 * checks every field's rules on the current values, touched or not, so it is
 * false while a required field is still empty.
 */
export interface FormState<TArgs = Record<string, unknown>, TResult = unknown> {
  readonly values: Partial<TArgs>;
  readonly errors: FieldErrors;
  readonly touched: Readonly<Record<string, boolean>>;
  readonly isValid: boolean;
  /** Of the latest submit that reached the server. */
  readonly status: 'idle' | 'pending' | 'success' | 'error';
  /** Why the latest submit failed, unless it was a 422 whose messages landed on fields. */
  readonly error?: MizanError | undefined;
  /** The result of the latest successful submit. */
  readonly data?: TResult | undefined;
}

/** Options of createForm. */
export interface FormOptions<TArgs = Record<string, unknown>, TResult = unknown> {
  /** Starting values, and what `reset()` returns to. */
  readonly initial?: Partial<TArgs>;
  /** Quiet time after the last edit before edited fields are checked, ms. Default 150. */
  readonly debounceMs?: number;
  /** Runs after a successful submit, with the result and the values sent. */
  readonly onSuccess?: (data: TResult, args: TArgs) => void;
}

/** A form over one server function; an Observable of its FormState. */
export interface Form<TArgs = Record<string, unknown>, TResult = unknown> extends Observable<FormState<TArgs, TResult>> {
  /** Sets a value; the field counts as touched and is checked after the debounce. */
  setValue<K extends keyof TArgs & string>(field: K, value: TArgs[K]): void;
  /** Marks a field touched (it was left) and checks it at once. */
  touch(field: keyof TArgs & string): void;
  /**
   * Touches and checks every field; calls the function only if all pass.
   * Never rejects: resolves with the state after the call (or at once when invalid).
   */
  submit(): Promise<FormState<TArgs, TResult>>;
  /** Back to the initial values, untouched, `idle`; a submit in flight no longer counts. */
  reset(): void;
}

/**
 * Creates a framework-free form for a server function: values, the schema's
 * rules checked with the server's messages (see validateField), submission
 * through `client.call`, and the server's field errors placed on their fields.
 * The adapters' `useMizanForm` / `createMizanForm` wrap it.
 *
 * @param client the client that submits
 * @param ref the function's descriptor; its `rules` drive validation
 * @param options initial values, debounce, success callback
 * @returns the Form; `destroy()` drops listeners, the pending check and the
 *   outcome of a submit in flight (the form can be subscribed again)
 * @example
 * const form = createForm(client, add_todo, { initial: { title: '' } })
 * form.setValue('title', 'Buy milk')
 * const { status, errors } = await form.submit()
 */
export function createForm<A, R>(client: Client, ref: FunctionRef<A, R>, options: FormOptions<A, R> = {}): Form<A, R> {
  const { debounceMs = 150, onSuccess } = options;
  const rules = ref.rules ?? {};
  const listeners = new Set<() => void>();
  // Edited since their last check; the check reads the values current then.
  const dirty = new Set<string>();
  // Fields whose messages came from the server: kept until the value changes.
  const server = new Set<string>();
  let values: Record<string, unknown> = {};
  let errors: Record<string, readonly string[]> = {};
  let touched: Record<string, boolean> = {};
  let status: FormState['status'] = 'idle';
  let error: MizanError | undefined;
  let data: R | undefined;
  let latest = 0;
  let pending: Timer | undefined;
  let state: FormState<A, R>;

  const messages = (field: string): string[] => {
    const r = rules[field];
    return r ? validateField(r, values[field]) : [];
  };
  const setErrors = (field: string, list: readonly string[]): void => {
    const { [field]: _, ...rest } = errors;
    errors = list.length ? { ...rest, [field]: list } : rest;
  };
  const check = (field: string): void => {
    dirty.delete(field);
    if (!server.has(field)) setErrors(field, messages(field));
  };
  const emit = (): FormState<A, R> => {
    const isValid = !server.size && Object.keys(rules).every((f) => !messages(f).length);
    state = { values: values as Partial<A>, errors, touched, isValid, status, error, data };
    batch(() => listeners.forEach(enqueue));
    return state;
  };
  const stop = (): void => {
    clearTimeout(pending);
    pending = undefined;
    dirty.clear();
  };
  const init = (): void => {
    values = { ...options.initial };
    errors = {};
    touched = {};
    server.clear();
    status = 'idle';
    error = data = undefined;
  };

  const settle = (id: number, result: { data: R } | { error: unknown }): FormState<A, R> => {
    if (id != latest) return state;
    if ('data' in result) {
      status = 'success';
      data = result.data;
      return emit();
    }
    const e = result.error instanceof MizanError ? result.error : new MizanError('internal', String(result.error));
    const fields = Object.entries(e.fields);
    status = 'error';
    error = e.code == 'validation' && fields.length ? undefined : e;
    for (const [field, list] of fields) {
      server.add(field);
      setErrors(field, list);
      touched = { ...touched, [field]: true };
    }
    return emit();
  };

  init();
  emit();
  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    setValue(field, value) {
      values = { ...values, [field]: value };
      if (!touched[field]) touched = { ...touched, [field]: true };
      if (server.delete(field)) setErrors(field, []);
      dirty.add(field);
      clearTimeout(pending);
      if (debounceMs > 0) {
        pending = timer(() => {
          pending = undefined;
          dirty.forEach(check);
          emit();
        }, debounceMs);
      } else {
        dirty.forEach(check);
      }
      emit();
    },
    touch(field) {
      if (!touched[field]) touched = { ...touched, [field]: true };
      check(field);
      emit();
    },
    async submit() {
      stop();
      // A new attempt: the server will say again whatever still applies.
      server.clear();
      for (const field of new Set([...Object.keys(rules), ...Object.keys(values)])) {
        touched = touched[field] ? touched : { ...touched, [field]: true };
        check(field);
      }
      if (!emit().isValid) return state;
      const id = ++latest;
      const args = values as A;
      status = 'pending';
      error = undefined;
      emit();
      const next = await client.call(ref, args).then(
        (d) => settle(id, { data: d }),
        (e: unknown) => settle(id, { error: e }),
      );
      if (id == latest && next.status == 'success') onSuccess?.(next.data as R, args);
      return next;
    },
    reset() {
      latest++;
      stop();
      init();
      emit();
    },
    destroy() {
      latest++;
      listeners.clear();
      stop();
    },
  };
}
