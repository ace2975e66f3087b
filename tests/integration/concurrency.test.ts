// 20 browsers (10 users x 2 sessions) writing in parallel over keep-alive
// connections: every acknowledged write is listed afterwards, no 5xx.
import { Agent as HttpAgent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Agent, signedIn, uniqueName, type CallBody, type Todo } from './agent.js';
import { useServer } from './server.js';

const ctx = useServer();
const users = 10;
const sessionsPerUser = 2;
const todosPerSession = 25;

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly localPort: number;
}

/** One POST on the given keep-alive agent. */
function post(agent: HttpAgent, path: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port: ctx.server.port,
        path,
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, localPort: req.socket?.localPort ?? 0 }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('concurrent writers', () => {
  it('loses no acknowledged write and never answers 5xx', async () => {
    // Two signed-in browsers per user.
    const browsers: { user: string; agent: Agent }[] = [];
    for (let u = 0; u < users; u++) {
      const name = uniqueName(`c${u}_`);
      const first = await signedIn(ctx.server.origin, name);
      const second = new Agent(ctx.server.origin);
      await second.login(name);
      browsers.push({ user: name, agent: first.agent }, { user: name, agent: second });
    }
    expect(browsers).toHaveLength(users * sessionsPerUser);

    const acknowledged = new Map<string, Set<number>>();
    const statuses: number[] = [];
    await Promise.all(
      browsers.map(async ({ user, agent }, b) => {
        const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: 1 });
        const headers = { Cookie: agent.cookieHeader(), 'X-CSRF-Token': agent.csrf };
        const ports = new Set<number>();
        try {
          for (let i = 0; i < todosPerSession; i++) {
            const answer = await post(
              keepAlive,
              '/api/mizan/call/add_todo/',
              headers,
              JSON.stringify({ title: `b${b} #${i}` }),
            );
            statuses.push(answer.status);
            ports.add(answer.localPort);
            if (answer.status === 200) {
              const id = JSON.parse(answer.body).result.id as number;
              if (!acknowledged.has(user)) acknowledged.set(user, new Set());
              acknowledged.get(user)!.add(id);
            }
          }
        } finally {
          keepAlive.destroy();
        }
        // Keep-alive: one connection carried every request of this browser.
        expect(ports.size).toBe(1);
      }),
    );

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(statuses).toHaveLength(users * sessionsPerUser * todosPerSession);

    for (const { user, agent } of browsers.filter((_, i) => i % sessionsPerUser === 0)) {
      const reply = await agent.context('todos');
      expect(reply.status).toBe(200);
      const body = reply.json<{ list_todos: Todo[]; todo_stats: { total: number; done: number } }>();
      const ids = body.list_todos.map((t) => t.id);
      expect(new Set(ids)).toEqual(acknowledged.get(user));
      expect(ids).toEqual([...ids].sort((x, y) => x - y)); // oldest first
      expect(body.todo_stats).toEqual({ total: sessionsPerUser * todosPerSession, done: 0 });
      // Only this user's titles: the two sessions' prefixes.
      const prefixes = new Set(body.list_todos.map((t) => t.title.split(' ')[0]));
      expect(prefixes.size).toBe(sessionsPerUser);
    }
    const total = [...acknowledged.values()].reduce((n, s) => n + s.size, 0);
    expect(total).toBe(users * sessionsPerUser * todosPerSession);
    const stats = await new Agent(ctx.server.origin).context('stats');
    expect(stats.json<{ public_stats: { todos: number; users: number } }>().public_stats).toEqual({
      todos: total,
      users,
    });
  });

  it('concurrent sign-ups of one name create one user', async () => {
    const name = uniqueName('race');
    const replies = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const a = new Agent(ctx.server.origin);
        return a.call('auth_signup', { username: name, password: 'correct horse battery' });
      }),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200 && s !== 422)).toEqual([]);
    for (const r of replies.filter((x) => x.status === 422)) {
      expect(r.json<{ error: { fields: Record<string, string[]> } }>().error.fields).toHaveProperty('username');
    }
    const ok = replies.find((r) => r.status === 200)!;
    expect(ok.json<CallBody<{ user: { username: string } }>>().result.user.username).toBe(name);
  });
});
