// The WebSocket endpoint across processes (PROTOCOL §5, docs/protocol.md
// "WebSocket"): the handshake's refusals, who a socket calls as (cookie,
// bearer header, auth frame), and calls and malformed frames.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent, password, signedIn, type TokenPair, type Todo, type User } from './agent.js';
import { useServer } from './server.js';
import { closeAll, connect, expectErrorFrame, expectRefusal, refusal, type Client, type Frame } from './ws.js';

const ctx = useServer();
let alice: { agent: Agent; user: User };
let tokens: TokenPair;

beforeAll(async () => {
  alice = await signedIn(ctx.server.origin);
  tokens = await new Agent(ctx.server.origin).ok<TokenPair>('auth_token', { username: alice.user.username, password });
});

afterEach(async () => {
  await closeAll();
  // Whatever a test did, HTTP still answers.
  expect(ctx.server.running, ctx.server.output()).toBe(true);
  expect((await new Agent(ctx.server.origin).request('/api/mizan/session/')).status).toBe(200);
});

/** The todos of `agent`, over HTTP. */
async function todosOf(agent: Agent): Promise<Todo[]> {
  const reply = await agent.context('todos');
  expect(reply.status, reply.text).toBe(200);
  return reply.json<{ list_todos: Todo[] }>().list_todos;
}

/** Asserts `f` is the result of toggling `todo` to `done`, with its invalidations. */
function expectToggled(f: Frame, todo: Todo, done: boolean): void {
  expect(f.op, JSON.stringify(f)).toBe('result');
  expect(Object.keys(f).sort()).toEqual(['id', 'invalidate', 'op', 'result']);
  expect(f['result']).toEqual({ ...todo, done });
  // As over HTTP: the private list and the todo (scoped by id), the public
  // leaderboard and staff overview.
  expect(f['invalidate']).toEqual(
    expect.arrayContaining(['todos', { context: 'todo', params: { id: todo.id } }, 'leaderboard', 'admin']),
  );
  expect(f['invalidate']).toHaveLength(4);
}

/** Whether the socket acts as a signed-in user: toggling `todo` works. */
async function actsAs(c: Client, todo: Todo, done: boolean): Promise<void> {
  expectToggled(await c.call('toggle_todo', { id: todo.id }), todo, done);
}

describe('handshake', () => {
  it('requires the subprotocol mizan.v1: none or another is 400 with the error envelope', async () => {
    for (const protocols of [[], ['mizan.v2'], ['chat', 'mizan']]) {
      expectRefusal(await refusal(ctx.server, { protocols }), 400, 'bad_request');
    }
    // Offered among others, it is the one chosen (connect checks the answer).
    await (await connect(ctx.server, { protocols: ['chat', 'mizan.v1'] })).ping();
  });

  it('refuses an Origin outside the allowed origins with 403 (cross-site WebSocket hijacking)', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${ctx.server.port + 1}`]) {
      expectRefusal(await refusal(ctx.server, { origin }), 403, 'forbidden');
    }
    // Even with the victim's cookie: the cookie is what the attacker wants to ride.
    expectRefusal(
      await refusal(ctx.server, { origin: 'http://evil.example', cookie: alice.agent.cookieHeader() }),
      403,
      'forbidden',
    );
    for (const origin of [ctx.server.origin, `http://localhost:${ctx.server.port}`]) {
      await (await connect(ctx.server, { origin })).ping();
    }
  });

  it('accepts a socket without Origin; anonymous, it answers ping with pong', async () => {
    const c = await connect(ctx.server);
    await c.ping();
    await c.ping();
    expect(c.texts).toEqual(['{"op":"pong"}', '{"op":"pong"}']);
    // Anonymous: a function that needs a user is refused as over HTTP.
    expectErrorFrame(await c.call('toggle_todo', { id: 1 }), 1, 'unauthenticated', 401);
  });

  it('refuses an invalid bearer token at the handshake with 401', async () => {
    for (const token of ['nonsense', tokens.refresh, `${tokens.access}x`]) {
      expectRefusal(await refusal(ctx.server, { headers: { Authorization: `Bearer ${token}` } }), 401, 'unauthenticated');
    }
  });
});

describe('who calls', () => {
  it('the session cookie at the handshake: the socket is that user', async () => {
    const todo = await alice.agent.addTodo('cookie socket');
    const c = await connect(ctx.server, { cookie: alice.agent.cookieHeader() });
    await actsAs(c, todo, true);
    expect((await todosOf(alice.agent)).find((t) => t.id === todo.id)?.done).toBe(true);
    // Another user's todo is not found, as over HTTP.
    const bob = await signedIn(ctx.server.origin);
    const b = await connect(ctx.server, { cookie: bob.agent.cookieHeader() });
    expectErrorFrame(await b.call('toggle_todo', { id: todo.id }), 1, 'not_found', 404);
    expect((await todosOf(alice.agent)).find((t) => t.id === todo.id)?.done).toBe(true);
  });

  it('a made-up session cookie is nobody', async () => {
    const c = await connect(ctx.server, { cookie: `mizan_session=${'f'.repeat(64)}` });
    expectErrorFrame(await c.call('toggle_todo', { id: 1 }), 1, 'unauthenticated', 401);
  });

  it('an Authorization: Bearer access token at the handshake', async () => {
    const todo = await alice.agent.addTodo('bearer socket');
    const c = await connect(ctx.server, { headers: { Authorization: `Bearer ${tokens.access}` } });
    await actsAs(c, todo, true);
  });

  it('token mode: {"op":"auth","token"} is answered with the user, and the socket is theirs', async () => {
    const todo = await alice.agent.addTodo('auth frame');
    const c = await connect(ctx.server);
    expectErrorFrame(await c.call('toggle_todo', { id: todo.id }), 1, 'unauthenticated', 401);
    const answer = await c.request({ op: 'auth', token: tokens.access });
    expect(answer).toEqual({ op: 'auth', id: 2, user: alice.user });
    await actsAs(c, todo, true);
    // Without an id it is answered all the same.
    c.send({ op: 'auth', token: tokens.access });
    expect(await c.next((f) => f.op === 'auth' && f['id'] === null, 'auth answer')).toEqual({
      op: 'auth',
      id: null,
      user: alice.user,
    });
    // Its user's private pushes reach it now.
    const from = c.frames.length;
    await alice.agent.addTodo('seen by the token socket');
    await c.next((f) => f.op === 'invalidate' && (f['invalidate'] as unknown[]).includes('todos'), 'private push', from);
  });

  it('a bad token in an auth frame is unauthenticated and leaves the socket as it was', async () => {
    const anonymous = await connect(ctx.server);
    const todo = await alice.agent.addTodo('still alice');
    const signed = await connect(ctx.server, { cookie: alice.agent.cookieHeader() });
    const [h, p] = tokens.access.split('.');
    for (const token of ['nonsense', tokens.refresh, `${h}.${p}.${'A'.repeat(43)}`]) {
      for (const c of [anonymous, signed]) {
        expectErrorFrame(await c.request({ op: 'auth', token }), expect.any(Number), 'unauthenticated', 401);
      }
    }
    expectErrorFrame(await anonymous.call('toggle_todo', { id: todo.id }), expect.any(Number), 'unauthenticated', 401);
    await actsAs(signed, todo, true);
    // An empty or missing token is a malformed frame.
    for (const frame of [{ op: 'auth', token: '' }, { op: 'auth' }, { op: 'auth', token: 5 }]) {
      expectErrorFrame(await anonymous.request(frame), expect.any(Number), 'bad_request', 400);
    }
  });
});

describe('calls', () => {
  let todo: Todo;
  let c: Client;

  beforeEach(async () => {
    todo = await alice.agent.addTodo('called over the socket');
  });

  it('a function registered .websocket() answers a result with its invalidations', async () => {
    c = await connect(ctx.server, { cookie: alice.agent.cookieHeader() });
    c.send({ op: 'call', id: 7, fn: 'toggle_todo', args: { id: todo.id } });
    expectToggled(await c.next((f) => f['id'] === 7, 'result'), todo, true);
    c.send({ op: 'call', id: 8, fn: 'toggle_todo', args: { id: todo.id } });
    expectToggled(await c.next((f) => f['id'] === 8, 'result'), todo, false);
    expect((await todosOf(alice.agent)).find((t) => t.id === todo.id)?.done).toBe(false);
  });

  it('echoes any scalar id as sent', async () => {
    c = await connect(ctx.server, { cookie: alice.agent.cookieHeader() });
    let done = false;
    for (const id of ['a string', 2.5, -3, 0, true, null]) {
      done = !done;
      c.send({ op: 'call', id, fn: 'toggle_todo', args: { id: todo.id } });
      const f = await c.next((x) => x.op === 'result' && x['id'] === id, `result ${JSON.stringify(id)}`, c.frames.length);
      expectToggled(f, todo, done);
    }
    // No id at all: answered with null.
    c.send({ op: 'call', fn: 'toggle_todo', args: { id: todo.id } });
    const f = await c.next((x) => x.op === 'result', 'result without id', c.frames.length);
    expect(f['id']).toBeNull();
    expectToggled(f, todo, true);
  });

  it('a function without .websocket() is forbidden and does not run', async () => {
    c = await connect(ctx.server, { cookie: alice.agent.cookieHeader() });
    const before = await todosOf(alice.agent);
    for (const fn of ['add_todo', 'delete_todo', 'list_todos', 'public_stats', 'auth_logout', 'auth_login']) {
      const args = fn === 'add_todo' ? { title: 'must not exist' } : fn === 'delete_todo' ? { id: todo.id } : {};
      expectErrorFrame(await c.call(fn, args), expect.any(Number), 'forbidden', 403);
    }
    expect(await todosOf(alice.agent)).toEqual(before);
    // The socket's session survives: auth_logout did not run.
    expect((await alice.agent.session()).user?.id).toBe(alice.user.id);
  });

  it('an unknown function is not_found (a view route is no function here)', async () => {
    c = await connect(ctx.server, { cookie: alice.agent.cookieHeader() });
    for (const fn of ['no_such_function', 'TOGGLE_TODO', 'toggle_todo/', '../toggle_todo', 'clear_done']) {
      expectErrorFrame(await c.call(fn, {}), expect.any(Number), 'not_found', 404);
    }
  });

  it('bad arguments are answered with the error envelope, as over HTTP', async () => {
    c = await connect(ctx.server, { cookie: alice.agent.cookieHeader() });
    for (const args of [{}, { id: 'x' }, { id: 1.5 }, { id: null }, { id: [todo.id] }]) {
      const http = await alice.agent.call('toggle_todo', args);
      expect(http.status, http.text).not.toBe(200);
      const f = await c.call('toggle_todo', args);
      const e = expectErrorFrame(f, expect.any(Number), http.json<{ error: { code: string } }>().error.code, http.status);
      expect({ error: e }).toEqual(http.json());
    }
    expect((await todosOf(alice.agent)).find((t) => t.id === todo.id)?.done).toBe(false);
  });

  it('a frame that is not a JSON object with a known op is bad_request with id null', async () => {
    c = await connect(ctx.server, { cookie: alice.agent.cookieHeader() });
    const frames = [
      'not json',
      '{"op":"ping"',
      '',
      '[{"op":"ping"}]',
      '42',
      '"ping"',
      'null',
      '{}',
      '{"op":"pong"}',
      '{"op":"PING"}',
      '{"op":7}',
      '{"op":"call"}',
      '{"op":"call","fn":""}',
      '{"op":"call","fn":"toggle_todo","args":[1]}',
      '{"op":"sub"}',
      '{"op":"ping"} {"op":"ping"}',
      '{"op":"call","id":{"a":1},"fn":"toggle_todo","args":{}}',
    ];
    for (const text of frames) {
      const from = c.frames.length;
      c.ws.send(text);
      const e = expectErrorFrame(await c.next(() => true, `answer to ${text}`, from), null, 'bad_request', 400);
      expect(e.message, text).not.toMatch(/\.cpp|std::|boost::/);
    }
    // A frame with a scalar id names it even when refused.
    c.ws.send('{"op":"nope","id":"x1"}');
    expectErrorFrame(await c.next((f) => f['id'] === 'x1', 'refusal naming x1'), 'x1', 'bad_request', 400);
    // Answers come in order: after the pong, one error per frame and nothing else came.
    await c.ping();
    expect(c.frames.map((f) => f.op)).toEqual([...frames.map(() => 'error'), 'error', 'pong']);
    expect(c.open).toBe(true);
    await actsAs(c, todo, true);
  });
});
