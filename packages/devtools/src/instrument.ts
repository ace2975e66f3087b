import type { ClientOptions } from '@mizan/base';
import type { Recorder } from './recorder.js';
import { recordingSocket } from './recordingSocket.js';

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Splits an `X-Mizan-Warning` header into its warnings: fetch joins repeated
 * headers with ", ", and each warning is one sentence naming a table (as
 * @mizan/base's devWarnings splits them).
 */
export const splitWarnings = (header: string | null): string[] =>
  header ? header.split(/, (?=\S+ writes table )/) : [];

// Relative to the page when there is one, so a same-origin client shows paths.
const pathOf = (url: string): string => {
  try {
    const u = new URL(url, (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost');
    return u.pathname + u.search;
  } catch {
    return url;
  }
};

/** A fetch that records each request, its warnings and a schema change, around `inner`. */
function recordingFetch(recorder: Recorder, inner: Fetch, schema: string | undefined): Fetch {
  return async (url, init) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const path = pathOf(url);
    const started = performance.now();
    let response: Response;
    try {
      response = await inner(url, init);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      recorder.request({ method, path, status: 0, duration: performance.now() - started, warnings: [], error });
      throw e;
    }
    const warnings = splitWarnings(response.headers.get('x-mizan-warning'));
    recorder.request({ method, path, status: response.status, duration: performance.now() - started, warnings });
    for (const w of warnings) recorder.warning('server', w);
    // What the kernel tells onSchemaChange (transport.ts), shown even without a handler.
    const served = response.headers.get('x-mizan-schema');
    if (schema && served && served != schema)
      recorder.warning('schema', `The server runs schema ${served}; this bundle was built for ${schema} (a deploy happened).`);
    return response;
  };
}

/**
 * The client options with every development hook recording into `recorder`:
 * `inspect`, `fetch` and, when the WebSocket is on, its factory. What the
 * caller passed still runs, after the recording (their `inspect`) or around
 * it (their `fetch` and `WebSocket` do the work).
 *
 * @param recorder where records go
 * @param options the options the client would have been given
 * @returns new options for createClient
 */
export function instrument(recorder: Recorder, options: ClientOptions = {}): ClientOptions {
  const { inspect, websocket } = options;
  const inner: Fetch = options.fetch ?? ((url, init) => fetch(url, init));
  const ws = typeof websocket == 'object' ? websocket : {};
  return {
    ...options,
    inspect(source, targets) {
      recorder.invalidation(source, targets);
      inspect?.(source, targets);
    },
    fetch: recordingFetch(recorder, inner, options.schema),
    // Absent or false: the client opens no socket, and neither do we.
    ...(websocket ? { websocket: { ...ws, WebSocket: recordingSocket(recorder, ws.WebSocket) } } : {}),
  };
}
