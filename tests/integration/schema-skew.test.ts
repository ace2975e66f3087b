// Deploy skew: the server sends the hash of its schema with every answer
// (X-Mizan-Schema), the generated client holds the hash it was built from
// (`schemaHash`), a kernel built from another schema hears of the change, and
// its calls are refused (409 schema_mismatch) before they run, over HTTP and
// over a WebSocket whose handshake named the old schema.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../packages/base/src/index.js';
import * as api from '../golden/todo/index.js';
import { Agent, signedIn, type Todo } from './agent.js';
import { useServer } from './server.js';
import { closeAll, connect } from './ws.js';

const ctx = useServer();
const stale = '0123456789abcdef';

let alice: Agent;
beforeAll(async () => {
  ({ agent: alice } = await signedIn(ctx.server.origin));
});

async function titles(agent: Agent): Promise<string[]> {
  const reply = await agent.context('todos');
  expect(reply.status).toBe(200);
  return reply.json<{ list_todos: Todo[] }>().list_todos.map((t) => t.title);
}

describe('the server', () => {
  it('sends the generated client’s schema hash with every answer', async () => {
    expect(api.schemaHash).toMatch(/^[0-9a-f]{16}$/);
    const answers = [
      await alice.context('todos'),
      await alice.call('add_todo', { title: 'hashed' }),
      await alice.call('no_such_function'),
      await alice.context('todos', '', { 'If-None-Match': (await alice.context('todos')).header('etag')! }),
      await alice.request('/api/mizan/session/'),
      await alice.request('/api/mizan/health/'),
      await alice.request('/api/mizan/ctx/todos/', { method: 'DELETE' }),
      await alice.request('/'),
      await alice.request('/no/such/page'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 304, 200, 200, 405, 200, 404]);
    for (const a of answers) expect(a.header('x-mizan-schema')).toBe(api.schemaHash);
  });

  it('refuses a call from a client built for another schema before it runs', async () => {
    const refused = await alice.call('add_todo', { title: 'from an old tab' }, { 'X-Mizan-Schema': stale });
    expect(refused.status).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'schema_mismatch' } });
    expect(refused.header('x-mizan-schema')).toBe(api.schemaHash);
    expect(await titles(alice)).not.toContain('from an old tab');

    const current = await alice.call('add_todo', { title: 'current' }, { 'X-Mizan-Schema': api.schemaHash });
    expect(current.status).toBe(200);
    const unmarked = await alice.call('add_todo', { title: 'unmarked' });
    expect(unmarked.status).toBe(200);
    expect(await titles(alice)).toEqual(expect.arrayContaining(['current', 'unmarked']));
  });

  it('answers reads from any client: a stale tab still shows its data', async () => {
    const read = await alice.context('todos', '', { 'X-Mizan-Schema': stale });
    expect(read.status).toBe(200);
  });
});

describe('the WebSocket', () => {
  afterAll(closeAll);

  it('refuses calls on a socket whose handshake named another schema, and still pushes', async () => {
    const todo = await alice.addTodo('toggled over sockets');
    const old = await connect(ctx.server, { cookie: alice.cookieHeader(), query: `s=${stale}` });
    const refused = await old.call('toggle_todo', { id: todo.id });
    expect(refused, old.log()).toMatchObject({ op: 'error', error: { code: 'schema_mismatch' } });
    const done = async (): Promise<boolean> => {
      const reply = await alice.context('todo', `id=${todo.id}`);
      return reply.json<{ get_todo: Todo }>().get_todo.done;
    };
    expect(await done()).toBe(false);

    // Pushes still reach it: it learns of changes until the page reloads.
    const current = await connect(ctx.server, { cookie: alice.cookieHeader(), query: `s=${api.schemaHash}` });
    expect((await current.call('toggle_todo', { id: todo.id })).op, current.log()).toBe('result');
    expect(await done()).toBe(true);
    await expect.poll(() => old.pushed().length, { timeout: 5_000 }).toBeGreaterThan(0);

    const unmarked = await connect(ctx.server, { cookie: alice.cookieHeader() });
    expect((await unmarked.call('toggle_todo', { id: todo.id })).op, unmarked.log()).toBe('result');
    expect(await done()).toBe(false);
  });
});

describe('the kernel', () => {
  const clients: Client[] = [];
  afterEach(() => {
    while (clients.length) clients.pop()!.destroy();
  });
  const client = (schema: string, onSchemaChange: (hash: string) => void): Client => {
    const c = createClient({
      baseUrl: ctx.server.origin,
      fetch: alice.fetch,
      broadcast: false,
      retry: 0,
      schema,
      onSchemaChange,
    });
    clients.push(c);
    return c;
  };

  it('built from an older schema, hears of the new one and has its calls refused', async () => {
    const heard: string[] = [];
    const old = client(stale, (hash) => heard.push(hash));
    await old.load(api.todosContext, {});
    // Every answer says it (session/ too, asked first for a context that needs a user).
    expect(heard.length).toBeGreaterThan(0);
    expect(new Set(heard)).toEqual(new Set([api.schemaHash]));
    await expect(old.call(api.add_todo, { title: 'old bundle' })).rejects.toMatchObject({
      code: 'schema_mismatch',
      status: 409,
    });
    expect(await titles(alice)).not.toContain('old bundle');
  });

  it('built from the running schema, hears nothing and calls through', async () => {
    const heard: string[] = [];
    const current = client(api.schemaHash, (hash) => heard.push(hash));
    await current.load(api.todosContext, {});
    await current.call(api.add_todo, { title: 'new bundle' });
    expect(heard).toEqual([]);
    expect(await titles(alice)).toContain('new bundle');
  });
});
