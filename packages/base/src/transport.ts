import { MizanError, wireError } from './MizanError.js';
import { backoff } from './timer.js';
import type { ClientOptions, Session, TokenGetter } from './types.js';

/** A successful (2xx or 304) JSON response. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  // The body is whatever JSON the protocol promises for this path.
  readonly body: any;
}

/** The HTTP side of a client: URLs, auth, CSRF, timeouts and retries. */
export interface Transport {
  /**
   * One JSON request to `{baseUrl}{prefix}/{path}`.
   * @param retries attempts after the first for network errors, timeouts and
   *   5xx; never for other statuses
   * @throws MizanError, or the signal's reason once aborted
   */
  request(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
    headers?: Record<string, string>,
    retries?: number,
  ): Promise<Reply>;
  /** Fetches an application route with the client's auth, without parsing it. */
  view(path: string, init: RequestInit): Promise<Response>;
  /** The session, fetched once (retried) and shared until reset. */
  session(): Promise<Session>;
  /** Forgets the session, so the next unsafe call fetches a fresh CSRF token. */
  reset(): void;
  /**
   * True when nobody is signed in: no bearer token, or a session without a
   * user. False when that cannot be known (session/ failed).
   */
  anonymous(): Promise<boolean>;
  /** The bearer token getter in token mode. */
  readonly token?: TokenGetter | undefined;
}

const JSON_TYPE = 'application/json';
const isUnsafe = (method = 'GET'): boolean => !/^(GET|HEAD|OPTIONS)$/i.test(method);

/** Builds the transport of a client from its options. */
export function createTransport(options: ClientOptions): Transport {
  const { baseUrl = '', prefix = '/api/mizan', auth, timeout = 30_000, retry = 3 } = options;

  const token = typeof auth == 'object' ? auth.token : undefined;
  // Cloudflare Workers throw on a `credentials` field they do not implement.
  const cred: RequestInit =
    'credentials' in Request.prototype ? { credentials: options.credentials ?? (token ? 'omit' : 'include') } : {};
  const send = options.fetch ?? ((url, init) => fetch(url, init));
  const delay = options.retryDelay ?? backoff;
  let session: Promise<Session> | undefined;

  const authorize = async (headers: Record<string, string>, unsafe: boolean): Promise<void> => {
    if (token) {
      const t = await token();
      if (t) headers.authorization = 'Bearer ' + t;
    } else if (unsafe) {
      headers['x-csrf-token'] = (await self.session()).csrf_token;
    }
  };

  const once = async (
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    extra: Record<string, string>,
  ): Promise<Reply> => {
    const headers: Record<string, string> = { accept: JSON_TYPE, ...extra };
    // Only calls are unsafe, and they always have a JSON body.
    const unsafe = isUnsafe(method);
    if (unsafe) {
      headers['content-type'] = JSON_TYPE;
      // The server refuses a write from a client built for another schema (deploy skew).
      if (options.schema) headers['x-mizan-schema'] = options.schema;
    }
    await authorize(headers, unsafe);
    // One controller per attempt: the caller's signal and the timeout both
    // abort it, and the timeout also covers reading the body.
    const ctrl = new AbortController();
    const abort = (): void => ctrl.abort();
    let timedOut = false;
    const t = setTimeout(() => ((timedOut = true), abort()), timeout);
    signal?.addEventListener('abort', abort);
    try {
      signal?.throwIfAborted();
      const res = await send(baseUrl + prefix + '/' + path, {
        method,
        headers,
        // undefined (no body) stays undefined.
        body: JSON.stringify(body),
        signal: ctrl.signal,
        ...cred,
      });
      const served = res.headers.get('x-mizan-schema');
      if (served && served != options.schema) options.onSchemaChange?.(served);
      const text = await res.text();
      let json;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        throw new MizanError('bad_response', 'Not JSON', res.status);
      }
      if (res.ok || res.status == 304) return { status: res.status, headers: res.headers, body: json };
      throw wireError(json?.error, res.statusText, res.status);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (e instanceof MizanError) throw e;
      throw new MizanError(timedOut ? 'timeout' : 'network', timedOut ? 'Timed out' : String(e));
    } finally {
      clearTimeout(t);
      signal?.removeEventListener('abort', abort);
    }
  };

  const self: Transport = {
    async request(method, path, body, signal, headers = {}, retries = 0) {
      for (let attempt = 0, csrfRetried = false; ; attempt++) {
        try {
          return await once(method, path, body, signal, headers);
        } catch (e) {
          // A rotated CSRF token (sign-in elsewhere) is refused before the
          // function runs, so one retry with a fresh token is safe.
          if (!token && !csrfRetried && e instanceof MizanError && e.code == 'csrf_failed') {
            session = undefined;
            csrfRetried = true;
            attempt--;
            continue;
          }
          const status = e instanceof MizanError ? e.status : -1;
          if (attempt >= retries || status < 0 || (status > 0 && status < 500) || signal?.aborted) throw e;
          await new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, delay(attempt));
            signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)));
          });
        }
      }
    },
    async view(path, init) {
      // Header names of a Headers object are lower case, as authorize's are.
      const headers: Record<string, string> = Object.fromEntries(
        new Headers(init.headers) as unknown as Iterable<[string, string]>,
      );
      await authorize(headers, isUnsafe(init.method));
      return send(path[0] == '/' ? baseUrl + path : path, { ...cred, ...init, headers }).catch((e) => {
        throw init.signal?.aborted ? e : new MizanError('network', String(e));
      });
    },
    session: () =>
      (session ??= self.request('GET', 'session/', undefined, undefined, {}, retry).then(
        (r) => r.body,
        (e) => {
          session = undefined;
          throw e;
        },
      )),
    reset: () => void (session = undefined),
    token,
    async anonymous() {
      try {
        return token ? !(await token()) : !(await self.session()).user;
      } catch {
        return false;
      }
    },
  };
  return self;
}
