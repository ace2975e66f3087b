import { batch } from './batch.js';
import { matches, pairsOf, type Target } from './invalidation.js';
import { MizanError } from './MizanError.js';
import { timer, type Timer } from './timer.js';
import type { Transport } from './transport.js';
import type { ClientOptions, InvalidationSource, SSRData } from './types.js';

/** The state of an entry, loosely typed; observers expose it as ContextState. */
export interface State {
  readonly status: 'idle' | 'loading' | 'success' | 'error';
  readonly data: unknown;
  readonly error: MizanError | undefined;
  readonly isFetching: boolean;
  readonly updatedAt: number;
}

/** One mounted observer, as an entry sees it. */
export interface Sub {
  notify(): void;
  enabled(): boolean;
  staleTime(): number;
}

/** One cache entry: a context with one canonical param set. */
export interface Entry {
  /** `context` or `context?canonical-params`: cache and SSR key. */
  readonly key: string;
  readonly ctx: string;
  readonly canon: string;
  readonly pairs: string[];
  state: State;
  readonly subs: Set<Sub>;
  /** Controller of the fetch in flight; a response counts only while it is still this one. */
  ctrl?: AbortController | undefined;
  promise?: Promise<void> | undefined;
  /** Invalidated (or reconnected) since the last fetch started. */
  stale: boolean;
  /** Seeded by SSR: the first mount uses it without fetching. */
  fresh: boolean;
  /** ETag of the data as the server sent it; dropped once the data is written locally. */
  etag?: string | null | undefined;
  gc?: Timer | undefined;
}

/** The state of data just written (fetched, seeded or set). */
export const success = (data?: unknown, isFetching = false): State => ({
  status: 'success',
  data,
  error: undefined,
  isFetching,
  updatedAt: Date.now(),
});

// Built from `success` (same keys, same order): smaller once minified.
export const IDLE: State = { ...success(), status: 'idle', updatedAt: 0 };

/** The cache of a client. */
export type Store = ReturnType<typeof createStore>;

/**
 * Builds the cache; `transport` fetches contexts, `retry` bounds GET retries,
 * `needsUser(context)` says which contexts are not asked for while the
 * session is anonymous.
 */
export function createStore(
  transport: Transport,
  staleTime: number,
  gcTime: number,
  retry: number,
  needsUser: (ctx: string) => boolean,
  inspect?: ClientOptions['inspect'],
) {
  const cache = new Map<string, Entry>();
  const pending = new Set<Entry>();
  let flushTimer: Timer | undefined;

  const set = (e: Entry, state: State): void => {
    e.state = state;
    batch(() => e.subs.forEach((s) => s.notify()));
  };

  const active = (e: Entry): boolean => [...e.subs].some((s) => s.enabled());

  // Never written counts as stale whatever the staleTime (even Infinity).
  const isStale = (e: Entry, ms: number): boolean =>
    e.stale || !e.state.updatedAt || Date.now() - e.state.updatedAt >= ms;

  const collect = (e: Entry): void => {
    clearTimeout(e.gc);
    if (gcTime < Infinity) {
      e.gc = timer(() => {
        if (!e.subs.size && cache.get(e.key) == e) {
          cancel(e);
          cache.delete(e.key);
        }
      }, gcTime);
    }
  };

  const entry = (ctx: string, canon: string): Entry => {
    const key = canon ? ctx + '?' + canon : ctx;
    let e = cache.get(key);
    if (!e) {
      e = { key, ctx, canon, pairs: pairsOf(canon), state: IDLE, subs: new Set(), stale: false, fresh: false };
      cache.set(key, e);
      collect(e);
    }
    return e;
  };

  /** Ends the fetch in flight, if any, keeping the data it would have replaced. */
  const cancel = (e: Entry): void => {
    if (!e.ctrl) return;
    e.ctrl.abort();
    e.ctrl = e.promise = undefined;
    const s = e.state;
    set(e, { ...s, isFetching: false, status: s.status == 'loading' ? 'idle' : s.status });
  };

  /**
   * Fetches an entry, sharing the fetch in flight unless `restart` (after an
   * invalidation the fetch in flight may predate the change). The promise
   * settles when the entry's latest fetch does. A failed entry keeps its
   * error while it refetches, so a view chosen by that error (a sign-in form)
   * is not torn down and rebuilt by a reconnect.
   */
  const load = (e: Entry, restart = false): Promise<void> => {
    if (e.promise && !restart) return e.promise;
    e.ctrl?.abort();
    const ctrl = (e.ctrl = new AbortController());
    e.stale = e.fresh = false;
    const s = e.state;
    set(e, { ...s, status: s.status == 'idle' ? 'loading' : s.status, isFetching: true });
    const headers: Record<string, string> = e.etag ? { 'if-none-match': e.etag } : {};
    const path = `ctx/${e.ctx}/${e.canon && '?' + e.canon}`;
    const done = (state: () => State) => (): Promise<void> | void => {
      if (e.ctrl != ctrl) return e.promise; // superseded: follow the newer fetch
      e.ctrl = e.promise = undefined;
      set(e, state());
    };
    const get = () => transport.request('GET', path, undefined, ctrl.signal, headers, retry);
    // Known to be anonymous: the answer would be a 401, so it is not asked for.
    const reply = needsUser(e.ctx)
      ? transport.anonymous().then((anonymous) => {
          if (anonymous) throw new MizanError('unauthenticated', 'Authentication required.', 401);
          return get();
        })
      : get();
    return (e.promise = reply.then(
      (r) => {
        const modified = r.status != 304;
        if (modified && e.ctrl == ctrl) e.etag = r.headers.get('etag');
        return done(() => success(modified ? r.body : e.state.data))();
      },
      (error: MizanError) => done(() => ({ ...e.state, status: 'error', error, isFetching: false }))(),
    ));
  };

  /** Adds a mounted observer; fetches if it is enabled and the data is not fresh. */
  const mount = (e: Entry, sub: Sub): void => {
    e.subs.add(sub);
    clearTimeout(e.gc);
    if (sub.enabled() && !e.promise) {
      if (e.fresh) e.fresh = false;
      else if (isStale(e, sub.staleTime())) void load(e);
    }
  };

  const unmount = (e: Entry, sub: Sub): void => {
    if (e.subs.delete(sub) && !e.subs.size) collect(e);
  };

  /** Marks an entry stale and queues a refetch if mounted; refetches are coalesced. */
  const markStale = (e: Entry): void => {
    e.stale = true;
    e.fresh = false;
    pending.add(e);
    flushTimer ??= timer(() => {
      flushTimer = undefined;
      const list = [...pending];
      pending.clear();
      batch(() => list.forEach((p) => p.stale && active(p) && void load(p, true)));
    }, 10);
  };

  return {
    cache,
    entry,
    set,
    load,
    cancel,
    mount,
    unmount,
    isStale,
    markStale,

    /** Applies invalidation targets (PROTOCOL §3 matching). */
    invalidate(targets: Target[], source: InvalidationSource): void {
      inspect?.(source, targets);
      for (const e of cache.values()) if (targets.some((t) => matches(t, e.ctx, e.pairs))) markStale(e);
    },

    /** Refetches mounted entries that are stale for one of their observers (focus, online). */
    revalidate(): void {
      batch(() => {
        for (const e of cache.values()) {
          if ([...e.subs].some((s) => s.enabled() && isStale(e, s.staleTime()))) void load(e);
        }
      });
    },

    /**
     * Clears entries of the given contexts: their data may belong to another
     * user. SSR-seeded entries not yet observed go too, since nothing has
     * said yet whether their context is private.
     */
    clear(contexts: Set<string>): void {
      batch(() => {
        for (const e of cache.values()) {
          if (!contexts.has(e.ctx) && !e.fresh) continue;
          e.ctrl?.abort();
          e.ctrl = e.promise = undefined;
          e.etag = undefined;
          e.stale = true;
          e.fresh = false;
          set(e, IDLE);
          if (active(e)) void load(e);
        }
      });
    },

    /** Seeds entries from server-rendered data. */
    hydrate(data: SSRData | undefined): void {
      // for-in over undefined visits nothing.
      for (const key in data) {
        const [ctx = '', canon = ''] = key.split('?');
        const e = entry(ctx, canon);
        e.state = success(data[key]);
        e.fresh = true;
      }
    },

    /** Aborts every fetch and forgets every entry. */
    destroy(): void {
      clearTimeout(flushTimer);
      pending.clear();
      for (const e of cache.values()) {
        e.ctrl?.abort();
        e.ctrl = e.promise = undefined;
        clearTimeout(e.gc);
      }
      cache.clear();
    },

    staleTime,
  };
}
