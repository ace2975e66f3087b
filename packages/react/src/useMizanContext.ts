import { canonicalParams, type ContextRef, type ContextState, type ObserveOptions, type Params } from '@mizan/base';
import { useMemo, useSyncExternalStore } from 'react';
import { useMizanClient } from './useMizanClient.js';

/** Options of useMizanContext. */
export interface UseMizanContextOptions extends ObserveOptions {
  /**
   * Suspend until the first data arrives: the hook throws the pending fetch
   * to the nearest `<Suspense>`. Errors are not thrown: the state shows them.
   * `staleTime` then defaults to 1 s, so mounting after the suspension does
   * not fetch again what it just fetched.
   */
  readonly suspense?: boolean;
}

/** The context's state plus `refetch`. */
export type UseMizanContextResult<T> = ContextState<T> & {
  /** Fetches now (sharing a fetch in flight); resolves with the state after it. */
  readonly refetch: () => Promise<ContextState<T>>;
};

const SUSPENSE_STALE_TIME = 1000;

/**
 * Reads a context instance: its `status`, `data`, `error` and `isFetching`,
 * kept current by the kernel (invalidations, other tabs, focus). Safe in
 * Strict Mode and concurrent rendering (`useSyncExternalStore`); the entry is
 * released when the last component using it unmounts.
 *
 * @param ref the context's descriptor, e.g. the generated `todosContext`
 * @param params its params; compared by value (canonical form), so a new
 *   object with the same values does not refetch, different values switch
 *   to that instance
 * @param options `enabled`, `staleTime`, `private`, `suspense`
 * @returns the ContextState plus `refetch`
 * @example
 * const { status, data, error, isFetching } = useMizanContext(todosContext, {})
 * if (status === 'success') return <List items={data.list_todos} />
 */
export function useMizanContext<T, P extends Params>(
  ref: ContextRef<T, P>,
  params: NoInfer<P>,
  options: UseMizanContextOptions = {},
): UseMizanContextResult<T> {
  const client = useMizanClient();
  const { enabled, staleTime, suspense } = options;
  const key = canonicalParams(params);
  // Observers do nothing until subscribed, so one per params is cheap and a
  // discarded render (Strict Mode, Suspense) leaves nothing behind.
  const observer = useMemo(
    () =>
      client.observe(
        ref,
        params,
        suspense && staleTime === undefined ? { ...options, staleTime: SUSPENSE_STALE_TIME } : options,
      ),
    // Params are compared by value (`key`), refs by their fields.
    [client, ref.context, ref.private, key, enabled, staleTime, options.private, suspense],
  );
  const state = useSyncExternalStore(observer.subscribe, observer.getSnapshot, observer.getSnapshot);
  if (suspense && state.status == 'loading') {
    // The thrown promise settles (never rejects) when the fetch does; React then renders again.
    throw client.load(ref, params).then(
      () => {},
      () => {},
    );
  }
  // The state's fields last: V8 copies `{refetch, ...state}` much faster than
  // `{...state, refetch}` (see useMizanMutation).
  return useMemo(() => ({ refetch: observer.refetch, ...state }), [state, observer]);
}
