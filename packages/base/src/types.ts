import type { Params } from './canonicalParams.js';
import type { InvalidateEntry, Target } from './invalidation.js';
import type { MizanError } from './MizanError.js';
import type { FieldRules } from './validateField.js';

/**
 * A context as generated code describes it. `TData` is the context's bundle
 * (`{"<function>": <result>, ...}`), `TParams` its params; both are type-only.
 */
export interface ContextRef<TData = unknown, TParams extends Params = Params> {
  readonly context: string;
  /** Results depend on the user: cleared on sign-in and sign-out. */
  readonly private?: boolean;
  /**
   * Needs a signed-in user (a function of it has `auth` user, staff or
   * superuser). While the session is known to be anonymous (`session/` says
   * no user, or the token getter returns none), the kernel does not ask the
   * server: the entry is an `unauthenticated` error (status 401) at once,
   * and it is fetched after a sign-in.
   */
  readonly auth?: boolean;
  readonly __types?: [TData, TParams];
}

/** A server function as generated code describes it; the types are type-only. */
export interface FunctionRef<TArgs = Record<string, unknown>, TResult = unknown> {
  readonly fn: string;
  /** Callable over the WebSocket: calls go there while it is connected. */
  readonly websocket?: boolean;
  /**
   * Changes who is signed in or rotates the session (the server registers it
   * `.affects_private_contexts()`: sign-in, sign-out, password change). After
   * it succeeds the kernel forgets its session (CSRF token, user) and clears
   * private contexts in every tab, as `resetPrivate()` does.
   */
  readonly session?: boolean;
  /** Validation rules of argument fields, keyed by argument name (forms check them). */
  readonly rules?: Readonly<Record<string, FieldRules>>;
  readonly __types?: [TArgs, TResult];
}

interface StateBase {
  /** A request for this entry is in flight (first load or background refetch). */
  readonly isFetching: boolean;
  /** When the data was last written (ms since the epoch), 0 if never. */
  readonly updatedAt: number;
}

/**
 * What an observer shows. `idle`: nothing fetched and nothing in flight;
 * `loading`: first fetch, no data yet; `success`; `error` (the last data, if
 * any, is kept). Refetches keep the status and set `isFetching`: an `error`
 * stays until a fetch succeeds.
 * Immutable: a new object for every change, the same object otherwise.
 */
export type ContextState<T = unknown> =
  | (StateBase & { readonly status: 'idle' | 'loading'; readonly data: undefined; readonly error: undefined })
  | (StateBase & { readonly status: 'success'; readonly data: T; readonly error: undefined })
  | (StateBase & { readonly status: 'error'; readonly data: T | undefined; readonly error: MizanError });

/** What a mutation observer shows; `args` are those of the latest call. */
export type MutationState<TArgs = unknown, TResult = unknown> =
  | { readonly status: 'idle'; readonly data: undefined; readonly error: undefined; readonly args: undefined }
  | { readonly status: 'pending'; readonly data: undefined; readonly error: undefined; readonly args: TArgs }
  | { readonly status: 'success'; readonly data: TResult; readonly error: undefined; readonly args: TArgs }
  | { readonly status: 'error'; readonly data: undefined; readonly error: MizanError; readonly args: TArgs };

/** The adapter contract: what React, Vue and Svelte bind to. */
export interface Observable<S> {
  /** The current state; the same object until something changes. */
  getSnapshot(): S;
  /** Calls `listener` after each change; the returned function unsubscribes. */
  subscribe(listener: () => void): () => void;
  /** Drops every listener and releases the entry (it is then left to GC). */
  destroy(): void;
}

/** Per-observer options. */
export interface ObserveOptions {
  /** `false` keeps the observer from fetching (dependent queries). Default true. */
  readonly enabled?: boolean;
  /** Data younger than this is fresh: mounting and focus do not refetch it. */
  readonly staleTime?: number;
  /** Overrides ContextRef.private for a context given by name. */
  readonly private?: boolean;
}

/**
 * One context instance (context + params) seen by one component. Work starts
 * with the first subscriber and stops after the last one leaves.
 */
export interface ContextObserver<TData = unknown, TParams extends Params = Params>
  extends Observable<ContextState<TData>> {
  /** Fetches now (sharing a fetch already in flight); resolves with the state after it. */
  refetch(): Promise<ContextState<TData>>;
  /** Switches to other params: another cache entry, fetched if needed. */
  setParams(params: TParams): void;
  /** Replaces the options, fetching if the observer just became enabled. */
  setOptions(options: ObserveOptions): void;
}

/** A channel as generated code describes it; the message type is type-only. */
export interface ChannelRef<TMessage = unknown> {
  readonly channel: string;
  readonly __types?: TMessage;
}

/** Records an optimistic write; rolled back if the call fails. */
export type OptimisticSet = <T, P extends Params>(
  context: ContextRef<T, P> | string,
  params: P,
  update: (previous: T | undefined) => T,
) => void;

/** Options of one call. */
export interface CallOptions {
  /** Aborts the call: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Writes optimistic data before the call; undone if it fails. */
  readonly optimistic?: (set: OptimisticSet) => void;
  /** Send over the WebSocket while connected (the function must allow it). */
  readonly websocket?: boolean;
}

/** A server function seen by one component. */
export interface MutationObserver<TArgs = Record<string, unknown>, TResult = unknown>
  extends Observable<MutationState<TArgs, TResult>> {
  /**
   * Calls the function. Never rejects: resolves with the final state, whose
   * `error` holds the failure (an aborted call returns to `idle`).
   */
  mutate(args: TArgs, options?: CallOptions): Promise<MutationState<TArgs, TResult>>;
  /** Back to `idle`; a call still running no longer updates the state. */
  reset(): void;
}

/** A user as `session/` and the auth functions return it. */
export interface User {
  readonly id: number;
  readonly username: string;
  readonly email: string;
  /** The user followed the link `auth_email_verify_request` (or sign-up) mailed to `email`. */
  readonly email_verified: boolean;
  readonly is_staff: boolean;
  readonly is_superuser: boolean;
}

/** The body of `GET {prefix}/session/`. */
export interface Session {
  readonly user: User | null;
  readonly csrf_token: string;
}

/** Server-rendered data: context bundles keyed `context` or `context?canonical-params`. */
export type SSRData = Record<string, unknown>;

/** Returns the bearer token to send, or nothing for an anonymous request. */
export type TokenGetter = () => string | null | undefined | Promise<string | null | undefined>;

/** Constructs a WebSocket; the global one by default. */
export type WebSocketFactory = new (url: string, protocol: string) => WebSocket;

/** Client configuration; every field is optional. */
export interface ClientOptions {
  /** Server origin, e.g. `http://127.0.0.1:8000`. Default: same origin. */
  readonly baseUrl?: string;
  /** Default `/api/mizan`. */
  readonly prefix?: string;
  /**
   * `session` (default): cookies, with the CSRF token from `session/` sent on
   * unsafe calls. `{ token }`: a bearer token, no cookies, never `session/`.
   */
  readonly auth?: 'session' | { readonly token: TokenGetter };
  /** Custom fetch (Node tests, SSR cookie forwarding, edge runtimes). */
  readonly fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** fetch's `credentials`: default `include` for sessions, `omit` for tokens. */
  readonly credentials?: RequestCredentials;
  /** Default staleTime of observers, ms. Default 0 (refetch on every mount). */
  readonly staleTime?: number;
  /** How long an entry without observers stays cached, ms. Default 5 min. */
  readonly gcTime?: number;
  /** Retries of a failed GET (network, timeout, 5xx). Default 3. */
  readonly retry?: number;
  /** Delay before retry `attempt` (0-based), ms. Default exponential with jitter. */
  readonly retryDelay?: (attempt: number) => number;
  /** Per-request timeout, ms. Default 30 s. */
  readonly timeout?: number;
  /** Refetch stale mounted entries when the window regains focus. Default true. */
  readonly refetchOnFocus?: boolean;
  /** Refetch stale mounted entries when the browser comes back online. Default true. */
  readonly refetchOnReconnect?: boolean;
  /** Share invalidations and sign-in/out with other tabs. Default: in browsers. */
  readonly broadcast?: boolean;
  /** Receive pushed invalidations over `{prefix}/ws/`. Default off. */
  readonly websocket?:
    | boolean
    | { readonly url?: string; readonly WebSocket?: WebSocketFactory; readonly ping?: number };
  /** Seed data; default `globalThis.__MIZAN_SSR_DATA__`. */
  readonly ssrData?: SSRData;
  /**
   * The schema hash the generated code was built from (its `schemaHash`
   * export). Calls send it (`X-Mizan-Schema`; the WebSocket in its URL,
   * `?s=`), and a server running another schema refuses them (409
   * `schema_mismatch`) rather than run a write the client was not built for.
   */
  readonly schema?: string;
  /**
   * Called with the server's schema hash whenever an answer comes from
   * another schema than `schema` (a deploy happened): reload, or tell the
   * user. `reloadOnNavigation()` reloads at the next navigation.
   */
  readonly onSchemaChange?: (schema: string) => void;
  /** For development tools (@mizan/devtools): told of every invalidation and where it came from. */
  readonly inspect?: (source: InvalidationSource, targets: readonly Target[]) => void;
}

/**
 * Where an invalidation came from: 1 a call's JSON `invalidate`, 2 a view's
 * `X-Mizan-Invalidate` header, 3 another tab, 4 a WebSocket push, 5 the
 * application (`client.invalidate`). Numbers keep the kernel small;
 * @mizan/devtools names them.
 */
export type InvalidationSource = 1 | 2 | 3 | 4 | 5;

/** A context instance (`context` with canonical `key=value` pairs) as invalidation matching sees it. */
export type { Target };

/** One cache entry as `Client.cache` shows it (read only). */
export interface CacheEntry {
  /** `context` or `context?canonical-params`, as `ssrData` keys are. */
  readonly key: string;
  readonly ctx: string;
  /** Canonical params (PROTOCOL §2), `''` for none. */
  readonly canon: string;
  readonly state: ContextState;
  /** The mounted observers. */
  readonly subs: ReadonlySet<unknown>;
  /** Invalidated since its last fetch started. */
  readonly stale: boolean;
}

/** A Mizan client: the cache and everything that keeps it right. */
export interface Client {
  /** Observes a context instance; see ContextObserver. */
  observe<T, P extends Params>(
    context: ContextRef<T, P>,
    params: P,
    options?: ObserveOptions,
  ): ContextObserver<T, P>;
  observe<T = unknown>(context: string, params?: Params, options?: ObserveOptions): ContextObserver<T>;
  /** Observes calls of one server function; see MutationObserver. */
  mutation<A, R>(fn: FunctionRef<A, R>, options?: CallOptions): MutationObserver<A, R>;
  mutation<R = unknown>(fn: string, options?: CallOptions): MutationObserver<Record<string, unknown>, R>;
  /**
   * Calls a server function: resolves with its result after applying its
   * invalidations; rejects with a MizanError. Never retried.
   */
  call<A, R>(fn: FunctionRef<A, R>, args: A, options?: CallOptions): Promise<R>;
  call<R = unknown>(fn: string, args?: Record<string, unknown>, options?: CallOptions): Promise<R>;
  /** Data of an instance: cached if fresh, else fetched; rejects with a MizanError. */
  load<T, P extends Params>(context: ContextRef<T, P>, params: P): Promise<T>;
  load<T = unknown>(context: string, params?: Params): Promise<T>;
  /** Cached data of an instance, if any. */
  getData<T, P extends Params>(context: ContextRef<T, P> | string, params?: P): T | undefined;
  /** Writes data into an instance as if fetched. */
  setData<T, P extends Params>(
    context: ContextRef<T, P> | string,
    params: P,
    update: (previous: T | undefined) => T,
  ): void;
  /**
   * Fetches an application route (view path, PROTOCOL §4) with the client's
   * auth and CSRF, then applies its `X-Mizan-Invalidate` header.
   */
  view(path: string, init?: RequestInit): Promise<Response>;
  /** Applies invalidation entries here and in other tabs. */
  invalidate(entries: readonly InvalidateEntry[]): void;
  /** Aborts the fetches of matching instances; their state keeps its data. */
  cancel(entry: InvalidateEntry): void;
  /** Forgets every private entry here and in other tabs (sign-in, sign-out). */
  resetPrivate(): void;
  /**
   * Listens to a channel over the WebSocket (the `websocket` option is
   * required): `onMessage` gets each message's data; `onError` a refusal
   * (`not_found`, `unauthenticated`, `forbidden`). The subscription is
   * renewed after every reconnect; the returned function ends it.
   */
  subscribe<T>(channel: ChannelRef<T> | string, onMessage: (data: T) => void, onError?: (error: MizanError) => void): () => void;
  /** The `session/` body (user and CSRF token), fetched once and shared. */
  session(): Promise<Session>;
  /**
   * Every instance the client holds, keyed as `ssrData` is; read only (for
   * `dehydrate` and development tools).
   */
  readonly cache: ReadonlyMap<string, CacheEntry>;
  /** Closes the WebSocket and channel, removes listeners, aborts fetches. */
  destroy(): void;
}
