// The origin cache for a private context (PROTOCOL §3, §6): the reference
// app's `todo` context (get_todo, by id) is cached 60 s per user. Entries are
// keyed by user, never served to another user or to a signed-out browser, and
// purged by the mutations that change them: scoped (toggle_todo, delete_todo
// name one id) or whole (clear_done).
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent, expectError, password, signedIn, type Reply, type Todo, type User } from './agent.js';
import { useServer } from './server.js';

const ctx = useServer();

const todoOf = (r: Reply): Todo => r.json<{ get_todo: Todo }>().get_todo;

/** GET ctx/todo/?id=… as `agent`, expecting a 200. */
async function read(agent: Agent, id: number): Promise<Reply> {
  const reply = await agent.context('todo', `id=${id}`);
  expect(reply.status, reply.text).toBe(200);
  return reply;
}

/** Reads twice so that the entry is in the cache; returns the second reply (a hit). */
async function cached(agent: Agent, id: number): Promise<Reply> {
  await read(agent, id);
  const hit = await read(agent, id);
  expect(hit.header('X-Mizan-Cache')).toBe('hit');
  return hit;
}

describe('a cached private context', () => {
  let alice: Agent;
  let aliceUser: User;
  let bob: Agent;

  beforeAll(async () => {
    ({ agent: alice, user: aliceUser } = await signedIn(ctx.server.origin));
    ({ agent: bob } = await signedIn(ctx.server.origin));
  });

  it('is cached per user: private, max-age=60, Vary, a miss then a hit with the same ETag', async () => {
    const todo = await alice.addTodo('cached');
    const miss = await read(alice, todo.id);
    expect(miss.header('X-Mizan-Cache')).toBe('miss');
    expect(miss.header('Cache-Control')).toBe('private, max-age=60');
    expect(miss.header('Vary')).toBe('Cookie, Authorization');
    expect(todoOf(miss)).toEqual(todo);
    const hit = await read(alice, todo.id);
    expect(hit.header('X-Mizan-Cache')).toBe('hit');
    expect(hit.header('Cache-Control')).toBe('private, max-age=60');
    expect(hit.header('ETag')).toBe(miss.header('ETag'));
    expect(hit.text).toBe(miss.text);
    const notModified = await alice.context('todo', `id=${todo.id}`, { 'If-None-Match': hit.header('ETag')! });
    expect(notModified.status).toBe(304);
    expect(notModified.header('Cache-Control')).toBe('private, max-age=60');

    // Another browser of the same user shares the user's entry (its sign-in
    // listed every private context, which purged them, hence the first read).
    const laptop = new Agent(ctx.server.origin);
    await laptop.login(aliceUser.username);
    await read(laptop, todo.id);
    expect((await read(alice, todo.id)).header('X-Mizan-Cache')).toBe('hit');

    // Bob's own todo is an entry of his own.
    const bobs = await bob.addTodo('his');
    expect((await read(bob, bobs.id)).header('X-Mizan-Cache')).toBe('miss');
    expect((await read(bob, bobs.id)).header('X-Mizan-Cache')).toBe('hit');
  });

  it("is never served to another user: the same params are that user's own request", async () => {
    const todo = await alice.addTodo('mine only');
    const hit = await cached(alice, todo.id);
    for (let i = 0; i < 2; i++) {
      const reply = await bob.context('todo', `id=${todo.id}`);
      expectError(reply, 404, 'not_found');
      expect(reply.text).not.toContain('mine only');
    }
    const token = await new Agent(ctx.server.origin).ok<{ access: string }>('auth_token', {
      username: (await bob.session()).user!.username,
      password,
    });
    const bearer = await new Agent(ctx.server.origin).context('todo', `id=${todo.id}`, {
      Authorization: `Bearer ${token.access}`,
    });
    expectError(bearer, 404, 'not_found');
    // Bob's misses left Alice's entry alone.
    const again = await read(alice, todo.id);
    expect(again.header('X-Mizan-Cache')).toBe('hit');
    expect(again.text).toBe(hit.text);
  });

  it('toggle_todo and delete_todo purge the todo they name and no other; clear_done purges them all', async () => {
    const [a, b, c] = [await alice.addTodo('a'), await alice.addTodo('b'), await alice.addTodo('c')];
    for (const t of [a, b, c]) await cached(alice, t.id);
    const bobs = await bob.addTodo('bystander');
    await cached(bob, bobs.id);

    await alice.ok('toggle_todo', { id: a.id });
    const toggled = await read(alice, a.id);
    expect(toggled.header('X-Mizan-Cache')).toBe('miss');
    expect(todoOf(toggled).done).toBe(true);
    expect((await read(alice, b.id)).header('X-Mizan-Cache')).toBe('hit');
    expect((await read(bob, bobs.id)).header('X-Mizan-Cache')).toBe('hit');

    await alice.ok('delete_todo', { id: b.id });
    expectError(await alice.context('todo', `id=${b.id}`), 404, 'not_found');
    expect((await read(alice, c.id)).header('X-Mizan-Cache')).toBe('hit');

    // a is done: clear_done deletes it, and purges every todo entry.
    await cached(alice, a.id);
    const cleared = await alice.request('/todos/clear-done/', { method: 'POST', headers: { 'X-CSRF-Token': alice.csrf } });
    expect(cleared.status, cleared.text).toBe(303);
    expectError(await alice.context('todo', `id=${a.id}`), 404, 'not_found');
    expect((await read(alice, c.id)).header('X-Mizan-Cache')).toBe('miss');
  });

  it('is gone for a signed-out browser: 401, never the cached copy', async () => {
    const { agent: carol } = await signedIn(ctx.server.origin);
    const todo = await carol.addTodo('before sign-out');
    await cached(carol, todo.id);
    const oldSession = carol.jar.get('mizan_session')!;
    await carol.ok('auth_logout');
    const reply = await carol.context('todo', `id=${todo.id}`);
    expectError(reply, 401, 'unauthenticated');
    expect(reply.text).not.toContain('before sign-out');
    // The cookie from before the sign-out opens nothing either.
    const replay = new Agent(ctx.server.origin);
    replay.jar.set('mizan_session', oldSession);
    expectError(await replay.context('todo', `id=${todo.id}`), 401, 'unauthenticated');
    expectError(await new Agent(ctx.server.origin).context('todo', `id=${todo.id}`), 401, 'unauthenticated');
  });
});
