import { batch, enqueue } from './batch.js';
import { canonicalParams, type Params } from './canonicalParams.js';
import type { Entry, State, Store, Sub } from './store.js';
import type { ContextObserver, ContextState, ObserveOptions } from './types.js';

/**
 * An observer of one context (see ContextObserver). It holds its entry only
 * while it has listeners, so an observer that is never subscribed, or whose
 * component unmounted, leaves the entry to GC.
 */
export function observe<T, P extends Params>(
  store: Store,
  ctx: string,
  params: P,
  options: ObserveOptions,
): ContextObserver<T, P> {
  const listeners = new Set<() => void>();
  let canon = canonicalParams(params);
  let mounted: Entry | undefined;
  // Before the first subscriber an enabled observer is about to fetch: report
  // `loading` rather than `idle`, so the first render shows a spinner, not nothing.
  let seen: State | undefined;
  let shown: State | undefined;

  const sub: Sub = {
    notify: () => listeners.forEach(enqueue),
    enabled: () => options.enabled != false,
    staleTime: () => options.staleTime ?? store.staleTime,
  };
  const current = (): Entry => mounted ?? store.entry(ctx, canon);
  const mount = (): void => store.mount((mounted = store.entry(ctx, canon)), sub);
  const unmount = (): void => {
    if (mounted) store.unmount(mounted, sub);
    mounted = undefined;
  };

  const self: ContextObserver<T, P> = {
    getSnapshot() {
      const s = current().state;
      if (mounted || s.status != 'idle' || !sub.enabled()) return s as ContextState<T>;
      if (seen != s) shown = { ...(seen = s), status: 'loading', isFetching: true };
      return shown as ContextState<T>;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!mounted) mount();
      return () => {
        if (listeners.delete(listener) && !listeners.size) unmount();
      };
    },
    refetch: () => store.load(current()).then(() => self.getSnapshot()),
    setParams(next) {
      const c = canonicalParams(next);
      if (c == canon) return;
      const was = !!mounted;
      unmount();
      canon = c;
      if (was) mount();
      batch(sub.notify);
    },
    setOptions(next) {
      options = next;
      if (mounted) mount();
      batch(sub.notify);
    },
    destroy() {
      listeners.clear();
      unmount();
    },
  };
  return self;
}
