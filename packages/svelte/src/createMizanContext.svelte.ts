import { canonicalParams, type ContextRef, type ContextState, type ObserveOptions, type Params } from '@mizan/base';
import { untrack } from 'svelte';
import { getMizanClient } from './setMizanClient.js';

/** What createMizanContext returns: reactive getters over the context's state. */
export interface MizanContext<T> {
  /** The whole ContextState, for narrowing on `status`. */
  readonly state: ContextState<T>;
  readonly data: T | undefined;
  readonly status: ContextState<T>['status'];
  readonly error: ContextState<T>['error'];
  readonly isFetching: boolean;
  /** Fetches now (sharing a fetch in flight); resolves with the state after it. */
  refetch(): Promise<ContextState<T>>;
}

/** Options of createMizanContext: `enabled`, `staleTime`, `private`, or a getter of them. */
export type CreateMizanContextOptions = ObserveOptions | (() => ObserveOptions);

const optionsKey = (o: ObserveOptions): string => [o.enabled, o.staleTime, o.private].join();

/**
 * Reads a context instance through reactive getters, kept current by the
 * kernel (invalidations, other tabs, focus). Call it during component
 * initialisation: it subscribes in an `$effect`, so it is released when the
 * component is destroyed, and not at all during server rendering (load the
 * data on the server with `client.load`, or seed the client with `ssrData`).
 *
 * @param ref the context's descriptor, e.g. the generated `todosContext`
 * @param params a getter of the params; when the values it returns change,
 *   the observer switches to that instance. Default: no params
 * @param options `enabled`, `staleTime`, `private`, or a getter of them
 * @returns getters `state`, `data`, `status`, `error`, `isFetching`, and `refetch()`
 * @example
 * let { id } = $props();
 * const todo = createMizanContext(todoContext, () => ({ id }));
 * // {#if todo.status === 'success'}{todo.data.get_todo.title}{/if}
 */
export function createMizanContext<T, P extends Params>(
  ref: ContextRef<T, P>,
  params: () => NoInfer<P> = () => ({}) as P,
  options: CreateMizanContextOptions = {},
): MizanContext<T> {
  const client = getMizanClient();
  const getOptions = typeof options == 'function' ? options : () => options;
  const observer = client.observe(ref, untrack(params), untrack(getOptions));
  let current = $state.raw(observer.getSnapshot());
  const sync = (): void => void (current = observer.getSnapshot());

  let key = canonicalParams(untrack(params));
  $effect.pre(() => {
    const next = params();
    const k = canonicalParams(next);
    if (k != key) untrack(() => observer.setParams(next));
    key = k;
  });
  let applied = optionsKey(untrack(getOptions));
  $effect.pre(() => {
    const next = getOptions();
    const k = optionsKey(next);
    if (k != applied) untrack(() => observer.setOptions(next));
    applied = k;
  });
  $effect(() => {
    const unsubscribe = observer.subscribe(sync);
    sync();
    return () => {
      unsubscribe();
      observer.destroy();
    };
  });

  return {
    get state() {
      return current;
    },
    get data() {
      return current.data;
    },
    get status() {
      return current.status;
    },
    get error() {
      return current.error;
    },
    get isFetching() {
      return current.isFetching;
    },
    refetch: observer.refetch,
  };
}
