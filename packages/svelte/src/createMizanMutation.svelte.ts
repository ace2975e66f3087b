import type { FunctionRef, MutationObserver, MutationState } from '@mizan/base';
import { getMizanClient } from './setMizanClient.js';

/** What createMizanMutation returns: reactive getters over the latest call, and its methods. */
export interface MizanMutation<A, R> {
  /** The whole MutationState, for narrowing on `status`. */
  readonly state: MutationState<A, R>;
  readonly status: MutationState<A, R>['status'];
  readonly data: R | undefined;
  readonly error: MutationState<A, R>['error'];
  readonly args: A | undefined;
  readonly pending: boolean;
  readonly isError: boolean;
  readonly isSuccess: boolean;
  /** Calls the function; never rejects, resolves with the final state. */
  readonly mutate: MutationObserver<A, R>['mutate'];
  /** Back to `idle`; a call in flight no longer updates the state. */
  readonly reset: () => void;
}

/**
 * Calls a server function and follows its latest call through reactive
 * getters. The server's invalidations refetch the contexts on screen by
 * themselves. Call it during component initialisation; it is released when
 * the component is destroyed.
 *
 * @param ref the function's descriptor, e.g. the generated `add_todo`
 * @returns getters `state`, `status`, `data`, `error`, `args`, `pending`,
 *   `isError`, `isSuccess`, and `mutate`, `reset`
 * @example
 * const add = createMizanMutation(add_todo);
 * // <button disabled={add.pending} onclick={() => add.mutate({ title })}>Add</button>
 */
export function createMizanMutation<A, R>(ref: FunctionRef<A, R>): MizanMutation<A, R> {
  const observer = getMizanClient().mutation(ref);
  let current = $state.raw(observer.getSnapshot());
  const status = $derived(current.status);
  $effect(() => {
    const unsubscribe = observer.subscribe(() => (current = observer.getSnapshot()));
    current = observer.getSnapshot();
    return () => {
      unsubscribe();
      observer.destroy();
    };
  });

  return {
    get state() {
      return current;
    },
    get status() {
      return status;
    },
    get data() {
      return current.data;
    },
    get error() {
      return current.error;
    },
    get args() {
      return current.args;
    },
    get pending() {
      return status == 'pending';
    },
    get isError() {
      return status == 'error';
    },
    get isSuccess() {
      return status == 'success';
    },
    mutate: observer.mutate,
    reset: observer.reset,
  };
}
