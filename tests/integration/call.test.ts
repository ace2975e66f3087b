// POST {prefix}/call/{function}/: results, invalidation entries, and every
// way a call can be refused (PROTOCOL §3, errors table; docs/protocol.md).
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent, expectError, privateEntries, signedIn, type CallBody, type Todo } from './agent.js';
import { useServer } from './server.js';

const ctx = useServer();
let alice: Agent;

beforeAll(async () => {
  ({ agent: alice } = await signedIn(ctx.server.origin));
});

/** POST a raw body to a function with alice's cookies and token. */
function post(fn: string, body: string, contentType = 'application/json') {
  return alice.request(`/api/mizan/call/${fn}/`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, 'X-CSRF-Token': alice.csrf },
    body,
  });
}

describe('results and invalidation', () => {
  it('add_todo returns the Todo and invalidates the whole todos context', async () => {
    const before = Date.now();
    const reply = await alice.call('add_todo', { title: 'Buy milk' });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.header('Cache-Control')).toBe('no-store');
    const body = reply.json<CallBody<Todo>>();
    expect(Object.keys(body)).toEqual(['result', 'invalidate']);
    expect(Object.keys(body.result).sort()).toEqual(['created_at', 'done', 'id', 'title']);
    expect(Number.isSafeInteger(body.result.id)).toBe(true);
    expect(body.result).toMatchObject({ title: 'Buy milk', done: false });
    expect(body.result.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Math.abs(Date.parse(body.result.created_at) - before)).toBeLessThan(60_000);
    expect(privateEntries(body.invalidate)).toEqual(['todos']);
  });

  it('toggle_todo flips done and invalidates todos and todo scoped to {id}', async () => {
    const todo = await alice.addTodo('toggle me');
    const reply = await alice.call('toggle_todo', { id: todo.id });
    const body = reply.json<CallBody<Todo>>();
    expect(reply.status).toBe(200);
    expect(body.result).toEqual({ ...todo, done: true });
    expect(privateEntries(body.invalidate)).toEqual(['todos', { context: 'todo', params: { id: todo.id } }]);
    expect((await alice.ok<Todo>('toggle_todo', { id: todo.id })).done).toBe(false);
  });

  it('delete_todo returns {deleted: id} and the same entries; the todo is gone', async () => {
    const todo = await alice.addTodo('delete me');
    const reply = await alice.call('delete_todo', { id: todo.id });
    const body = reply.json<CallBody<{ deleted: number }>>();
    expect(body.result).toEqual({ deleted: todo.id });
    expect(privateEntries(body.invalidate)).toEqual(['todos', { context: 'todo', params: { id: todo.id } }]);
    expectError(await alice.context('todo', `id=${todo.id}`), 404, 'not_found');
    expectError(await alice.call('delete_todo', { id: todo.id }), 404, 'not_found');
  });

  it('accepts the path without the trailing slash and a charset parameter', async () => {
    const reply = await alice.request('/api/mizan/call/add_todo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-CSRF-Token': alice.csrf },
      body: JSON.stringify({ title: 'no slash' }),
    });
    expect(reply.status, reply.text).toBe(200);
  });

  it("never touches another user's todos (404, not 403)", async () => {
    const mine = await alice.addTodo('private');
    const { agent: bob } = await signedIn(ctx.server.origin);
    expectError(await bob.call('toggle_todo', { id: mine.id }), 404, 'not_found');
    expectError(await bob.call('delete_todo', { id: mine.id }), 404, 'not_found');
    const list = (await bob.context('todos')).json<{ list_todos: Todo[] }>().list_todos;
    expect(list).toEqual([]);
    expect((await alice.context('todo', `id=${mine.id}`)).status).toBe(200);
  });
});

describe('validation (422) and argument errors (400)', () => {
  it('title is required, not blank and at most 200 code points', async () => {
    const required = { title: ['This field is required.'] };
    expectError(await alice.call('add_todo', { title: '' }), 422, 'validation', required);
    expectError(await alice.call('add_todo', { title: '   ' }), 422, 'validation', required);
    expectError(await alice.call('add_todo', {}), 422, 'validation', required);
    expectError(await alice.call('add_todo', { title: null }), 422, 'validation', required);
    expectError(await post('add_todo', ''), 422, 'validation', required);
    expectError(await alice.call('add_todo', { title: 'x'.repeat(201) }), 422, 'validation', {
      title: ['Ensure this field has no more than 200 characters.'],
    });
    // 200 code points that are 400 UTF-8 bytes are fine.
    expect((await alice.call('add_todo', { title: 'é'.repeat(200) })).status).toBe(200);
    expect((await alice.call('add_todo', { title: '😀'.repeat(201) })).status).toBe(422);
  });

  it('unknown arguments and wrong types are 400', async () => {
    expectError(await alice.call('add_todo', { title: 'x', extra: 1 }), 400, 'bad_request');
    expectError(await alice.call('add_todo', { title: 5 }), 400, 'bad_request');
    for (const id of ['1', 1.5, true, [1], { id: 1 }]) {
      expectError(await alice.call('toggle_todo', { id }), 400, 'bad_request');
    }
    expectError(await post('toggle_todo', '{"id":1.0}'), 400, 'bad_request');
  });

  it('malformed JSON and non-objects are 400', async () => {
    for (const body of [
      '{',
      '{"title":}',
      "{'title':'x'}",
      '{"title":"x",}',
      '{"title":"x"} x',
      'null',
      '[]',
      '"x"',
      '1',
      'true',
    ]) {
      expectError(await post('add_todo', body), 400, 'bad_request');
    }
  });
});

describe('endpoint errors', () => {
  it('unknown function 404, and view functions are not callable here', async () => {
    expectError(await alice.call('nope', {}), 404, 'not_found');
    expectError(await alice.call('export_csv', {}), 404, 'not_found');
    expectError(await alice.call('Add_Todo', {}), 404, 'not_found');
    expectError(await alice.request('/api/mizan/call/'), 404, 'not_found');
    expectError(await alice.request('/api/mizan/nope/'), 404, 'not_found');
  });

  it('GET on a call is 405 with Allow: POST', async () => {
    const reply = await alice.request('/api/mizan/call/add_todo/');
    expectError(reply, 405, 'method_not_allowed');
    expect(reply.header('Allow')).toBe('POST');
    const put = await alice.request('/api/mizan/call/add_todo/', {
      method: 'PUT',
      headers: { 'X-CSRF-Token': alice.csrf },
    });
    expectError(put, 405, 'method_not_allowed');
    expect(put.header('Allow')).toBe('POST');
  });

  it('a body that is not application/json is 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      expectError(await post('add_todo', '{"title":"x"}', type), 415, 'unsupported_media_type');
    }
    const none = await alice.request('/api/mizan/call/add_todo/', {
      method: 'POST',
      headers: { 'X-CSRF-Token': alice.csrf, 'Content-Type': '' },
      body: '{"title":"x"}',
    });
    expectError(none, 415, 'unsupported_media_type');
  });

  it('a body over 1 MiB is 413; exactly at the limit is read', async () => {
    expectError(await post('add_todo', 'x'.repeat(1024 * 1024 + 1)), 413, 'payload_too_large');
    // 1 MiB of valid JSON is accepted by the HTTP layer (then refused by the rules).
    const title = 'x'.repeat(1024 * 1024 - '{"title":""}'.length);
    expectError(await post('add_todo', JSON.stringify({ title })), 422, 'validation', {
      title: ['Ensure this field has no more than 200 characters.'],
    });
  });

  it('an anonymous call of a function that needs a user is 401', async () => {
    const anon = new Agent(ctx.server.origin);
    expectError(await anon.call('add_todo', { title: 'x' }), 401, 'unauthenticated');
    expectError(
      await anon.call('auth_password_change', { old_password: 'a', new_password: 'b' }),
      401,
      'unauthenticated',
    );
  });
});
