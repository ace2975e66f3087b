import {
  canonicalParams,
  type ContextRef,
  type ContextState,
  type MizanError,
  type ObserveOptions,
  type Params,
} from '@mizan/base';
import {
  computed,
  getCurrentInstance,
  inject,
  onScopeDispose,
  onServerPrefetch,
  shallowRef,
  ssrContextKey,
  toValue,
  watch,
  type ComputedRef,
  type MaybeRefOrGetter,
} from 'vue';
import { mizanOptionsKey } from './mizanKey.js';
import { useMizanClient } from './useMizanClient.js';

/** What useMizanContext returns: readonly refs over the context's state. */
export interface UseMizanContextResult<T> {
  /** The whole ContextState, for narrowing on `status`. */
  readonly state: ComputedRef<ContextState<T>>;
  readonly data: ComputedRef<T | undefined>;
  readonly status: ComputedRef<ContextState<T>['status']>;
  readonly error: ComputedRef<MizanError | undefined>;
  readonly isFetching: ComputedRef<boolean>;
  /** Fetches now (sharing a fetch in flight); resolves with the state after it. */
  readonly refetch: () => Promise<ContextState<T>>;
}

/**
 * Reads a context instance as readonly refs, kept current by the kernel
 * (invalidations, other tabs, focus). Params and options may be refs or
 * getters: when their values change the observer switches to the new
 * instance. The observer is released in `onScopeDispose`. During server
 * rendering it subscribes to nothing: `onServerPrefetch` loads the data
 * before the component renders, unless the client was provided with
 * `serverPrefetch: false`; then the component renders what the client was
 * seeded with (`ssrData`), and `loading` for the rest.
 *
 * @param ref the context's descriptor, e.g. the generated `todosContext`
 * @param params its params, compared by value (canonical form)
 * @param options `enabled`, `staleTime`, `private`
 * @returns refs `state`, `data`, `status`, `error`, `isFetching`, and `refetch`
 * @example
 * const id = ref(1)
 * const { data, status } = useMizanContext(todoContext, () => ({ id: id.value }))
 */
export function useMizanContext<T, P extends Params>(
  ref: ContextRef<T, P>,
  params: MaybeRefOrGetter<NoInfer<P>>,
  options: MaybeRefOrGetter<ObserveOptions> = {},
): UseMizanContextResult<T> {
  const client = useMizanClient();
  const observer = client.observe(ref, toValue(params), toValue(options));
  const current = shallowRef(observer.getSnapshot());
  const sync = (): void => void (current.value = observer.getSnapshot());

  if (getCurrentInstance() && inject(ssrContextKey, null)) {
    // Server rendering: no subscription (nothing would ever release it);
    // load once, then render what the entry holds.
    if (inject(mizanOptionsKey, {}).serverPrefetch != false) {
      onServerPrefetch(async () => {
        if (toValue(options).enabled != false) await client.load(ref, toValue(params)).catch(() => {});
        sync();
      });
    }
  } else {
    const unsubscribe = observer.subscribe(sync);
    sync();
    watch(
      () => canonicalParams(toValue(params)),
      () => observer.setParams(toValue(params)),
    );
    watch(
      () => {
        const o = toValue(options);
        return [o.enabled, o.staleTime, o.private].join();
      },
      () => observer.setOptions(toValue(options)),
    );
    onScopeDispose(() => {
      unsubscribe();
      observer.destroy();
    });
  }

  return {
    state: computed(() => current.value),
    data: computed(() => current.value.data),
    status: computed(() => current.value.status),
    error: computed(() => current.value.error),
    isFetching: computed(() => current.value.isFetching),
    refetch: observer.refetch,
  };
}
