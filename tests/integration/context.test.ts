// GET {prefix}/ctx/{context}/: bundling, canonical params and strict coercion,
// ETag/304, cache headers and the origin cache (PROTOCOL §2, §3).
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent, expectError, password, Reply, signedIn, uniqueName, type CallBody, type Todo } from './agent.js';
import { runTodo, useServer } from './server.js';

const ctx = useServer();
let alice: Agent;
let first: Todo;

beforeAll(async () => {
  ({ agent: alice } = await signedIn(ctx.server.origin));
  first = await alice.addTodo('first');
  await alice.addTodo('second');
  await alice.ok('toggle_todo', { id: first.id });
});

describe('bundling', () => {
  it('answers every function of the context in one object, keys in byte order', async () => {
    const reply = await alice.context('todos');
    expect(reply.status, reply.text).toBe(200);
    expect(reply.header('Content-Type')).toMatch(/^application\/json/);
    const body = reply.json<{ list_todos: Todo[]; todo_stats: { total: number; done: number } }>();
    expect(Object.keys(body)).toEqual(['list_todos', 'todo_stats']);
    expect(body.list_todos.map((t) => [t.title, t.done])).toEqual([
      ['first', true],
      ['second', false],
    ]);
    expect(body.todo_stats).toEqual({ total: 2, done: 1 });
    expect(reply.text.startsWith('{"list_todos":[')).toBe(true);
  });

  it('accepts the path without the trailing slash', async () => {
    const a = await alice.request('/api/mizan/ctx/todos');
    const b = await alice.request('/api/mizan/ctx/todos/');
    expect(a.status).toBe(200);
    expect(a.text).toBe(b.text);
  });

  it('runs a context with params: get_todo of the caller, 404 for anyone else', async () => {
    const own = await alice.context('todo', `id=${first.id}`);
    expect(own.status, own.text).toBe(200);
    expect(own.json()).toEqual({ get_todo: { ...first, done: true } });
    const { agent: bob } = await signedIn(ctx.server.origin);
    expectError(await bob.context('todo', `id=${first.id}`), 404, 'not_found');
    expectError(await alice.context('todo', 'id=999999'), 404, 'not_found');
    expectError(await alice.context('todo'), 422, 'validation', { id: ['This field is required.'] });
  });

  it('refuses anonymous callers of a private context and unknown contexts', async () => {
    const anon = new Agent(ctx.server.origin);
    expectError(await anon.context('todos'), 401, 'unauthenticated');
    expectError(await anon.context('nope'), 404, 'not_found');
    expectError(await anon.request('/api/mizan/ctx/todos/extra/'), 404, 'not_found');
  });

  it('refuses non-GET methods with Allow', async () => {
    const reply = await alice.request('/api/mizan/ctx/todos/', {
      method: 'POST',
      headers: { 'X-CSRF-Token': alice.csrf },
    });
    expectError(reply, 405, 'method_not_allowed');
    expect(reply.header('Allow')).toMatch(/^GET(, HEAD)?$/);
  });

  it('admin_overview: 403 for a user, 200 for staff created with createuser --staff', async () => {
    expectError(await alice.context('admin'), 403, 'forbidden');
    expectError(await new Agent(ctx.server.origin).context('admin'), 401, 'unauthenticated');
    const name = uniqueName('staff');
    const created = runTodo(['createuser', name, '--email', 's@example.com', '--staff'], {
      dataDir: ctx.server.dataDir,
      input: 'correct horse battery\n',
    });
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`created user ${name} \\(id \\d+\\)`));
    const staff = new Agent(ctx.server.origin);
    const user = await staff.login(name);
    expect(user).toMatchObject({ username: name, email: 's@example.com', is_staff: true, is_superuser: false });
    const reply = await staff.context('admin');
    expect(reply.status, reply.text).toBe(200);
    const body = reply.json<{ admin_overview: Record<string, number> }>();
    expect(Object.keys(body.admin_overview).sort()).toEqual(['done', 'staff', 'todos', 'users']);
    expect(body.admin_overview['staff']).toBe(1);
    expect(body.admin_overview['done']).toBeGreaterThanOrEqual(1);
  });
});

describe('params', () => {
  const anon = (): Agent => new Agent(ctx.server.origin);

  it('coerces strictly and refuses bad, repeated and unknown keys with 400', async () => {
    const ok = await anon().context('leaderboard', 'limit=5');
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json<{ leaderboard: unknown[] }>().leaderboard).toBeInstanceOf(Array);
    for (const q of [
      'limit=05',
      'limit=1.5',
      'limit=5e0',
      'limit=%2B5',
      'limit=',
      'limit=abc',
      'limit=5&limit=5',
      'x=1',
      'limit=5&x=1',
      'limit=9007199254740992',
    ]) {
      expectError(await anon().context('leaderboard', q), 400, 'bad_request');
    }
    expectError(await anon().context('stats', 'limit=5'), 400, 'bad_request');
    expectError(await anon().context('todo', 'id=1&id=1'), 400, 'bad_request');
  });

  it('applies the declared rules with 422', async () => {
    expectError(await anon().context('leaderboard', 'limit=500'), 422, 'validation', {
      limit: ['Ensure this value is less than or equal to 100.'],
    });
    expectError(await anon().context('leaderboard', 'limit=0'), 422, 'validation', {
      limit: ['Ensure this value is greater than or equal to 1.'],
    });
    expectError(await anon().context('leaderboard', 'min_done=-1'), 422, 'validation', {
      min_done: ['Ensure this value is greater than or equal to 0.'],
    });
  });

  it('one canonical form: key order and escapes do not make new cache entries', async () => {
    const a = await anon().context('leaderboard', 'limit=7&min_done=0');
    expect(a.header('X-Mizan-Cache')).toBe('miss');
    const b = await anon().context('leaderboard', 'min_done=0&limit=7');
    expect(b.header('X-Mizan-Cache')).toBe('hit');
    const c = await anon().context('leaderboard', 'min_done=%30&%6Cimit=7');
    expect(c.header('X-Mizan-Cache')).toBe('hit');
    expect(c.text).toBe(a.text);
  });
});

describe('caching headers', () => {
  it('public contexts: public, max-age=5, no Vary, miss then hit', async () => {
    for (const name of ['leaderboard', 'stats']) {
      const q = name === 'leaderboard' ? 'limit=11' : '';
      const miss = await new Agent(ctx.server.origin).context(name, q);
      expect(miss.status, miss.text).toBe(200);
      expect(miss.header('Cache-Control')).toBe('public, max-age=5');
      expect(miss.header('Vary')).toBeNull();
      expect(miss.header('X-Mizan-Cache')).toBe('miss');
      const hit = await new Agent(ctx.server.origin).context(name, q);
      expect(hit.header('X-Mizan-Cache')).toBe('hit');
      expect(hit.header('ETag')).toBe(miss.header('ETag'));
      expect(hit.text).toBe(miss.text);
    }
  });

  it('an uncached private context: private, no-store, Vary: Cookie, Authorization, bypass', async () => {
    const reply = await alice.context('todos');
    expect(reply.header('Cache-Control')).toBe('private, no-store');
    expect(reply.header('Vary')).toBe('Cookie, Authorization');
    expect(reply.header('X-Mizan-Cache')).toBe('bypass');
  });

  it('ETag is answered with 304 and no body, carrying the cache headers', async () => {
    const full = await alice.context('todos');
    const etag = full.header('ETag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const r = await alice.context('todos', '', { 'If-None-Match': inm });
      expect(r.status, inm).toBe(304);
      expect(r.text).toBe('');
      expect(r.header('ETag')).toBe(etag);
      expect(r.header('Cache-Control')).toBe('private, no-store');
      expect(r.header('Vary')).toBe('Cookie, Authorization');
      expect(r.header('X-Mizan-Cache')).toBe('bypass');
    }
    expect((await alice.context('todos', '', { 'If-None-Match': '"other"' })).status).toBe(200);
    const pub = await alice.context('stats');
    const again = await alice.context('stats', '', { 'If-None-Match': pub.header('ETag')! });
    expect(again.status).toBe(304);
    expect(again.header('Cache-Control')).toBe('public, max-age=5');
  });

  it('a change answers 200 with a new ETag', async () => {
    const before = await alice.context('todos');
    await alice.addTodo('third');
    const after = await alice.context('todos', '', { 'If-None-Match': before.header('ETag')! });
    expect(after.status).toBe(200);
    expect(after.header('ETag')).not.toBe(before.header('ETag'));
  });

  it('toggle_todo purges the cached leaderboard (hit, toggle, miss)', async () => {
    const todo = await alice.addTodo('for the leaderboard');
    await new Agent(ctx.server.origin).context('leaderboard', 'limit=12');
    const hit = await new Agent(ctx.server.origin).context('leaderboard', 'limit=12');
    expect(hit.header('X-Mizan-Cache')).toBe('hit');
    await alice.ok('toggle_todo', { id: todo.id });
    const after = await new Agent(ctx.server.origin).context('leaderboard', 'limit=12');
    expect(after.header('X-Mizan-Cache')).toBe('miss');
    expect(after.text).not.toBe(hit.text);
  });

  it('auth_signup purges the cached stats and leaderboard: the new user is counted and listed at once', async () => {
    const board = 'limit=100';
    const users = (r: Reply): number => r.json<{ public_stats: { users: number } }>().public_stats.users;
    const names = (r: Reply): string[] =>
      r.json<{ leaderboard: { username: string }[] }>().leaderboard.map((row) => row.username);
    await new Agent(ctx.server.origin).context('stats');
    await new Agent(ctx.server.origin).context('leaderboard', board);
    const stats = await new Agent(ctx.server.origin).context('stats');
    const leaderboard = await new Agent(ctx.server.origin).context('leaderboard', board);
    expect(stats.header('X-Mizan-Cache')).toBe('hit');
    expect(leaderboard.header('X-Mizan-Cache')).toBe('hit');

    const username = uniqueName('newcomer');
    const reply = await new Agent(ctx.server.origin).call('auth_signup', { username, password });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json<CallBody<unknown>>().invalidate).toEqual(expect.arrayContaining(['stats', 'leaderboard']));

    const statsAfter = await new Agent(ctx.server.origin).context('stats');
    expect(statsAfter.header('X-Mizan-Cache')).toBe('miss');
    expect(users(statsAfter)).toBe(users(stats) + 1);
    const leaderboardAfter = await new Agent(ctx.server.origin).context('leaderboard', board);
    expect(leaderboardAfter.header('X-Mizan-Cache')).toBe('miss');
    expect(names(leaderboard)).not.toContain(username);
    expect(names(leaderboardAfter)).toContain(username);
  });

  it('add_todo purges the cached public stats', async () => {
    const before = await new Agent(ctx.server.origin).context('stats');
    await alice.addTodo('counted');
    const after = await new Agent(ctx.server.origin).context('stats');
    expect(after.header('X-Mizan-Cache')).toBe('miss');
    const count = (r: typeof before): number => r.json<{ public_stats: { todos: number } }>().public_stats.todos;
    expect(count(after)).toBe(count(before) + 1);
  });
});

describe('leaderboard', () => {
  /** A new user with `done` finished todos (and one unfinished). */
  async function player(name: string, done: number): Promise<void> {
    const { agent } = await signedIn(ctx.server.origin, name);
    for (let i = 0; i < done; i++) await agent.ok('toggle_todo', { id: (await agent.addTodo(`t${i}`)).id });
    await agent.addTodo('open');
  }
  const rows = async (q: string): Promise<{ username: string; done: number }[]> => {
    const reply = await new Agent(ctx.server.origin).context('leaderboard', q);
    expect(reply.status, reply.text).toBe(200);
    return reply.json<{ leaderboard: { username: string; done: number }[] }>().leaderboard;
  };
  const tag = uniqueName('lb');

  beforeAll(async () => {
    await player(`${tag}_a`, 6);
    await player(`${tag}_c`, 5);
    await player(`${tag}_b`, 5);
    await player(`${tag}_zero`, 0);
  });

  it('ranks by finished todos, ties by username, within min_done and limit', async () => {
    expect(await rows('min_done=5')).toEqual([
      { username: `${tag}_a`, done: 6 },
      { username: `${tag}_b`, done: 5 },
      { username: `${tag}_c`, done: 5 },
    ]);
    expect((await rows('min_done=5&limit=2')).map((r) => r.username)).toEqual([`${tag}_a`, `${tag}_b`]);
    expect(await rows('min_done=6')).toEqual([{ username: `${tag}_a`, done: 6 }]);
    expect(await rows('min_done=7')).toEqual([]);
  });

  it('min_done=0 (the default) includes users with no finished todo', async () => {
    expect(await rows('limit=100')).toContainEqual({ username: `${tag}_zero`, done: 0 });
  });
});
