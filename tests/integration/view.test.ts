// The view path (PROTOCOL §4): a CSV download and a form-driven redirect that
// carries its invalidation in X-Mizan-Invalidate.
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent, expectError, privateHeader, signedIn, type Todo } from './agent.js';
import { useServer } from './server.js';

const ctx = useServer();
let alice: Agent;

beforeAll(async () => {
  ({ agent: alice } = await signedIn(ctx.server.origin));
});

/** Adds todos, marking the ones whose title starts with "done". */
async function addTodos(agent: Agent, titles: string[]): Promise<Todo[]> {
  const out: Todo[] = [];
  for (const title of titles) {
    const t = await agent.addTodo(title);
    out.push(title.startsWith('done') ? await agent.ok<Todo>('toggle_todo', { id: t.id }) : t);
  }
  return out;
}

const titlesOf = async (agent: Agent): Promise<string[]> =>
  (await agent.context('todos')).json<{ list_todos: Todo[] }>().list_todos.map((t) => t.title);

describe('GET /todos/export.csv', () => {
  it("downloads the caller's todos as CSV, quoted and formula-safe", async () => {
    const { agent } = await signedIn(ctx.server.origin);
    const [a, b] = await addTodos(agent, ['plain', 'done "quoted", with comma']);
    await agent.addTodo('=SUM(A1:A2)');
    const reply = await agent.request('/todos/export.csv');
    expect(reply.status, reply.text).toBe(200);
    expect(reply.header('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(reply.header('Content-Disposition')).toBe('attachment; filename="todos.csv"');
    expect(reply.header('Cache-Control')).toBe('no-store');
    const lines = reply.text.split('\r\n');
    expect(lines[0]).toBe('id,title,done,created_at');
    expect(lines[1]).toBe(`${a!.id},"plain",false,${a!.created_at}`);
    expect(lines[2]).toBe(`${b!.id},"done ""quoted"", with comma",true,${b!.created_at}`);
    expect(lines[3]).toMatch(/^\d+,"'=SUM\(A1:A2\)",false,/);
    expect(lines[4]).toBe('');
    expect(lines).toHaveLength(5);
  });

  it('is 401 for an anonymous caller and 405 for POST', async () => {
    expectError(await new Agent(ctx.server.origin).request('/todos/export.csv'), 401, 'unauthenticated');
    const post = await alice.request('/todos/export.csv', { method: 'POST', headers: { 'X-CSRF-Token': alice.csrf } });
    expectError(post, 405, 'method_not_allowed');
    expect(post.header('Allow')).toBe('GET');
  });
});

describe('POST /todos/clear-done/', () => {
  it('with the header token: deletes done todos, 303 to / with X-Mizan-Invalidate: todos, todo', async () => {
    await addTodos(alice, ['keep 1', 'done 1', 'keep 2', 'done 2']);
    const reply = await alice.request('/todos/clear-done/', {
      method: 'POST',
      headers: { 'X-CSRF-Token': alice.csrf },
    });
    expect(reply.status, reply.text).toBe(303);
    expect(reply.header('Location')).toBe('/');
    expect(privateHeader(reply.header('X-Mizan-Invalidate'))).toBe('todos, todo');
    expect(reply.header('Cache-Control')).toBe('no-store');
    expect(await titlesOf(alice)).toEqual(['keep 1', 'keep 2']);
  });

  it('with a urlencoded form carrying csrf_token, as a plain HTML form posts it', async () => {
    const { agent } = await signedIn(ctx.server.origin);
    await addTodos(agent, ['done a', 'keep b']);
    const reply = await agent.request('/todos/clear-done/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `other=field&csrf_token=${encodeURIComponent(agent.csrf)}`,
    });
    expect(reply.status, reply.text).toBe(303);
    expect(privateHeader(reply.header('X-Mizan-Invalidate'))).toBe('todos, todo');
    expect(await titlesOf(agent)).toEqual(['keep b']);
  });

  it('refuses a missing or wrong token, in the header or the form', async () => {
    const { agent } = await signedIn(ctx.server.origin);
    await addTodos(agent, ['done survives']);
    expectError(await agent.request('/todos/clear-done/', { method: 'POST' }), 403, 'csrf_failed');
    const form = (token: string) =>
      agent.request('/todos/clear-done/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `csrf_token=${token}`,
      });
    expectError(await form('0'.repeat(64)), 403, 'csrf_failed');
    expectError(await form(alice.csrf), 403, 'csrf_failed');
    const json = await agent.request('/todos/clear-done/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ csrf_token: agent.csrf }),
    });
    expect([400, 403]).toContain(json.status);
    expect(await titlesOf(agent)).toEqual(['done survives']);
  });

  it('GET is 405 with Allow: POST', async () => {
    const reply = await alice.request('/todos/clear-done/');
    expectError(reply, 405, 'method_not_allowed');
    expect(reply.header('Allow')).toBe('POST');
  });

  it('an anonymous caller with a valid anonymous token gets 401', async () => {
    const anon = new Agent(ctx.server.origin);
    await anon.session();
    const reply = await anon.request('/todos/clear-done/', { method: 'POST', headers: { 'X-CSRF-Token': anon.csrf } });
    expectError(reply, 401, 'unauthenticated');
  });
});
