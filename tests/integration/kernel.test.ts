// @mizan/base against the real server over HTTP: session mode with a cookie
// jar, token mode with auth_token; server-driven invalidation (whole and
// scoped), ETag/304, view-path invalidation and MizanError.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, MizanError, type Client, type ContextRef } from '../../packages/base/src/index.js';
// The todo server's generated client (kept current by scripts/check-generated.sh):
// its descriptors carry what the server declares, such as which functions change the session.
import * as api from '../golden/todo/index.js';
import { Agent, privateHeader, signedIn, uniqueName, type TokenPair, type Todo } from './agent.js';
import { useServer } from './server.js';

const ctx = useServer();

interface TodosBundle {
  list_todos: Todo[];
  todo_stats: { total: number; done: number };
}
const todosRef: ContextRef<TodosBundle, Record<string, never>> = { context: 'todos', private: true };
const todoRef: ContextRef<{ get_todo: Todo }, { id: number }> = { context: 'todo', private: true };

/** Every request the kernel made, and which auth headers it set itself (the jar adds cookies). */
interface Logged {
  method: string;
  path: string;
  status: number;
  cookie: boolean;
  csrf: boolean;
  authorization: boolean;
}

function logging(inner: (url: string, init: RequestInit) => Promise<Response>, log: Logged[]) {
  return async (url: string, init: RequestInit = {}): Promise<Response> => {
    const res = await inner(url, init);
    const h = new Headers(init.headers);
    log.push({
      method: init.method ?? 'GET',
      path: url.slice(ctx.server.origin.length),
      status: res.status,
      cookie: h.has('cookie'),
      csrf: h.has('x-csrf-token'),
      authorization: h.has('authorization'),
    });
    return res;
  };
}

/** Polls until `check` holds (5 s at most). */
async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const quiet = { broadcast: false, retry: 0, refetchOnFocus: false, refetchOnReconnect: false } as const;
const clients: Client[] = [];
afterEach(() => {
  while (clients.length) clients.pop()!.destroy();
});

describe('session mode (cookies + CSRF)', () => {
  let browser: Agent;
  let client: Client;
  const log: Logged[] = [];

  beforeAll(async () => {
    browser = new Agent(ctx.server.origin);
    client = createClient({ ...quiet, baseUrl: ctx.server.origin, fetch: logging(browser.fetch, log) });
    const result = await client.call(api.auth_signup, {
      username: uniqueName(),
      password: 'correct horse battery',
    });
    expect(result.user?.is_staff).toBe(false);
  });

  it('observes todos and refetches from the server invalidate, with no manual refetch', async () => {
    const obs = client.observe(todosRef, {});
    const stop = obs.subscribe(() => {});
    await until('first load', () => obs.getSnapshot().status === 'success');
    expect(obs.getSnapshot().data).toEqual({ list_todos: [], todo_stats: { total: 0, done: 0 } });
    const fetchesBefore = log.filter((l) => l.path === '/api/mizan/ctx/todos/').length;

    const todo = await client.call<Todo>('add_todo', { title: 'via the kernel' });
    expect(todo).toMatchObject({ title: 'via the kernel', done: false });
    await until('refetch after add_todo', () => obs.getSnapshot().data?.list_todos.length === 1);
    expect(obs.getSnapshot().data?.todo_stats).toEqual({ total: 1, done: 0 });
    expect(log.filter((l) => l.path === '/api/mizan/ctx/todos/')).toHaveLength(fetchesBefore + 1);
    const call = log.find((l) => l.path === '/api/mizan/call/add_todo/')!;
    expect(call).toMatchObject({ method: 'POST', status: 200, csrf: true, authorization: false });
    stop();
    obs.destroy();
  });

  it('invalidates todo scoped to {id}: only that instance refetches', async () => {
    const a = await client.call<Todo>('add_todo', { title: 'a' });
    const b = await client.call<Todo>('add_todo', { title: 'b' });
    const obsA = client.observe(todoRef, { id: a.id });
    const obsB = client.observe(todoRef, { id: b.id });
    const stops = [obsA.subscribe(() => {}), obsB.subscribe(() => {})];
    await until(
      'both loaded',
      () => obsA.getSnapshot().status === 'success' && obsB.getSnapshot().status === 'success',
    );
    const count = (id: number): number => log.filter((l) => l.path === `/api/mizan/ctx/todo/?id=${id}`).length;
    const [beforeA, beforeB] = [count(a.id), count(b.id)];

    await client.call('toggle_todo', { id: a.id });
    await until('scoped refetch', () => obsA.getSnapshot().data?.get_todo.done === true);
    await new Promise((r) => setTimeout(r, 100));
    expect(count(a.id)).toBe(beforeA + 1);
    expect(count(b.id)).toBe(beforeB);
    expect(obsB.getSnapshot().data?.get_todo.done).toBe(false);
    stops.forEach((s) => s());
  });

  it('keeps the same data object on 304', async () => {
    const obs = client.observe(todosRef, {});
    const stop = obs.subscribe(() => {});
    await until('loaded', () => obs.getSnapshot().status === 'success' && !obs.getSnapshot().isFetching);
    const data = obs.getSnapshot().data;
    await obs.refetch();
    expect(log.at(-1)).toMatchObject({ path: '/api/mizan/ctx/todos/', status: 304 });
    expect(obs.getSnapshot().data).toBe(data);
    stop();
  });

  it('applies X-Mizan-Invalidate of a view route', async () => {
    const t = await client.call<Todo>('add_todo', { title: 'to clear' });
    await client.call('toggle_todo', { id: t.id });
    const obs = client.observe(todosRef, {});
    const stop = obs.subscribe(() => {});
    await until(
      'loaded with the done todo',
      () => !!obs.getSnapshot().data?.list_todos.some((x) => x.id === t.id && x.done),
    );
    const res = await client.view('/todos/clear-done/', { method: 'POST' });
    expect(res.status).toBe(303);
    expect(privateHeader(res.headers.get('x-mizan-invalidate'))).toBe('todos, todo');
    await until('refetch after the view', () => !obs.getSnapshot().data?.list_todos.some((x) => x.done));
    stop();
  });

  it('surfaces errors as MizanError with code, status and fields', async () => {
    const validation = await client.call('add_todo', { title: '' }).catch((e: unknown) => e);
    expect(validation).toBeInstanceOf(MizanError);
    expect(validation).toMatchObject({
      code: 'validation',
      status: 422,
      fields: { title: ['This field is required.'] },
    });
    const missing = await client.load(todoRef, { id: 999_999 }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'not_found', status: 404 });
    const bad = await client.call('add_todo', { title: 'x', extra: true }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'bad_request', status: 400 });
    const anonymous = createClient({ ...quiet, baseUrl: ctx.server.origin, fetch: new Agent(ctx.server.origin).fetch });
    clients.push(anonymous);
    const denied = await anonymous.load(todosRef, {}).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(MizanError);
    expect(denied).toMatchObject({ code: 'unauthenticated', status: 401 });
    const obs = anonymous.observe('admin', {});
    const stop = obs.subscribe(() => {});
    await until('error state', () => obs.getSnapshot().status === 'error');
    expect(obs.getSnapshot().error).toMatchObject({ code: 'unauthenticated', status: 401 });
    stop();
  });

  it('sign-out clears private data and the next call fetches a fresh CSRF token', async () => {
    await client.call(api.auth_logout, {});
    expect(client.getData(todosRef, {})).toBeUndefined();
    const denied = await client.call('add_todo', { title: 'x' }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: 'unauthenticated', status: 401 });
  });
});

describe('functions that change the session (generated with session: true)', () => {
  it('after a password change the kernel drops private data and fetches the rotated session at once', async () => {
    expect(api.auth_password_change.session).toBe(true);
    const log: Logged[] = [];
    const browser = new Agent(ctx.server.origin);
    const client = createClient({ ...quiet, baseUrl: ctx.server.origin, fetch: logging(browser.fetch, log) });
    clients.push(client);
    await client.call(api.auth_signup, { username: uniqueName(), password: 'correct horse battery' });
    await client.call('add_todo', { title: 'before the change' });
    expect(await client.load(todosRef, {})).toMatchObject({ todo_stats: { total: 1 } });
    await client.call(api.auth_password_change, {
      old_password: 'correct horse battery',
      new_password: 'battery horse staple',
    });
    expect(client.getData(todosRef, {})).toBeUndefined();
    await client.call('add_todo', { title: 'after the change' });
    // The old CSRF token died with the old session: without the flag the
    // kernel would send it, get csrf_failed and retry.
    expect(log.filter((l) => l.status >= 400)).toEqual([]);
    expect(log.filter((l) => l.path === '/api/mizan/session/')).toHaveLength(3);
  });
});

describe('a context that needs a user (generated with auth: true)', () => {
  const needsUser: ContextRef<TodosBundle, Record<string, never>> = { ...todosRef, auth: true };

  it('is not asked for while session/ says nobody is signed in, and is fetched after sign-up', async () => {
    const log: Logged[] = [];
    const browser = new Agent(ctx.server.origin);
    const client = createClient({ ...quiet, baseUrl: ctx.server.origin, fetch: logging(browser.fetch, log) });
    clients.push(client);
    const obs = client.observe(needsUser, {});
    const stop = obs.subscribe(() => {});
    await until('signed-out state', () => obs.getSnapshot().status === 'error');
    expect(obs.getSnapshot().error).toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(log.map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual(['GET /api/mizan/session/ 200']);

    await client.call(api.auth_signup, { username: uniqueName(), password: 'correct horse battery' });
    await until('loaded after sign-up', () => obs.getSnapshot().status === 'success');
    expect(obs.getSnapshot().data).toEqual({ list_todos: [], todo_stats: { total: 0, done: 0 } });
    expect(log.filter((l) => l.status >= 400)).toEqual([]);
    stop();
  });
});

describe('token mode (Authorization: Bearer)', () => {
  it('observes, calls and refetches with a bearer token and no cookies', async () => {
    const { user } = await signedIn(ctx.server.origin);
    const tokens = await new Agent(ctx.server.origin).ok<TokenPair>('auth_token', {
      username: user.username,
      password: 'correct horse battery',
    });
    const log: Logged[] = [];
    const client = createClient({
      ...quiet,
      baseUrl: ctx.server.origin,
      auth: { token: () => tokens.access },
      fetch: logging((url, init) => fetch(url, init), log),
    });
    clients.push(client);
    const obs = client.observe(todosRef, {});
    const stop = obs.subscribe(() => {});
    await until('first load', () => obs.getSnapshot().status === 'success');
    await client.call('add_todo', { title: 'token todo' });
    await until('refetch', () => obs.getSnapshot().data?.list_todos[0]?.title === 'token todo');
    expect(log.some((l) => l.path === '/api/mizan/session/')).toBe(false);
    for (const l of log) expect(l).toMatchObject({ cookie: false, csrf: false, authorization: true });
    const refused = createClient({ ...quiet, baseUrl: ctx.server.origin, auth: { token: () => tokens.refresh } });
    clients.push(refused);
    await expect(refused.load(todosRef, {})).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
    stop();
  });
});
