// Development mode's missed-invalidation check (docs/guide.md, "Catching a
// missed invalidation") on the reference application: every flow it offers,
// run with MIZAN_DEBUG=1, must leave no X-Mizan-Warning and no warning line
// in the log, i.e. every mutation declares what it does to every context
// reading the tables it writes. On both databases: SQLite's authorizer and
// PostgreSQL's transaction statistics must agree on the reference app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, password, signedIn, uniqueName, type Reply, type Todo } from './agent.js';
import { runTodo, useServer } from './server.js';
import { closeAll, connect } from './ws.js';

const ctx = useServer({ MIZAN_DEBUG: '1' });

/** Every reply of the flows, to look for the warning header in. */
const replies: { what: string; reply: Reply }[] = [];

/** Keeps `reply` for the final check, after asserting its status. */
function seen(what: string, reply: Reply, status = 200): Reply {
  expect(reply.status, `${what}: ${reply.text}`).toBe(status);
  replies.push({ what, reply });
  return reply;
}

/** Reads every context the todo app has, as `agent` may. */
async function readAll(agent: Agent, staff: Agent, todoId: number): Promise<void> {
  seen('todos', await agent.context('todos'));
  seen('todo', await agent.context('todo', `id=${todoId}`));
  seen('stats', await agent.context('stats'));
  seen('leaderboard', await agent.context('leaderboard', 'limit=10'));
  seen('leaderboard min_done', await agent.context('leaderboard', 'limit=5&min_done=1'));
  seen('admin', await staff.context('admin'));
}

let alice: Agent;
let staff: Agent;
let first: Todo;
let kept: Todo; // never done, so clear_done leaves it for the last reads

beforeAll(async () => {
  ({ agent: alice } = await signedIn(ctx.server.origin));
  const name = uniqueName('staff');
  const created = runTodo(['createuser', name, '--staff'], { dataDir: ctx.server.dataDir, input: `${password}\n` });
  expect(created.status, created.stderr).toBe(0);
  staff = new Agent(ctx.server.origin);
  await staff.login(name);
});

afterAll(closeAll);

describe('the reference application in debug mode', () => {
  it('runs in debug mode, so the check is on', async () => {
    // The schema is served in debug mode only.
    expect((await alice.request('/api/mizan/schema/')).status).toBe(200);
  });

  it('reads every context first, so that each mutation is checked against all', async () => {
    first = await alice.addTodo('first');
    kept = await alice.addTodo('kept');
    await readAll(alice, staff, kept.id);
  });

  it('signs up, adds, toggles and deletes todos over HTTP', async () => {
    const { agent: bob, user } = await signedIn(ctx.server.origin);
    const call = async (who: Agent, fn: string, args: unknown) => seen(fn, await who.call(fn, args));
    const added = call(bob, 'add_todo', { title: 'bob one' });
    const todo = (await added).json<{ result: Todo }>().result;
    await call(bob, 'toggle_todo', { id: todo.id });
    await call(bob, 'toggle_todo', { id: todo.id });
    await call(alice, 'toggle_todo', { id: first.id });
    const second = (await call(alice, 'add_todo', { title: 'second' })).json<{ result: Todo }>().result;
    await call(alice, 'delete_todo', { id: second.id });
    await call(bob, 'delete_todo', { id: todo.id });
    seen('auth_logout', await bob.call('auth_logout'));
    seen('auth_login', await bob.call('auth_login', { username: user.username, password }));
  });

  it('clears done todos on the view route and exports them', async () => {
    const done = await alice.addTodo('to clear');
    seen('toggle_todo to clear', await alice.call('toggle_todo', { id: done.id }));
    seen('export_csv', await alice.request('/todos/export.csv'));
    const cleared = await alice.request('/todos/clear-done/', {
      method: 'POST',
      headers: { 'X-CSRF-Token': alice.csrf },
    });
    seen('clear_done', cleared, 303);
  });

  it('toggles a todo over the WebSocket', async () => {
    const todo = await alice.addTodo('over the socket');
    const socket = await connect(ctx.server, { cookie: alice.cookieHeader() });
    const answer = await socket.call('toggle_todo', { id: todo.id });
    expect(answer.op, JSON.stringify(answer)).toBe('result');
  });

  it('reads every context again, then mutates once more', async () => {
    await readAll(alice, staff, kept.id);
    seen('add_todo again', await alice.call('add_todo', { title: 'last' }));
    seen('toggle_todo again', await alice.call('toggle_todo', { id: kept.id }));
  });

  it('no response carried X-Mizan-Warning, and the log has no warning', async () => {
    const warned = replies.filter(({ reply }) => reply.header('X-Mizan-Warning') !== null);
    expect(warned.map(({ what, reply }) => `${what}: ${reply.header('X-Mizan-Warning')}`)).toEqual([]);
    // Warnings are written to stderr before the answer goes; give the pipe a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ctx.server.output()).not.toMatch(/mizan: warning/);
  });
});
