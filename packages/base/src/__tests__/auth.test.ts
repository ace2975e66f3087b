import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../createClient.js';
import { fail, fakeFetch, flush, json, tick } from './fakes.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const user = { id: 1, username: 'ann', email: 'a@x.test', email_verified: false, is_staff: false, is_superuser: false };
// As generated from the schema: the server marks the functions that change the session.
const login = { fn: 'auth_login', session: true } as const;
const logout = { fn: 'auth_logout', session: true } as const;
const passwordChange = { fn: 'auth_password_change', session: true } as const;

describe('session auth', () => {
  it('fetches session/ once, lazily, and sends its CSRF token on unsafe calls only', async () => {
    const { fetch, calls, count } = fakeFetch({
      'session/': () => json({ user, csrf_token: 'csrf-1' }),
      'ctx/': () => json({}),
      'call/': () => json({ result: 1 }),
    });
    const client = createClient({ fetch });
    await client.load('todos');
    expect(count('session/')).toBe(0);
    expect(calls[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(calls[0]!.init.credentials).toBe('include');
    await Promise.all([client.call('a'), client.call('b')]);
    await client.call('c');
    expect(count('session/')).toBe(1);
    const posts = calls.filter((c) => c.method == 'POST');
    expect(posts.map((c) => c.headers['x-csrf-token'])).toEqual(['csrf-1', 'csrf-1', 'csrf-1']);
    expect(posts[0]!.headers.authorization).toBeUndefined();
    expect((await client.session()).user).toEqual(user);
  });

  it('retries session/ up to 3 times, then fails the call and tries again on the next one', async () => {
    let n = 0;
    const { fetch, count } = fakeFetch({
      'session/': () => (++n <= 4 ? fail(503, 'unavailable') : json({ user: null, csrf_token: 't' })),
      'call/': () => json({ result: 'ok' }),
    });
    const client = createClient({ fetch, retryDelay: () => 10 });
    const first = client.call('a').catch((e: unknown) => e);
    await tick(100);
    expect(await first).toMatchObject({ code: 'unavailable' });
    expect(count('session/')).toBe(4);
    expect(count('call/')).toBe(0);
    expect(await client.call('a')).toBe('ok');
    expect(count('session/')).toBe(5);
  });

  it('fetches a fresh token and retries once when the server answers csrf_failed', async () => {
    let tokens = 0;
    const { fetch, calls, count } = fakeFetch({
      'session/': () => json({ user: null, csrf_token: 'csrf-' + ++tokens }),
      'call/': (c) => (c.headers['x-csrf-token'] == 'csrf-2' ? json({ result: 'ok' }) : fail(403, 'csrf_failed')),
    });
    const client = createClient({ fetch });
    expect(await client.call('a')).toBe('ok');
    expect(count('session/')).toBe(2);
    expect(calls.filter((c) => c.method == 'POST')).toHaveLength(2);
  });

  it('gives up after one csrf_failed retry', async () => {
    const { fetch, count } = fakeFetch({
      'session/': () => json({ user: null, csrf_token: 'x' }),
      'call/': () => fail(403, 'csrf_failed'),
    });
    const client = createClient({ fetch });
    await expect(client.call('a')).rejects.toMatchObject({ code: 'csrf_failed', status: 403 });
    expect(count('call/')).toBe(2);
  });

  it('fetches a new session after sign-in and sign-out (the server rotates it)', async () => {
    let tokens = 0;
    const { fetch, calls } = fakeFetch({
      'session/': () => json({ user: null, csrf_token: 'csrf-' + ++tokens }),
      'call/': () => json({ result: { user } }),
    });
    const client = createClient({ fetch });
    await client.call(login, { username: 'ann', password: 'pw' });
    await client.call('add_todo', { title: 'x' });
    await client.call(logout, {});
    await client.call('add_todo', { title: 'y' });
    const tokensSent = calls.filter((c) => c.method == 'POST').map((c) => c.headers['x-csrf-token']);
    expect(tokensSent).toEqual(['csrf-1', 'csrf-2', 'csrf-2', 'csrf-3']);
  });

  it("follows the descriptor's session flag, not the function's name", async () => {
    let tokens = 0;
    const { fetch, calls, count } = fakeFetch({
      'session/': () => json({ user, csrf_token: 'csrf-' + ++tokens }),
      'ctx/': () => json({ n: count('ctx/') }),
      'call/': () => json({ result: { user } }),
    });
    const client = createClient({ fetch });
    const todos = client.observe({ context: 'todos', private: true }, {});
    todos.subscribe(() => {});
    await flush();
    // A password change rotates the session too: a fresh token, private data cleared.
    await client.call(passwordChange, { old_password: 'a', new_password: 'b' });
    expect(todos.getSnapshot()).toMatchObject({ status: 'loading', data: undefined });
    await client.call('add_todo', { title: 'x' });
    // A name alone, or a descriptor without the flag, changes nothing.
    await client.call('auth_login', { username: 'ann', password: 'pw' });
    await client.call({ fn: 'auth_logout' }, {});
    await client.call({ fn: 'auth_logout', session: false }, {});
    await client.call('add_todo', { title: 'y' });
    const tokensSent = calls.filter((c) => c.method == 'POST').map((c) => c.headers['x-csrf-token']);
    expect(tokensSent).toEqual(['csrf-1', 'csrf-2', 'csrf-2', 'csrf-2', 'csrf-2', 'csrf-2']);
    expect(count('session/')).toBe(2);
    await flush();
    expect(todos.getSnapshot()).toMatchObject({ status: 'success', data: { n: 2 } }); // refetched once
  });
});

describe('token auth', () => {
  it('sends the bearer token on every request, no cookies, and never calls session/', async () => {
    const { fetch, calls, count } = fakeFetch({ 'ctx/': () => json({}), 'call/': () => json({ result: 1 }) });
    const token = vi.fn(async () => 'jwt-1');
    const client = createClient({ fetch, auth: { token } });
    await client.load('todos');
    await client.call('add_todo', { title: 'x' });
    await client.call(login, {});
    await client.call('add_todo', { title: 'y' });
    expect(count('session/')).toBe(0);
    for (const c of calls) {
      expect(c.headers.authorization).toBe('Bearer jwt-1');
      expect(c.headers['x-csrf-token']).toBeUndefined();
      expect(c.init.credentials).toBe('omit');
    }
    expect(token).toHaveBeenCalledTimes(calls.length);
  });

  it('sends no Authorization header while the getter has no token', async () => {
    const { fetch, calls } = fakeFetch({ 'ctx/': () => json({}) });
    const client = createClient({ fetch, auth: { token: () => null } });
    client.observe('stats', {}).subscribe(() => {});
    await flush();
    expect(calls[0]!.headers.authorization).toBeUndefined();
  });

  it('sets no credentials where the runtime has none (Cloudflare Workers throw on it)', async () => {
    const { fetch, calls } = fakeFetch({ 'ctx/': () => json({}) });
    const Original = Request;
    vi.stubGlobal('Request', class {});
    try {
      await createClient({ fetch }).load('t');
    } finally {
      vi.stubGlobal('Request', Original);
    }
    expect('credentials' in calls[0]!.init).toBe(false);
  });

  it('lets credentials be overridden', async () => {
    const { fetch, calls } = fakeFetch({ 'ctx/': () => json({}) });
    await createClient({ fetch, credentials: 'same-origin' }).load('t');
    expect(calls[0]!.init.credentials).toBe('same-origin');
  });
});

describe('contexts that need a user', () => {
  const todos = { context: 'todos', private: true, auth: true } as const;

  it('are not asked for while session/ says nobody is signed in, and are fetched after a sign-in', async () => {
    let signedIn: typeof user | null = null;
    const { fetch, count } = fakeFetch({
      'session/': () => json({ user: signedIn, csrf_token: 't' }),
      'ctx/todos/': () => json({ list_todos: [] }),
      'ctx/stats/': () => json({ public_stats: {} }),
      'call/auth_login/': () => ((signedIn = user), json({ result: { user }, invalidate: ['todos'] })),
    });
    const client = createClient({ fetch });
    const obs = client.observe(todos, {});
    obs.subscribe(() => {});
    client.observe('stats', {}).subscribe(() => {});
    await flush();
    expect(obs.getSnapshot()).toMatchObject({ status: 'error', isFetching: false, error: { code: 'unauthenticated', status: 401 } });
    expect(count('ctx/todos/')).toBe(0);
    expect(count('ctx/stats/')).toBe(1);
    expect(count('session/')).toBe(1);
    await expect(client.load(todos, {})).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(count('ctx/todos/')).toBe(0);

    await client.call(login, { username: 'ann', password: 'pw' });
    await tick(20);
    expect(count('session/')).toBe(2);
    expect(count('ctx/todos/')).toBe(1);
    expect(obs.getSnapshot()).toMatchObject({ status: 'success', data: { list_todos: [] } });
  });

  it('are fetched after session/ when someone is signed in', async () => {
    const { fetch, calls } = fakeFetch({
      'session/': () => json({ user, csrf_token: 't' }),
      'ctx/': () => json({ list_todos: [] }),
    });
    const client = createClient({ fetch });
    expect(await client.load(todos, {})).toEqual({ list_todos: [] });
    await client.load(todos, {});
    expect(calls.map((c) => c.url)).toEqual(['/api/mizan/session/', '/api/mizan/ctx/todos/', '/api/mizan/ctx/todos/']);
  });

  it('are fetched anyway when session/ fails: the server has the last word', async () => {
    const { fetch, count } = fakeFetch({
      'session/': () => fail(503, 'unavailable'),
      'ctx/': () => fail(401, 'unauthenticated'),
    });
    const client = createClient({ fetch, retry: 0 });
    await expect(client.load(todos, {})).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(count('ctx/')).toBe(1);
  });

  it('in token mode are not asked for while the getter has no token, and never call session/', async () => {
    let jwt: string | null = null;
    const { fetch, calls } = fakeFetch({ 'ctx/': () => json({ list_todos: [] }) });
    const client = createClient({ fetch, auth: { token: () => jwt } });
    await expect(client.load(todos, {})).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(calls).toHaveLength(0);
    jwt = 'jwt-1';
    client.resetPrivate();
    expect(await client.load(todos, {})).toEqual({ list_todos: [] });
    expect(calls.map((c) => [c.url, c.headers.authorization])).toEqual([['/api/mizan/ctx/todos/', 'Bearer jwt-1']]);
  });
});
