// The kernel over real HTTP: Node's fetch against a small server that speaks
// the protocol. It catches what the fake fetch cannot (streamed bodies,
// header casing, 304 handling, fetch options Node refuses). The test against
// the real reference app lives in tests/, across the process boundary.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../createClient.js';

let server: Server;
let baseUrl = '';
const todos: string[] = [];
const seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];

const readBody = async (req: IncomingMessage): Promise<string> => {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
};

beforeAll(async () => {
  server = createServer(async (req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const url = req.url!;
    if (url == '/api/mizan/session/') return send(200, { user: null, csrf_token: 'csrf-x' });
    if (url.startsWith('/api/mizan/ctx/todos/')) {
      const etag = `"${todos.length}"`;
      if (req.headers['if-none-match'] == etag) return send(304, undefined, { etag });
      return send(200, { list_todos: todos }, { etag });
    }
    if (url == '/api/mizan/call/add_todo/') {
      if (req.headers['x-csrf-token'] != 'csrf-x') return send(403, { error: { code: 'csrf_failed', message: 'CSRF' } });
      const { title } = JSON.parse(await readBody(req));
      if (!title) return send(422, { error: { code: 'validation', message: 'Invalid.', fields: { title: ['Required.'] } } });
      todos.push(title);
      return send(200, { result: { id: todos.length, title }, invalidate: ['todos'] });
    }
    if (url == '/todos/clear/' && req.method == 'POST') {
      todos.length = 0;
      res.writeHead(200, { 'x-mizan-invalidate': 'todos', 'content-type': 'text/plain' });
      return res.end('cleared');
    }
    send(404, { error: { code: 'not_found', message: 'Not found.' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const settled = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('over real HTTP', () => {
  it('loads, calls with CSRF, revalidates with ETag and applies invalidations', async () => {
    const client = createClient({ baseUrl });
    const obs = client.observe<{ list_todos: string[] }>('todos', {});
    obs.subscribe(() => {});
    await settled(() => obs.getSnapshot().status == 'success');
    expect(obs.getSnapshot().data).toEqual({ list_todos: [] });

    expect(await client.call('add_todo', { title: 'milk' })).toEqual({ id: 1, title: 'milk' });
    await settled(() => obs.getSnapshot().data?.list_todos.length == 1);

    const before = obs.getSnapshot().data;
    await obs.refetch();
    expect(seen.at(-1)!.headers['if-none-match']).toBe('"1"');
    expect(obs.getSnapshot().data).toBe(before); // 304: same object

    const error = await client.call('add_todo', { title: '' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MizanError', code: 'validation', status: 422, fields: { title: ['Required.'] } });

    const res = await client.view('/todos/clear/', { method: 'POST' });
    expect(await res.text()).toBe('cleared');
    expect(seen.at(-1)!.headers['x-csrf-token']).toBe('csrf-x');
    await settled(() => obs.getSnapshot().data?.list_todos.length == 0);

    await expect(client.load('nothing')).rejects.toMatchObject({ code: 'not_found', status: 404 });
    client.destroy();
  });

  it('sends a bearer token and no CSRF in token mode', async () => {
    const client = createClient({ baseUrl, auth: { token: () => 'jwt' } });
    await client.load('todos');
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer jwt');
    await client.call('add_todo', { title: 'x' }).catch(() => {});
    expect(seen.at(-1)!.headers['x-csrf-token']).toBeUndefined();
    expect(seen.some((r) => r.url.endsWith('/session/') && r.headers.authorization)).toBe(false);
  });

  it('reports a refused connection as a network error', async () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:1', retry: 0 });
    await expect(client.load('todos')).rejects.toMatchObject({ code: 'network', status: 0 });
  });
});
