// A minimal browser over Node's fetch: a cookie jar, the CSRF token, and the
// protocol's calls. Every test that needs a signed-in user builds on it.
import { expect } from 'vitest';

/** The wire shapes of PROTOCOL.md, as the tests read them. */
export interface User {
  readonly id: number;
  readonly username: string;
  readonly email: string;
  readonly is_staff: boolean;
  readonly is_superuser: boolean;
  readonly email_verified: boolean;
}
export interface Todo {
  readonly id: number;
  readonly title: string;
  readonly done: boolean;
  readonly created_at: string;
}
export type InvalidateEntry = string | { readonly context: string; readonly params: Record<string, unknown> };
export interface CallBody<T> {
  readonly result: T;
  readonly invalidate: InvalidateEntry[];
}
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly fields?: Record<string, string[]> };
}
export interface TokenPair {
  readonly access: string;
  readonly refresh: string;
  readonly expires_in: number;
}

/** One HTTP answer, body read. */
export class Reply {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly text: string,
  ) {}

  /** The body parsed as JSON (throws with the text when it is not JSON). */
  json<T = unknown>(): T {
    try {
      return JSON.parse(this.text) as T;
    } catch {
      throw new Error(`not JSON (status ${this.status}): ${this.text.slice(0, 200)}`);
    }
  }

  /** A header's value, or null. */
  header(name: string): string | null {
    return this.headers.get(name);
  }

  /** Every Set-Cookie line. */
  get setCookies(): string[] {
    return this.headers.getSetCookie();
  }

  /** The Set-Cookie line for `name`, if any. */
  setCookie(name: string): string | undefined {
    return this.setCookies.find((c) => c.startsWith(`${name}=`));
  }
}

/** Options of one request. */
export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** The default password of test users. */
export const password = 'correct horse battery';

let counter = 0;
/** A username no other test uses. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${process.pid}_${counter}_${Math.floor(Math.random() * 1e6)}`;
}

/** A cookie-keeping client of one server, like one browser profile. */
export class Agent {
  readonly jar = new Map<string, string>();
  csrf = '';

  /** Where requests go; a restarted server may listen on another port. */
  constructor(public origin: string) {}

  /** The Cookie header the jar would send. */
  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Any request; Set-Cookie updates the jar (Max-Age=0 deletes). */
  async request(path: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const init: RequestInit = { method: options.method ?? 'GET', headers, redirect: 'manual' };
    if (options.body !== undefined) init.body = options.body;
    const res = await this.fetch(this.origin + path, init);
    const reply = new Reply(res.status, res.headers, await res.text());
    const token = reply.header('X-CSRF-Token');
    if (token) this.csrf = token;
    return reply;
  }

  /**
   * fetch with this browser's cookies: sends the jar unless the caller set a
   * Cookie header, and stores every Set-Cookie. Usable as a client's `fetch`.
   */
  readonly fetch = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (!headers.has('Cookie') && this.jar.size > 0) headers.set('Cookie', this.cookieHeader());
    if (headers.get('Cookie') === '') headers.delete('Cookie');
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/;\s*Max-Age=0(;|$)/i.test(line) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  };

  /** GET {prefix}/session/ and keep its CSRF token. */
  async session(): Promise<{ user: User | null; csrf_token: string }> {
    const reply = await this.request('/api/mizan/session/');
    expect(reply.status, reply.text).toBe(200);
    const body = reply.json<{ user: User | null; csrf_token: string }>();
    this.csrf = body.csrf_token;
    return body;
  }

  /** POST {prefix}/call/{fn}/ with JSON args and the CSRF token (fetched if unknown). */
  async call(fn: string, args: unknown = {}, headers: Record<string, string> = {}): Promise<Reply> {
    if (!this.csrf) await this.session();
    return this.request(`/api/mizan/call/${fn}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': this.csrf, ...headers },
      body: JSON.stringify(args),
    });
  }

  /** Calls and expects 200; returns the result. */
  async ok<T = unknown>(fn: string, args: unknown = {}): Promise<T> {
    const reply = await this.call(fn, args);
    expect(reply.status, `${fn}: ${reply.text}`).toBe(200);
    return reply.json<CallBody<T>>().result;
  }

  /** GET {prefix}/ctx/{context}/?{query}. */
  context(name: string, query = '', headers: Record<string, string> = {}): Promise<Reply> {
    return this.request(`/api/mizan/ctx/${name}/${query ? `?${query}` : ''}`, { headers });
  }

  /** Signs up a new user in this browser and returns it. */
  async signup(username = uniqueName(), pw = password): Promise<User> {
    return (await this.ok<{ user: User }>('auth_signup', { username, password: pw })).user;
  }

  /** Signs in in this browser. */
  async login(username: string, pw = password): Promise<User> {
    return (await this.ok<{ user: User }>('auth_login', { username, password: pw })).user;
  }

  /** Adds a todo and returns it. */
  addTodo(title: string): Promise<Todo> {
    return this.ok<Todo>('add_todo', { title });
  }
}

/** Signs up a fresh user and returns its browser. */
export async function signedIn(origin: string, username = uniqueName()): Promise<{ agent: Agent; user: User }> {
  const agent = new Agent(origin);
  const user = await agent.signup(username);
  return { agent, user };
}

/** Text that would betray internals in an error body. */
const internals = /\/work\/|\/home\/|\/usr\/|\.cpp|\.hpp|std::|boost::|mizan::|\bat line\b|stack|#\d+ 0x/i;

/**
 * Asserts an error reply: status, code, the exact envelope
 * `{"error":{"code","message"[,"fields"]}}`, JSON type, and no internals.
 */
/** The attributes of a Set-Cookie line (`Path=/`, `HttpOnly`, ...), after its name=value. */
export function attributes(line: string | undefined): string[] {
  expect(line, 'Set-Cookie line').toBeDefined();
  return line!
    .split(';')
    .slice(1)
    .map((a) => a.trim());
}

export function expectError(
  reply: Reply,
  status: number,
  code: string,
  fields?: Record<string, string[]>,
): ErrorBody['error'] {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.header('Content-Type')).toMatch(/^application\/json/);
  const body = reply.json<ErrorBody>();
  expect(Object.keys(body)).toEqual(['error']);
  const keys = Object.keys(body.error).sort();
  expect(keys).toEqual(fields ? ['code', 'fields', 'message'] : ['code', 'message']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (fields) expect(body.error.fields).toEqual(fields);
  expect(reply.text).not.toMatch(internals);
  return body.error;
}

/**
 * Public contexts whose data mutations of todos change (site-wide counts, the
 * leaderboard, the staff's overview). PROTOCOL §9 lists only the private
 * entries of each mutation; these may come on top, so exact checks of the
 * listed entries drop them.
 */
const publicContexts = new Set(['stats', 'leaderboard', 'admin']);

/** `entries` without the public contexts above, order kept. */
export function privateEntries(entries: readonly InvalidateEntry[]): InvalidateEntry[] {
  return entries.filter((e) => typeof e !== 'string' || !publicContexts.has(e));
}

/** An X-Mizan-Invalidate header without the public contexts above. */
export function privateHeader(header: string | null): string {
  return (header ?? '')
    .split(/,\s*/)
    .filter((e) => !publicContexts.has(e.split('?')[0]!))
    .join(', ');
}
