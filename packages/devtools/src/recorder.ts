import type { InvalidationSource } from '@mizan/base';

/** What the kernel's `inspect` numbers mean (types.ts: InvalidationSource). */
export type SourceName = 'json' | 'header' | 'tab' | 'push' | 'app';

const sourceNames: Record<InvalidationSource, SourceName> = { 1: 'json', 2: 'header', 3: 'tab', 4: 'push', 5: 'app' };

/** The name of an invalidation source; `?` for a number this version does not know. */
export const sourceName = (source: InvalidationSource): SourceName | '?' => sourceNames[source] ?? '?';

/** A target as `ctx` or `ctx?k=v&…`, the spelling of cache keys and `X-Mizan-Invalidate`. */
export const targetName = ([context, pairs]: readonly [string, readonly string[]]): string =>
  pairs.length ? `${context}?${pairs.join('&')}` : context;

/** One invalidation the client applied. */
export interface InvalidationRecord {
  readonly time: number;
  readonly source: SourceName | '?';
  /** Each target as `targetName` spells it. */
  readonly targets: readonly string[];
}

/** One HTTP request of the client. */
export interface RequestRecord {
  readonly time: number;
  readonly method: string;
  /** Path and query, without the origin. */
  readonly path: string;
  /** 0 when no response came (network error, abort). */
  readonly status: number;
  /** ms from the request to its response headers. */
  readonly duration: number;
  /** The `X-Mizan-Warning`s of its response, split. */
  readonly warnings: readonly string[];
  /** Why no response came. */
  readonly error?: string;
}

/** One WebSocket frame, as sent or received (text as is). */
export interface FrameRecord {
  readonly time: number;
  readonly direction: 'in' | 'out';
  readonly data: string;
}

/** One warning: a server's `X-Mizan-Warning`, or a schema change. */
export interface WarningRecord {
  readonly time: number;
  readonly kind: 'server' | 'schema';
  readonly text: string;
}

/** The WebSocket as last seen. */
export interface SocketRecord {
  /** `off` until a socket is constructed. */
  readonly state: 'off' | 'connecting' | 'open' | 'closed';
  /** The close code of the last close, if any. */
  readonly code?: number;
  /** Opens after the first one. */
  readonly reconnects: number;
  readonly frames: readonly FrameRecord[];
}

/** Everything recorded, oldest first, each list bounded. */
export interface Recorder {
  readonly invalidations: readonly InvalidationRecord[];
  readonly requests: readonly RequestRecord[];
  readonly warnings: readonly WarningRecord[];
  readonly socket: SocketRecord;
  /** Grows with every record: a view redraws when it changed. */
  readonly version: number;
  invalidation(source: InvalidationSource, targets: readonly (readonly [string, readonly string[]])[]): void;
  request(record: Omit<RequestRecord, 'time'>): void;
  /** Records a warning unless the same text was recorded before. */
  warning(kind: WarningRecord['kind'], text: string): void;
  socketState(state: 'connecting' | 'open' | 'closed', code?: number): void;
  frame(direction: FrameRecord['direction'], data: string): void;
  /** Calls `listener` after every record; returns the function that stops it. */
  subscribe(listener: () => void): () => void;
}

/**
 * Creates the store of what the panel shows. It knows nothing of the DOM, so
 * it runs (and is tested) in Node. Each list keeps its last `limit` records
 * and the warnings seen are remembered up to `limit` × 10 texts, so a long
 * session cannot grow memory.
 *
 * @param limit records kept per list (default 200)
 * @param now the clock (tests)
 */
export function createRecorder(limit = 200, now: () => number = Date.now): Recorder {
  const invalidations: InvalidationRecord[] = [];
  const requests: RequestRecord[] = [];
  const warnings: WarningRecord[] = [];
  const frames: FrameRecord[] = [];
  const seen = new Set<string>();
  const listeners = new Set<() => void>();
  let socket: SocketRecord = { state: 'off', reconnects: 0, frames };
  let opened = false;
  let version = 0;

  const changed = (): void => {
    version++;
    // A listener that throws must not keep the others from hearing of it.
    listeners.forEach((l) => {
      try {
        l();
      } catch (e) {
        console.error(e);
      }
    });
  };
  const push = <T>(list: T[], item: T): void => {
    list.push(item);
    if (list.length > limit) list.splice(0, list.length - limit);
    changed();
  };

  return {
    invalidations,
    requests,
    warnings,
    get socket() {
      return socket;
    },
    get version() {
      return version;
    },
    invalidation(source, targets) {
      push(invalidations, { time: now(), source: sourceName(source), targets: targets.map(targetName) });
    },
    request(record) {
      push(requests, { time: now(), ...record });
    },
    warning(kind, text) {
      const id = kind + ' ' + text;
      if (seen.has(id)) return;
      if (seen.size >= limit * 10) seen.clear();
      seen.add(id);
      push(warnings, { time: now(), kind, text });
    },
    socketState(state, code) {
      if (state == 'open' && opened) socket = { ...socket, reconnects: socket.reconnects + 1 };
      if (state == 'open') opened = true;
      const { code: _, ...rest } = socket;
      socket = code === undefined ? { ...rest, state } : { ...rest, state, code };
      changed();
    },
    frame(direction, data) {
      push(frames, { time: now(), direction, data });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
