import { batch } from './batch.js';
import { canonicalParams, type Params } from './canonicalParams.js';
import { matches, parseInvalidateHeader, toTarget, type InvalidateEntry, type Target } from './invalidation.js';
import { MizanError, wireError } from './MizanError.js';
import { mutation } from './mutation.js';
import { observe } from './observe.js';
import { connectSocket } from './socket.js';
import { createStore, success, type Entry, type State } from './store.js';
import { createTransport } from './transport.js';
import type {
  CallOptions,
  ChannelRef,
  Client,
  ClientOptions,
  ContextRef,
  FunctionRef,
  InvalidationSource,
  ObserveOptions,
} from './types.js';

// Runtime globals are all optional (Node, edge), so they are read loosely.
const g = globalThis as any;

type Ref = ContextRef | string;
type Reply = { result: unknown; invalidate?: InvalidateEntry[] };

/**
 * Creates a client: the cache of every context instance, the transport, and
 * what keeps the cache right (server invalidations, other tabs, WebSocket
 * pushes, focus and reconnect). One per application in a browser; one per
 * request for SSR.
 *
 * @param options see ClientOptions; everything has a default
 * @returns the Client
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8000', auth: { token: () => jwt } })
 * const todos = client.observe('todos', {})
 * const stop = todos.subscribe(() => render(todos.getSnapshot()))
 */
export function createClient(options: ClientOptions = {}): Client {
  const { baseUrl = '', prefix = '/api/mizan', staleTime = 0, gcTime = 300_000, retry = 3, websocket, schema = '' } = options;
  const transport = createTransport(options);
  // Contexts whose data depends on who is signed in: the private ones and
  // those that need a user, cleared on sign-in and sign-out.
  const privates = new Set<string>();
  const needUser = new Set<string>();
  const store = createStore(transport, staleTime, gcTime, retry, (ctx) => needUser.has(ctx), options.inspect);

  const contextOf = (ref: Ref, opts: ObserveOptions = {}): string => {
    const ctx = typeof ref == 'string' ? ref : ref.context;
    if (opts.private ?? (ref as ContextRef).private) privates.add(ctx);
    if ((ref as ContextRef).auth) {
      needUser.add(ctx);
      privates.add(ctx);
    }
    return ctx;
  };
  const entryOf = (ref: Ref, params?: Params, opts?: ObserveOptions): Entry =>
    store.entry(contextOf(ref, opts), canonicalParams(params));
  // Local data is no longer what the ETag describes: a 304 must not bless it.
  const write = (e: Entry, data: unknown): void => {
    e.etag = undefined;
    store.set(e, success(data, e.state.isFetching));
  };

  // Other tabs: invalidations and sign-in/out travel both ways. Node has a
  // BroadcastChannel too, but SSR clients of different users must not share.
  const channel: BroadcastChannel | undefined =
    (options.broadcast ?? typeof document == 'object') && g.BroadcastChannel
      ? new g.BroadcastChannel('mizan:' + baseUrl + prefix)
      : undefined;
  (channel as { unref?: () => void } | undefined)?.unref?.();
  if (channel) channel.onmessage = ({ data }) => (data.p ? clearPrivate() : store.invalidate(data.i, 3));

  const invalidate = (targets: Target[], source: InvalidationSource): void => {
    if (!targets.length) return;
    store.invalidate(targets, source);
    channel?.postMessage({ i: targets });
  };
  const clearPrivate = (): void => {
    transport.reset();
    store.clear(privates);
    socket?.wake(true);
  };
  const resetPrivate = (): void => {
    clearPrivate();
    channel?.postMessage({ p: 1 });
  };

  // WebSocket: pushed invalidations, channel messages, and calls while
  // connected. A token-mode socket is anonymous until its `auth` frame is
  // answered, so calls and subscriptions wait for that (HTTP meanwhile).
  const calls = new Map<number, [(r: Reply) => void, (e: unknown) => void]>();
  const channels = new Map<string, Set<[(data: any) => void, ((e: MizanError) => void) | undefined]>>();
  let lastId = 0;
  let ready = false;
  const ws = typeof websocket == 'object' ? websocket : {};
  const Impl = ws.WebSocket ?? g.WebSocket;
  const origin: string | undefined = baseUrl || g.location?.origin;
  const url = ws.url ?? (origin && origin.replace(/^http/, 'ws') + prefix + '/ws/?s=' + schema);
  const { token } = transport;
  const refetchAll = (): void => store.cache.forEach(store.markStale);
  const sub = (channel: string, op = 'sub'): unknown => socket?.send({ op, id: channel, channel });
  const start = (): void => {
    ready = true;
    channels.forEach((_, c) => sub(c));
  };
  const socket =
    websocket && Impl && url
      ? connectSocket(url, Impl, ws.ping ?? 25_000, {
          open(again) {
            // Pushes are at-most-once: whatever changed while disconnected went unseen.
            if (again) refetchAll();
            if (!token) return start();
            Promise.resolve(token()).then((t) => (t ? socket?.send({ op: 'auth', id: 0, token: t }) : start()), start);
          },
          message(f) {
            const { op, id } = f;
            if (op == 'invalidate') store.invalidate((f.invalidate ?? []).map(toTarget), 4);
            if (op == 'refetch') refetchAll();
            if (id === 0) start(); // the auth frame's answer, whichever it is
            if (op == 'msg') channels.get(f.channel)?.forEach((l) => l[0](f.data));
            if (op == 'error') channels.get(id)?.forEach((l) => l[1]?.(wireError(f.error)));
            const c = calls.get(id);
            if (!c || (op != 'result' && op != 'error')) return;
            calls.delete(id);
            if (op == 'result') c[0](f);
            else c[1](wireError(f.error));
          },
          lost(code) {
            ready = false;
            calls.forEach((c) => c[1](new MizanError('network', 'WebSocket closed')));
            calls.clear();
            // 4001: this socket's session ended (signed out elsewhere, expired).
            if (code == 4001) resetPrivate();
          },
        })
      : undefined;
  const viaSocket = (fn: string, args: unknown, signal?: AbortSignal): Promise<Reply> | undefined => {
    const id = ++lastId;
    if (!ready || !socket?.send({ op: 'call', id, fn, args })) return;
    return new Promise((resolve, reject) => {
      calls.set(id, [resolve, reject]);
      // 'abort' fires once at most: no `once` option needed.
      signal?.addEventListener('abort', () => (calls.delete(id), reject(signal.reason)));
    });
  };

  // Optimistic writes: cancel the entry's fetch (its response predates the
  // call), remember the state before the first write, and on failure restore
  // it unless newer data arrived meanwhile; either way refetch.
  const optimistic = (writes: CallOptions['optimistic']): (() => void) => {
    const saved = new Map<Entry, [State, unknown]>();
    batch(() =>
      writes?.((ref, params, update) => {
        const e = entryOf(ref, params);
        store.cancel(e);
        const data = update(e.state.data as never);
        saved.set(e, [saved.get(e)?.[0] ?? e.state, data]);
        write(e, data);
      }),
    );
    return () =>
      batch(() =>
        saved.forEach(([before, data], e) => {
          if (e.state.data === data) store.set(e, before);
          store.markStale(e);
        }),
      );
  };

  const call = async (fn: FunctionRef | string, args: unknown = {}, opts: CallOptions = {}): Promise<unknown> => {
    opts.signal?.throwIfAborted();
    const name = typeof fn == 'string' ? fn : fn.fn;
    const undo = optimistic(opts.optimistic);
    try {
      const reply =
        ((opts.websocket ?? (fn as FunctionRef).websocket) && viaSocket(name, args, opts.signal)) ||
        transport.request('POST', `call/${name}/`, args, opts.signal).then((r) => r.body as Reply);
      const { result, invalidate: entries = [] } = await reply;
      invalidate(entries.map(toTarget), 1);
      // The server declares which functions change who is signed in (schema
      // `session`, in generated descriptors); a name alone says nothing.
      if ((fn as FunctionRef).session) resetPrivate();
      return result;
    } catch (e) {
      undo();
      throw e;
    }
  };

  // Focus and reconnect: browsers only; Node and most edge runtimes have no
  // global addEventListener.
  const revalidate = (): void => {
    if (g.document?.visibilityState != 'hidden') store.revalidate();
  };
  // One signal (the controller has `signal`, as listener options want)
  // removes both listeners at destroy().
  const life = new AbortController();
  const on = (name: string, fn: () => void): void => g.addEventListener?.(name, fn, life);
  on('online', () => {
    socket?.wake();
    if (options.refetchOnReconnect != false) revalidate();
  });
  // visibilitychange alone, as TanStack Query v5: `focus` also fires on every
  // click back into the window from devtools or an iframe.
  if (options.refetchOnFocus != false) on('visibilitychange', revalidate);

  store.hydrate(options.ssrData ?? g.__MIZAN_SSR_DATA__);

  const client = {
    observe: (ref: Ref, params: Params = {}, opts: ObserveOptions = {}) =>
      observe(store, contextOf(ref, opts), params, opts),
    mutation: (fn: FunctionRef | string, defaults: CallOptions = {}) =>
      mutation((args, opts) => call(fn, args, opts), defaults),
    call,
    async load(ref: Ref, params?: Params) {
      const e = entryOf(ref, params);
      if (!e.fresh && store.isStale(e, staleTime)) await store.load(e);
      if (e.state.status == 'error') throw e.state.error;
      return e.state.data;
    },
    getData: (ref: Ref, params?: Params) => entryOf(ref, params).state.data,
    setData: (ref: Ref, params: Params, update: (previous: unknown) => unknown) => {
      const e = entryOf(ref, params);
      write(e, update(e.state.data));
    },
    async view(path: string, init: RequestInit = {}) {
      const res = await transport.view(path, init);
      invalidate(parseInvalidateHeader(res.headers.get('x-mizan-invalidate')), 2);
      return res;
    },
    invalidate: (entries: readonly InvalidateEntry[]) => invalidate(entries.map(toTarget), 5),
    cancel(entry: InvalidateEntry) {
      const t = toTarget(entry);
      batch(() => store.cache.forEach((e) => matches(t, e.ctx, e.pairs) && store.cancel(e)));
    },
    resetPrivate,
    subscribe(ref: ChannelRef | string, onMessage: (data: any) => void, onError?: (e: MizanError) => void) {
      const channel = (ref as ChannelRef).channel ?? ref;
      if (!socket) throw Error('no websocket');
      const l: [(data: any) => void, ((e: MizanError) => void) | undefined] = [onMessage, onError];
      const set = channels.get(channel) ?? new Set();
      if (!set.size && ready) sub(channel);
      channels.set(channel, set.add(l));
      return () => {
        if (set.delete(l) && !set.size && channels.delete(channel) && ready) sub(channel, 'unsub');
      };
    },
    session: transport.session,
    cache: store.cache,
    destroy() {
      socket?.close();
      channel?.close();
      life.abort();
      store.destroy();
    },
  };
  return client as Client;
}
