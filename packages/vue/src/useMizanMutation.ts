import type { FunctionRef, MizanError, MutationObserver, MutationState } from '@mizan/base';
import { computed, onScopeDispose, shallowRef, toRaw, type ComputedRef, type ShallowRef } from 'vue';
import { useMizanClient } from './useMizanClient.js';

/** What useMizanMutation returns: readonly refs over the latest call, and its methods. */
export interface UseMizanMutationResult<A, R> {
  /** The whole MutationState, for narrowing on `status`. */
  readonly state: ComputedRef<MutationState<A, R>>;
  readonly status: ComputedRef<MutationState<A, R>['status']>;
  readonly data: ComputedRef<R | undefined>;
  readonly error: ComputedRef<MizanError | undefined>;
  readonly args: ComputedRef<A | undefined>;
  readonly pending: ComputedRef<boolean>;
  readonly isError: ComputedRef<boolean>;
  readonly isSuccess: ComputedRef<boolean>;
  /** Calls the function; never rejects, resolves with the final state. */
  readonly mutate: MutationObserver<A, R>['mutate'];
  /** Back to `idle`; a call in flight no longer updates the state. */
  readonly reset: () => void;
}

/**
 * Calls a server function and follows its latest call as readonly refs. The
 * server's invalidations refetch the contexts on screen by themselves. A
 * composable: the observer is released in `onScopeDispose`, after which a
 * call still in flight no longer updates the refs.
 *
 * @param ref the function's descriptor, e.g. the generated `add_todo`
 * @returns refs `state`, `status`, `data`, `error`, `args`, `pending`,
 *   `isError`, `isSuccess`, and `mutate`, `reset`
 * @example
 * const add = useMizanMutation(add_todo)
 * <button :disabled="add.pending.value" @click="add.mutate({ title })">Add</button>
 */
export function useMizanMutation<A, R>(ref: FunctionRef<A, R>): UseMizanMutationResult<A, R> {
  const observer = useMizanClient().mutation(ref);
  const current = shallowRef(observer.getSnapshot());
  const unsubscribe = observer.subscribe(() => (current.value = observer.getSnapshot()));
  onScopeDispose(() => {
    unsubscribe();
    observer.destroy();
  });
  return new MutationRefs(current, observer);
}

// Each computed ref is made the first time it is read: a list row with two
// mutations would otherwise build sixteen refs, most never read (a server
// render reads none but `pending`). A template reads it through a reactive
// proxy (which unwraps refs): the getters work on the raw object, and plain
// fields, not `#private` ones, keep the proxy working.
class MutationRefs<A, R> implements UseMizanMutationResult<A, R> {
  readonly mutate: MutationObserver<A, R>['mutate'];
  readonly reset: () => void;
  private readonly refs: Partial<Record<string, ComputedRef<unknown>>> = {};

  constructor(
    private readonly current: ShallowRef<MutationState<A, R>>,
    observer: MutationObserver<A, R>,
  ) {
    this.mutate = observer.mutate;
    this.reset = observer.reset;
  }

  private ref<T>(name: string, read: (s: MutationState<A, R>) => T): ComputedRef<T> {
    const self = toRaw(this);
    return (self.refs[name] ??= computed(() => read(self.current.value))) as ComputedRef<T>;
  }

  get state() {
    return this.ref('state', (s) => s);
  }
  get status() {
    return this.ref('status', (s) => s.status);
  }
  get data() {
    return this.ref('data', (s) => s.data);
  }
  get error() {
    return this.ref('error', (s) => s.error);
  }
  get args() {
    return this.ref('args', (s) => s.args);
  }
  get pending() {
    return this.ref('pending', (s) => s.status == 'pending');
  }
  get isError() {
    return this.ref('isError', (s) => s.status == 'error');
  }
  get isSuccess() {
    return this.ref('isSuccess', (s) => s.status == 'success');
  }
}
