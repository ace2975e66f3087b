// Graceful stop, crash recovery and start-up errors: SIGTERM lets a request
// in flight finish; after kill -9 every acknowledged write and session
// survives (on either engine); a malformed setting stops the program with one line.
import { afterEach, describe, expect, it } from 'vitest';
import { signedIn, type Agent, type Todo } from './agent.js';
import { exchange, open, requestBytes, responses, sleep } from './raw.js';
import { runTodo, startServer, type TodoServer } from './server.js';

let server: TodoServer | undefined;

afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

const listOf = async (agent: Agent): Promise<Todo[]> => {
  const reply = await agent.context('todos');
  expect(reply.status, reply.text).toBe(200);
  return reply.json<{ list_todos: Todo[] }>().list_todos;
};

describe('SIGTERM', () => {
  it('answers the request in flight, then exits 0', async () => {
    server = await startServer();
    const { agent } = await signedIn(server.origin);
    const body = Buffer.from(JSON.stringify({ title: 'written during shutdown' }));
    const request = requestBytes(
      'POST',
      '/api/mizan/call/add_todo/',
      { Cookie: agent.cookieHeader(), 'X-CSRF-Token': agent.csrf, 'Content-Type': 'application/json' },
      body,
    );
    const socket = await open(server.port);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(request.subarray(0, request.length - 10)); // the body is not complete yet
    await sleep(200);
    const exited = server.stop('SIGTERM');
    await sleep(300);
    socket.write(request.subarray(request.length - 10));
    const info = await exited;
    await closed;
    expect(info, server.output()).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('Mizan stopped');
    const [answer] = responses(received);
    expect(answer?.status, received).toBe(200);
    const todo = (JSON.parse(answer!.body) as { result: Todo }).result;
    expect(todo.title).toBe('written during shutdown');

    await server.start();
    agent.origin = server.origin;
    expect((await listOf(agent)).map((t) => t.id)).toEqual([todo.id]);
  });

  it('an idle keep-alive connection does not delay the exit', async () => {
    server = await startServer();
    const idle = await open(server.port);
    const r = await exchange(server.port, requestBytes('GET', '/api/mizan/session/', {}), { expect: 1 });
    expect(r.statuses).toEqual([200]);
    const started = Date.now();
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
    idle.destroy();
  });
});

describe('health and drain', () => {
  it('with MIZAN_DRAIN_MS, SIGTERM turns the health check to 503 while requests are still served', async () => {
    server = await startServer({ MIZAN_DRAIN_MS: '1500' });
    const health = () => fetch(server!.url('/api/mizan/health/'));
    const before = await health();
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({ status: 'ok' });
    const started = Date.now();
    const exited = server.stop('SIGTERM');
    await sleep(300);
    const during = await health();
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('1');
    expect(((await during.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    // Everything else is still served during the drain.
    expect((await fetch(server.url('/api/mizan/session/'))).status).toBe(200);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });
});

describe('kill -9 and restart', () => {
  it('keeps every acknowledged todo and the old session cookie', async () => {
    server = await startServer();
    const { agent, user } = await signedIn(server.origin);
    const acknowledged: number[] = [];
    for (let i = 0; i < 20; i++) acknowledged.push((await agent.addTodo(`before crash ${i}`)).id);
    await agent.ok('toggle_todo', { id: acknowledged[0] });
    // Writes racing the crash: whichever were acknowledged must survive.
    const racing = Array.from({ length: 20 }, (_, i) =>
      agent.call('add_todo', { title: `racing ${i}` }).then(
        (r) => (r.status === 200 ? r.json<{ result: Todo }>().result.id : undefined),
        () => undefined,
      ),
    );
    await sleep(5);
    expect(await server.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    for (const id of await Promise.all(racing)) if (id !== undefined) acknowledged.push(id);

    await server.start();
    const browser = agent;
    browser.origin = server.origin;
    const token = browser.csrf;
    const session = await browser.session();
    expect(session.user?.id).toBe(user.id);
    expect(session.csrf_token).toBe(token);
    const list = await listOf(browser);
    const ids = new Set(list.map((t) => t.id));
    for (const id of acknowledged) expect(ids.has(id), `todo ${id}`).toBe(true);
    expect(list.find((t) => t.id === acknowledged[0])?.done).toBe(true);
    // The session still writes, with its old CSRF token.
    expect((await browser.call('add_todo', { title: 'after restart' })).status).toBe(200);
  });
});

describe('start-up errors', () => {
  const cases: [string, string][] = [
    ['MIZAN_BIND', 'nonsense'],
    ['MIZAN_BIND', '127.0.0.1:99999'],
    ['MIZAN_THREADS', '0'],
    ['MIZAN_THREADS', 'many'],
    ['MIZAN_REDIS_URL', 'rediss://x'],
    ['MIZAN_REDIS_URL', 'redis://x:port'],
    ['MIZAN_DRAIN_MS', 'soon'],
    ['MIZAN_DEBUG', 'yes'],
    ['MIZAN_SECRET_KEY', 'too short'],
    ['MIZAN_SESSION_STORE', 'files'],
    ['MIZAN_ALLOWED_ORIGINS', 'example.com'],
    ['MIZAN_STATIC_DIR', '/nonexistent/mizan'],
    ['MIZAN_PREFIX', 'api/'],
    ['MIZAN_DATABASE_URL', 'mysql://x'],
  ];
  it.each(cases)('%s=%s stops with one line naming it', (name, value) => {
    const r = runTodo([], { env: { [name]: value } });
    expect(r.status, r.stderr).not.toBe(0);
    expect(r.status).not.toBeNull();
    expect(r.stdout).not.toContain('Mizan serving');
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain(name);
  });

  it('a port already in use stops with one clear line', async () => {
    server = await startServer();
    const r = runTodo([], { env: { MIZAN_BIND: `127.0.0.1:${server.port}` } });
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain(`127.0.0.1:${server.port}`);
    expect(lines[0]).not.toMatch(/mizan: mizan:/);
  });
});
