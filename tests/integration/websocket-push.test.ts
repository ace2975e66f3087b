// What the WebSocket endpoint pushes, and to whom (PROTOCOL §5, docs/protocol.md
// "WebSocket"): public invalidations to every socket, private ones only to
// their user's; channel messages to subscribers; sockets of ended sessions
// closed with 4001. An absence is asserted only after a later frame on the
// same socket (a barrier) proves the earlier one would have come.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, password, signedIn, type Todo, type User } from './agent.js';
import { runTodo, useServer } from './server.js';
import { closeAll, connect, contextOf, expectErrorFrame, type Client, type Frame } from './ws.js';

const ctx = useServer();

afterEach(closeAll);

type Browser = { agent: Agent; user: User };

/** The private contexts of the todo app: only their user may hear of them. */
const privateContexts = ['todos', 'todo'];

/** Opens a socket as `who` (anonymous without), subscribed to `activity`. */
async function listener(name: string, who?: Browser): Promise<Client> {
  const c = await connect(ctx.server, who ? { name, cookie: who.agent.cookieHeader() } : { name });
  c.send({ op: 'sub', channel: 'activity' });
  await c.ping(); // answered after the sub: the subscription is in place
  return c;
}

const isActivity = (username: string, action: string) => (f: Frame) =>
  f.op === 'msg' &&
  f['channel'] === 'activity' &&
  (f['data'] as { username?: string }).username === username &&
  (f['data'] as { action?: string }).action === action;

/**
 * A later mutation by `by` whose activity message each socket must receive:
 * frames go out in commit order on each socket, and a mutation's message
 * after its pushes, so once it is there, any frame of an earlier mutation
 * would have been too.
 */
async function barrier(by: Browser, sockets: Client[]): Promise<void> {
  const from = sockets.map((s) => s.frames.length);
  await by.agent.addTodo('barrier');
  await Promise.all(
    sockets.map((s, i) => s.next(isActivity(by.user.username, 'added'), `barrier by ${by.user.username}`, from[i])),
  );
}

/** Waits for a push naming `context` at or after frame `from` of `s`. */
function pushOf(s: Client, context: string, from: number): Promise<Frame> {
  return s.next(
    (f) => f.op === 'invalidate' && (f['invalidate'] as unknown[]).some((e) => contextOf(e) === context),
    `push of ${context}`,
    from,
  );
}

/** Asserts that no frame `c` received names a private context, carries params, or a secret. */
function expectNothingPrivate(c: Client, secrets: string[]): void {
  for (const entry of c.pushed()) {
    expect(privateContexts, `${c.name} got ${JSON.stringify(entry)}\n${c.log()}`).not.toContain(contextOf(entry));
  }
  for (const text of c.texts) {
    expect(text, c.name).not.toContain('params');
    for (const s of secrets) expect(text, c.name).not.toContain(s);
  }
}

describe('push routing', () => {
  it("public entries reach every socket; a user's private entries only that user's sockets", async () => {
    const a = await signedIn(ctx.server.origin);
    const b = await signedIn(ctx.server.origin);
    const c = await signedIn(ctx.server.origin);
    const a1 = await listener('A1', a);
    const a2 = await listener('A2', a);
    const b1 = await listener('B', b);
    const anon = await listener('anonymous');
    const all = [a1, a2, b1, anon];

    const secret = `secret-${randomUUID()}`;
    const todo = await a.agent.addTodo(secret);
    await a.agent.ok('toggle_todo', { id: todo.id });
    await barrier(c, all);

    for (const s of all) {
      // Public: what add_todo and toggle_todo change site-wide, and the public channel.
      expect(s.pushed(), s.log()).toEqual(expect.arrayContaining(['stats', 'leaderboard']));
      expect(s.frames.some(isActivity(a.user.username, 'added')), s.log()).toBe(true);
      expect(s.frames.some(isActivity(a.user.username, 'finished')), s.log()).toBe(true);
    }
    for (const s of [a1, a2]) {
      expect(s.pushed(), s.log()).toEqual(expect.arrayContaining(['todos', { context: 'todo', params: { id: todo.id } }]));
    }
    for (const s of [b1, anon]) expectNothingPrivate(s, [secret, `"id":${todo.id}`]);
    // Titles are private: not even A's sockets hear them through a push.
    for (const s of all) for (const text of s.texts) expect(text).not.toContain(secret);
  });

  it("a socket call by A pushes A's private entries to A's other sockets and the public ones to B, not to itself", async () => {
    const a = await signedIn(ctx.server.origin);
    const b = await signedIn(ctx.server.origin);
    const c = await signedIn(ctx.server.origin);
    const todo = await a.agent.addTodo(`secret-${randomUUID()}`);
    const caller = await listener('A caller', a);
    const a2 = await listener('A2', a);
    const b1 = await listener('B', b);
    const anon = await listener('anonymous');

    const answer = await caller.call('toggle_todo', { id: todo.id });
    expect(answer.op, JSON.stringify(answer)).toBe('result');
    expect((answer['result'] as Todo).done).toBe(true);
    await barrier(c, [caller, a2, b1, anon]);

    const scoped = { context: 'todo', params: { id: todo.id } };
    expect(a2.pushed(), a2.log()).toEqual(expect.arrayContaining(['todos', scoped, 'leaderboard']));
    // The calling socket has the entries in its result: no push repeats them.
    expect(answer['invalidate']).toEqual(expect.arrayContaining(['todos', scoped, 'leaderboard']));
    expect(caller.pushed(), caller.log()).not.toContain('leaderboard');
    expect(caller.pushed(), caller.log()).not.toContain('todos');
    for (const s of [b1, anon]) {
      expect(s.pushed(), s.log()).toContain('leaderboard');
      expect(s.frames.some(isActivity(a.user.username, 'finished')), s.log()).toBe(true);
      expectNothingPrivate(s, [todo.title, `"id":${todo.id}`]);
      // Nobody else hears the call's result.
      expect(s.frames.filter((f) => f.op === 'result')).toEqual([]);
    }
  });

  it('pushes come once the mutation has committed: a refused mutation pushes nothing', async () => {
    const a = await signedIn(ctx.server.origin);
    const c = await signedIn(ctx.server.origin);
    const a1 = await listener('A', a);
    const anon = await listener('anonymous');
    // Another user's todo: not found, nothing written, nothing pushed.
    const theirs = await c.agent.addTodo('not yours');
    for (const s of [a1, anon]) await s.next(isActivity(c.user.username, 'added'), 'the first todo of C');
    const fromA = a1.frames.length;
    const fromAnon = anon.frames.length;
    expectErrorFrame(await a1.call('toggle_todo', { id: theirs.id }), 1, 'not_found', 404);
    expect((await a.agent.call('toggle_todo', { id: theirs.id })).status).toBe(404);
    await barrier(c, [a1, anon]);
    for (const [s, from] of [
      [a1, fromA],
      [anon, fromAnon],
    ] as const) {
      const after = s.frames.slice(from);
      const entries = after.filter((f) => f.op === 'invalidate').flatMap((f) => f['invalidate'] as unknown[]);
      // Only the barrier's public entries (an added todo changes stats and the staff's overview).
      expect(entries, s.log()).toEqual(['stats', 'admin']);
      expect(after.some(isActivity(a.user.username, 'finished')), s.log()).toBe(false);
    }
  });
});

describe('channels', () => {
  it('a subscriber receives {"op":"msg","channel":"activity","data"} after a mutation', async () => {
    const a = await signedIn(ctx.server.origin);
    const s = await listener('subscriber');
    const todo = await a.agent.addTodo('watched');
    const msg = await s.next(isActivity(a.user.username, 'added'), 'activity message');
    expect(msg).toEqual({ op: 'msg', channel: 'activity', data: { username: a.user.username, action: 'added' } });
    await a.agent.ok('toggle_todo', { id: todo.id });
    await a.agent.ok('toggle_todo', { id: todo.id });
    await a.agent.ok('delete_todo', { id: todo.id });
    for (const action of ['finished', 'reopened', 'deleted']) await s.next(isActivity(a.user.username, action), action);
    const mine = s.frames
      .filter((f) => f.op === 'msg')
      .map((f) => f['data'] as { username: string; action: string })
      .filter((d) => d.username === a.user.username);
    expect(mine.map((d) => d.action)).toEqual(['added', 'finished', 'reopened', 'deleted']);
  });

  it('a socket that did not subscribe hears no message; unsub stops them', async () => {
    const a = await signedIn(ctx.server.origin);
    const c = await signedIn(ctx.server.origin);
    const quiet = await connect(ctx.server, { name: 'never subscribed' });
    const left = await listener('unsubscribed');
    // Subscribing twice is one subscription: one message per mutation.
    const twice = await listener('subscribed twice');
    twice.send({ op: 'sub', channel: 'activity' });
    await twice.ping();

    const todo = await a.agent.addTodo('heard by some');
    await left.next(isActivity(a.user.username, 'added'), 'message before the unsub');
    left.send({ op: 'unsub', channel: 'activity' });
    await left.ping();
    await a.agent.ok('toggle_todo', { id: todo.id });
    // Barrier: C's todo changes the public stats, which the toggle does not;
    // that push comes after any message of the toggle.
    const from = [quiet, left, twice].map((s) => s.frames.length);
    await c.agent.addTodo('barrier');
    await Promise.all([quiet, left, twice].map((s, i) => pushOf(s, 'stats', from[i]!)));
    await twice.next(isActivity(c.user.username, 'added'), 'barrier message');

    expect(quiet.frames.filter((f) => f.op === 'msg'), quiet.log()).toEqual([]);
    expect(left.frames.filter((f) => f.op === 'msg'), left.log()).toEqual([
      { op: 'msg', channel: 'activity', data: { username: a.user.username, action: 'added' } },
    ]);
    const heard = twice.frames.filter((f) => f.op === 'msg').map((f) => f['data']);
    expect(heard, twice.log()).toEqual([
      { username: a.user.username, action: 'added' },
      { username: a.user.username, action: 'finished' },
      { username: c.user.username, action: 'added' },
    ]);
  });

  it('an unknown channel is not_found, for sub and unsub', async () => {
    const s = await connect(ctx.server);
    for (const channel of ['nope', 'Activity', 'activity/', 'todos']) {
      expectErrorFrame(await s.request({ op: 'sub', channel }), expect.any(Number), 'not_found', 404);
      expectErrorFrame(await s.request({ op: 'unsub', channel }), expect.any(Number), 'not_found', 404);
    }
    expectErrorFrame(await s.request({ op: 'sub', channel: '' }), expect.any(Number), 'bad_request', 400);
    expectErrorFrame(await s.request({ op: 'sub', channel: 3 }), expect.any(Number), 'bad_request', 400);
    // The todo app's one channel is public (a guarded channel's refusals
    // would need an app that has one; this one may not change for a test).
    const schema = runTodo(['schema']);
    expect(schema.status, schema.stderr).toBe(0);
    const channels = (JSON.parse(schema.stdout) as { channels: { name: string; auth: string }[] }).channels;
    expect(channels.map((ch) => [ch.name, ch.auth])).toEqual([['activity', 'none']]);
  });
});

describe('sessions', () => {
  it("signing out closes that session's sockets with 4001, and only those", async () => {
    const a = await signedIn(ctx.server.origin);
    const other = new Agent(ctx.server.origin); // a second session of the same user
    await other.login(a.user.username);
    const s1 = await connect(ctx.server, { name: 'session 1', cookie: a.agent.cookieHeader() });
    const s1b = await connect(ctx.server, { name: 'session 1, second tab', cookie: a.agent.cookieHeader() });
    const s2 = await connect(ctx.server, { name: 'session 2', cookie: other.cookieHeader() });
    const anon = await connect(ctx.server, { name: 'anonymous' });

    await a.agent.ok('auth_logout');
    for (const s of [s1, s1b]) expect((await s.waitClosed()).code, s.log()).toBe(4001);
    // Sent after the logout was answered: the close would have come first.
    for (const s of [s2, anon]) {
      await s.ping();
      expect(s.open, s.log()).toBe(true);
    }
    // The other session is still signed in over its socket.
    const todo = await other.addTodo('after the other logout');
    const answer = await s2.call('toggle_todo', { id: todo.id });
    expect(answer.op, JSON.stringify(answer)).toBe('result');
  });

  it("a password change closes the sockets of the user's other sessions (and its own, rotated) with 4001", async () => {
    const u = await signedIn(ctx.server.origin);
    const v = await signedIn(ctx.server.origin);
    const other = new Agent(ctx.server.origin);
    await other.login(u.user.username);
    const mine = await connect(ctx.server, { name: 'changing session', cookie: u.agent.cookieHeader() });
    const theirs = await connect(ctx.server, { name: 'other session', cookie: other.cookieHeader() });
    const bystander = await connect(ctx.server, { name: 'another user', cookie: v.agent.cookieHeader() });
    const anon = await connect(ctx.server, { name: 'anonymous' });

    await u.agent.ok('auth_password_change', { old_password: password, new_password: 'another horse 9' });
    expect((await theirs.waitClosed()).code, theirs.log()).toBe(4001);
    expect((await mine.waitClosed()).code, mine.log()).toBe(4001);
    for (const s of [bystander, anon]) {
      await s.ping();
      expect(s.open, s.log()).toBe(true);
    }
    // The other session is gone: its cookie opens an anonymous socket now.
    const again = await connect(ctx.server, { cookie: other.cookieHeader() });
    const todo = await u.agent.addTodo('after the change');
    expectErrorFrame(await again.call('toggle_todo', { id: todo.id }), 1, 'unauthenticated', 401);
    // The rotated session reconnects as the same user.
    const back = await connect(ctx.server, { cookie: u.agent.cookieHeader() });
    expect((await back.call('toggle_todo', { id: todo.id })).op).toBe('result');
  });

  it('signing in again in the same browser closes the old session’s sockets with 4001', async () => {
    const a = await signedIn(ctx.server.origin);
    const old = await connect(ctx.server, { cookie: a.agent.cookieHeader() });
    await a.agent.login(a.user.username);
    expect((await old.waitClosed()).code, old.log()).toBe(4001);
  });
});
