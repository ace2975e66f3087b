import type { FunctionRef, MizanError, MutationObserver, MutationState } from '@mizan/base';
import { computed, onScopeDispose, shallowRef, type ComputedRef } from 'vue';
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
  const is = (status: string) => computed(() => current.value.status == status);
  return {
    state: computed(() => current.value),
    status: computed(() => current.value.status),
    data: computed(() => current.value.data),
    error: computed(() => current.value.error),
    args: computed(() => current.value.args),
    pending: is('pending'),
    isError: is('error'),
    isSuccess: is('success'),
    mutate: observer.mutate,
    reset: observer.reset,
  };
}
