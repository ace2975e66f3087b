// Three instances on one PostgreSQL and one Redis (PostgreSQL only): a write
// through one instance is read at once through the others (the shared cache
// is purged before the mutation is answered), its invalidations are pushed
// to the other instances' sockets with the same privacy rules, sign-out and
// password changes end sessions everywhere, login failures are counted
// across instances, and the load balancer gives read-your-writes.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, password, Reply, signedIn, uniqueName, type Todo, type User } from './agent.js';
import { instanceHeader, startCluster, type Cluster } from './cluster.js';
import type { TodoServer } from './server.js';
import { closeAll, connect, contextOf, type Client, type Frame } from './ws.js';

/** A request still unanswered after this long has hung (an ASan build on 2 cores). */
const deadline_ms = 5_000;
/** The longest a push may take to reach another instance's socket after the mutation's answer. */
const push_limit_ms = 1_000;

let cluster: Cluster | undefined;
const running = (): Cluster => {
  if (!cluster) throw new Error('the cluster has not started');
  return cluster;
};

beforeAll(async () => {
  cluster = await startCluster({ instances: 3 });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
}, 60_000);
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && cluster) console.error(cluster.output().slice(-12_000));
  await closeAll();
});

/** GET `path` on `origin` (with `agent`'s cookies, if given), within the deadline. */
async function getAt(origin: string, path: string, agent?: Agent, headers: Record<string, string> = {}): Promise<Reply> {
  const f = agent ? agent.fetch : fetch;
  const res = await f(origin + path, { headers, signal: AbortSignal.timeout(deadline_ms) });
  return new Reply(res.status, res.headers, await res.text());
}

/** POSTs call `fn` on `origin` as `agent` (its cookies and CSRF token), within the deadline. */
async function callAt(origin: string, agent: Agent, fn: string, args: unknown = {}): Promise<Reply> {
  if (!agent.csrf) await agent.session();
  const res = await agent.fetch(`${origin}/api/mizan/call/${fn}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': agent.csrf },
    body: JSON.stringify(args),
    signal: AbortSignal.timeout(deadline_ms),
  });
  const reply = new Reply(res.status, res.headers, await res.text());
  const token = reply.header('X-CSRF-Token');
  if (token) agent.csrf = token;
  return reply;
}

/** callAt, expecting 200; the result. */
async function okAt<T>(origin: string, agent: Agent, fn: string, args: unknown = {}): Promise<T> {
  const reply = await callAt(origin, agent, fn, args);
  expect(reply.status, `${fn} on ${origin}: ${reply.text}`).toBe(200);
  return reply.json<{ result: T }>().result;
}

/** The user a cookie header is signed in as, asked of `origin` (null: anonymous). */
async function whoIs(origin: string, cookie: string): Promise<User | null> {
  const reply = await getAt(origin, '/api/mizan/session/', undefined, { Cookie: cookie });
  expect(reply.status, reply.text).toBe(200);
  return reply.json<{ user: User | null }>().user;
}

const statsPath = '/api/mizan/ctx/stats/';
const boardPath = '/api/mizan/ctx/leaderboard/?limit=100&min_done=1';
const todoPath = (id: number): string => `/api/mizan/ctx/todo/?id=${id}`;

interface Board {
  leaderboard: { username: string; done: number }[];
}

describe('writes through one instance, reads through the others', () => {
  it('a mutation answered by one instance is never read stale from another (public and private cached contexts)', async () => {
    const c = running();
    const servers = c.instances;
    const ann = await signedIn(servers[0]!.origin);
    const todos: Todo[] = [];
    for (let k = 0; k < 10; k++) todos.push(await ann.agent.addTodo(`todo ${k}`));

    // Readers that keep every instance's view of the three contexts warm meanwhile.
    let reading = true;
    let reads = 0;
    const readerProblems: string[] = [];
    const reader = async (k: number): Promise<void> => {
      for (let n = 0; reading; n++) {
        const server = servers[(n + k) % servers.length]!;
        const todo = todos[n % todos.length]!;
        for (const [path, who] of [[statsPath], [boardPath], [todoPath(todo.id), ann.agent]] as const) {
          try {
            const r = await getAt(server.origin, path, who);
            reads += 1;
            if (r.status !== 200) readerProblems.push(`${path} on ${server.origin}: ${r.status} ${r.text}`);
          } catch (e) {
            readerProblems.push(`${path} on ${server.origin}: ${String(e)}`);
          }
        }
      }
    };
    const readers = [reader(0), reader(1), reader(2)];

    const stale: string[] = [];
    /** Reads `path` on every instance but the writer's and checks it with `fresh`. */
    const everywhereElse = async (w: number, path: string, who: Agent | undefined, fresh: (r: Reply) => boolean, what: string) => {
      for (const [j, s] of servers.entries()) {
        if (j === w) continue;
        const r = await getAt(s.origin, path, who);
        expect(r.status, `${path} on i${j}: ${r.text}`).toBe(200);
        if (!fresh(r)) stale.push(`${what}: i${j} answered ${r.text} (X-Mizan-Cache: ${r.header('X-Mizan-Cache')})`);
      }
    };
    const hits = new Set<string>();
    for (let k = 0; k < todos.length; k++) {
      const w = k % servers.length;
      const writer = servers[w]!;
      const todo = todos[k]!;
      // Warm: every instance has read all three before the write (the second read of each is from the cache).
      for (const s of servers) {
        for (const [path, who] of [[statsPath], [boardPath], [todoPath(todo.id), ann.agent]] as const) {
          await getAt(s.origin, path, who);
          const again = await getAt(s.origin, path, who);
          expect(again.status, again.text).toBe(200);
          if (again.header('X-Mizan-Cache') === 'hit') hits.add(path.split('?')[0]!);
        }
      }

      await new Agent(writer.origin).signup();
      const users = Number(await c.pg.query('SELECT count(*) FROM mizan_users'));
      await everywhereElse(w, statsPath, undefined, (r) => r.json<{ public_stats: { users: number } }>().public_stats.users === users,
        `iteration ${k}: stats after a sign-up on i${w} (users = ${users})`);

      const toggled = await okAt<Todo>(writer.origin, ann.agent, 'toggle_todo', { id: todo.id });
      expect(toggled.done).toBe(true);
      await everywhereElse(w, boardPath, undefined, (r) =>
        r.json<Board>().leaderboard.find((row) => row.username === ann.user.username)?.done === k + 1,
        `iteration ${k}: leaderboard after toggle ${k + 1} on i${w}`);
      await everywhereElse(w, todoPath(todo.id), ann.agent, (r) => r.json<{ get_todo: Todo }>().get_todo.done,
        `iteration ${k}: todo ${todo.id} after its toggle on i${w}`);
    }
    reading = false;
    await Promise.all(readers);
    expect(stale, stale.join('\n')).toEqual([]);
    expect(readerProblems, readerProblems.slice(0, 5).join('\n')).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    // The test means something only if those contexts were served from the cache.
    expect([...hits].sort()).toEqual(['/api/mizan/ctx/leaderboard/', '/api/mizan/ctx/stats/', '/api/mizan/ctx/todo/']);
  }, 90_000);

  it('reads that miss on other instances while a mutation commits never leave a stale value cached', async () => {
    const c = running();
    const [i0, ...rest] = c.instances as [TodoServer, TodoServer, TodoServer];
    const ann = await signedIn(i0.origin);
    const todo = await ann.agent.addTodo('raced');
    const stale: string[] = [];
    let misses = 0;
    for (let n = 0; n < 40; n++) {
      // Even: toggle_todo against reads of todo {id}; odd: add_todo against reads of the public stats.
      const path = n % 2 === 0 ? todoPath(todo.id) : statsPath;
      const fresh = async (): Promise<(r: Reply) => boolean> => {
        if (n % 2 === 0) {
          const done = (await okAt<Todo>(i0.origin, ann.agent, 'toggle_todo', { id: todo.id })).done;
          return (r) => r.json<{ get_todo: Todo }>().get_todo.done === done;
        }
        await okAt(i0.origin, ann.agent, 'add_todo', { title: `raced ${n}` });
        const count = Number(await c.pg.query('SELECT count(*) FROM todos'));
        return (r) => r.json<{ public_stats: { todos: number } }>().public_stats.todos === count;
      };
      // A first mutation purges the entry, so the reads miss and compute while the second one commits.
      await fresh();
      const racing = Array.from({ length: 6 }, (_, k) => getAt(rest[k % rest.length]!.origin, path, ann.agent));
      const check = await fresh();
      misses += (await Promise.all(racing)).filter((r) => r.header('X-Mizan-Cache') === 'miss').length;
      for (const pause of [0, 50]) {
        await new Promise((r) => setTimeout(r, pause)); // a racing read's late cache write would show now
        for (const s of rest) {
          const r = await getAt(s.origin, path, ann.agent);
          if (!check(r)) stale.push(`round ${n}, ${path} on ${s.origin} ${pause} ms later: ${r.text} (${r.header('X-Mizan-Cache')})`);
        }
      }
    }
    expect(stale, stale.join('\n')).toEqual([]);
    expect(misses, 'no racing read missed the cache: nothing raced').toBeGreaterThan(0);
    console.log(`racing reads that missed the cache: ${misses} of ${40 * 6}`);
  }, 60_000);
});

/** Records the arrival time of every text frame of `c`, by index (as c.frames). */
function stamps(c: Client): number[] {
  const at: number[] = [];
  c.ws.on('message', (_data: unknown, isBinary: boolean) => {
    if (!isBinary) at.push(Date.now());
  });
  return at;
}

const names = (f: Frame): string[] => (f.op === 'invalidate' ? (f['invalidate'] as unknown[]).map(contextOf) : []);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

describe('WebSocket pushes across instances', () => {
  it("reach the other instances' sockets within a second, private entries only the user's", async () => {
    const c = running();
    const [i0, i1, i2] = c.instances as [TodoServer, TodoServer, TodoServer];
    const ann = await signedIn(i0.origin);
    const bob = await signedIn(i0.origin);
    const carol = await signedIn(i0.origin);
    const open = (s: TodoServer, name: string, who?: Agent): Promise<Client> =>
      connect(s, { name, origin: c.origin, ...(who ? { cookie: who.cookieHeader() } : {}) });
    const annSockets = [await open(i1, 'Ann on i1', ann.agent), await open(i2, 'Ann on i2', ann.agent)];
    const others = [
      await open(i1, 'Bob on i1', bob.agent),
      await open(i2, 'Bob on i2', bob.agent),
      await open(i1, 'anonymous on i1'),
      await open(i2, 'anonymous on i2'),
    ];
    const all = [...annSockets, ...others];
    const times = new Map(all.map((s) => [s, stamps(s)]));
    for (const s of all) await s.ping(); // open and served

    const delays: number[] = [];
    const fromSend: number[] = []; // informational: the push may come before the answer
    const secrets: string[] = [];
    let todo: Todo | undefined;
    for (let n = 0; n < 30; n++) {
      const from = all.map((s) => s.frames.length);
      // Even: add_todo (todos + stats); odd: toggle_todo (todos, todo {id} + leaderboard).
      const adding = n % 2 === 0 || !todo;
      const secret = `secret-${randomUUID()}`;
      if (adding) secrets.push(secret);
      const sentAt = Date.now();
      const reply = adding
        ? await callAt(i0.origin, ann.agent, 'add_todo', { title: secret })
        : await callAt(i0.origin, ann.agent, 'toggle_todo', { id: todo!.id });
      const answeredAt = Date.now();
      expect(reply.status, reply.text).toBe(200);
      if (adding) todo = reply.json<{ result: Todo }>().result;
      const publicEntry = adding ? 'stats' : 'leaderboard';
      await Promise.all(
        all.map(async (s, k) => {
          const want = annSockets.includes(s) ? 'todos' : publicEntry;
          const frame = await s.next((f) => names(f).includes(want), `push of ${want} for mutation ${n}`, from[k]);
          const at = times.get(s)![s.frames.indexOf(frame)]!;
          delays.push(Math.max(0, at - answeredAt));
          fromSend.push(at - sentAt);
          if (annSockets.includes(s) && !adding) {
            expect(frame['invalidate'], s.log()).toContainEqual({ context: 'todo', params: { id: todo!.id } });
          }
        }),
      );
    }
    // Barrier: Carol's public entry comes after anything of Ann's mutations would have.
    const from = all.map((s) => s.frames.length);
    await callAt(i0.origin, carol.agent, 'add_todo', { title: 'barrier' });
    await Promise.all(all.map((s, k) => s.next((f) => names(f).includes('stats'), 'barrier push', from[k])));

    for (const s of others) {
      for (const entry of s.pushed()) expect(['todos', 'todo'], `${s.name}: ${JSON.stringify(entry)}`).not.toContain(contextOf(entry));
      for (const text of s.texts) expect(text, s.name).not.toContain('params');
    }
    for (const s of all) for (const text of s.texts) for (const secret of secrets) expect(text, s.name).not.toContain(secret);

    const sorted = [...delays].sort((a, b) => a - b);
    const sent = [...fromSend].sort((a, b) => a - b);
    console.log(
      `cross-instance push delay p50=${percentile(sorted, 50)}ms p99=${percentile(sorted, 99)}ms max=${sorted.at(-1)}ms (n=${sorted.length}; ` +
        `from the request: p50=${percentile(sent, 50)}ms p99=${percentile(sent, 99)}ms)`,
    );
    expect(sorted.filter((d) => d > push_limit_ms), `delays over ${push_limit_ms} ms`).toEqual([]);
  }, 90_000);
});

describe('sessions across instances', () => {
  it('a sign-out through i0 is anonymous on i1 and i2 at the next request; its sockets there close with 4001', async () => {
    const c = running();
    const [i0, i1, i2] = c.instances as [TodoServer, TodoServer, TodoServer];
    const ann = await signedIn(i0.origin);
    const cookie = ann.agent.cookieHeader();
    const todo = await ann.agent.addTodo('mine');
    // Every instance knows the session (and caches what it may) before the sign-out.
    for (const s of [i1, i2]) {
      expect((await whoIs(s.origin, cookie))?.id).toBe(ann.user.id);
      expect((await getAt(s.origin, todoPath(todo.id), undefined, { Cookie: cookie })).status).toBe(200);
    }
    const sockets = [
      await connect(i1, { name: 'Ann on i1', cookie, origin: c.origin }),
      await connect(i2, { name: 'Ann on i2', cookie, origin: c.origin }),
    ];
    for (const s of sockets) await s.ping();

    await okAt(i0.origin, ann.agent, 'auth_logout');
    for (const s of [i1, i2]) {
      expect(await whoIs(s.origin, cookie), `the old cookie on ${s.origin}`).toBeNull();
      const r = await getAt(s.origin, todoPath(todo.id), undefined, { Cookie: cookie });
      expect(r.status, r.text).toBe(401);
    }
    for (const s of sockets) expect((await s.waitClosed()).code, s.log()).toBe(4001);
  });

  it("a password change through i1 ends the user's other sessions on every instance", async () => {
    const c = running();
    const [i0, i1, i2] = c.instances as [TodoServer, TodoServer, TodoServer];
    const username = uniqueName('pw');
    const changing = new Agent(i1.origin);
    await changing.signup(username);
    const elsewhere = [new Agent(i0.origin), new Agent(i2.origin)];
    for (const a of elsewhere) await a.login(username);
    const cookies = elsewhere.map((a) => a.cookieHeader());
    const sockets: Client[] = [];
    for (const [k, cookie] of cookies.entries()) {
      for (const s of [i0, i2]) sockets.push(await connect(s, { name: `session ${k} on ${s.port}`, cookie, origin: c.origin }));
    }
    const bystander = await connect(i2, { name: 'anonymous on i2', origin: c.origin });
    for (const s of [...sockets, bystander]) await s.ping();

    const newPassword = 'another horse 9';
    await okAt(i1.origin, changing, 'auth_password_change', { old_password: password, new_password: newPassword });
    for (const cookie of cookies) {
      for (const s of c.instances) expect(await whoIs(s.origin, cookie), `an ended session on ${s.origin}`).toBeNull();
    }
    for (const s of sockets) expect((await s.waitClosed()).code, s.log()).toBe(4001);
    await bystander.ping();
    expect(bystander.open).toBe(true);
    // The changing session (rotated) is still signed in everywhere; only the new password signs in.
    for (const s of c.instances) expect((await whoIs(s.origin, changing.cookieHeader()))?.username).toBe(username);
    expect((await callAt(i0.origin, new Agent(i0.origin), 'auth_login', { username, password })).status).not.toBe(200);
    expect((await okAt<{ user: User }>(i2.origin, new Agent(i2.origin), 'auth_login', { username, password: newPassword })).user.username).toBe(username);
  });
});

describe('login failures across instances', () => {
  const servers = (): readonly TodoServer[] => running().instances;
  const attempt = (s: TodoServer, username: string, pw: string): Promise<Reply> =>
    callAt(s.origin, new Agent(s.origin), 'auth_login', { username, password: pw });
  const expect429 = (r: Reply): void => {
    expect(r.status, r.text).toBe(429);
    expect(r.json<{ error: { code: string } }>().error.code).toBe('rate_limited');
    expect(r.header('Retry-After')).toMatch(/^\d+$/);
  };

  it('five wrong passwords spread over i0, i1 and i2: the next attempt on any instance is 429', async () => {
    const username = uniqueName('guess');
    await new Agent(servers()[0]!.origin).signup(username);
    for (let n = 0; n < 5; n++) {
      const r = await attempt(servers()[n % 3]!, username, `wrong ${n}`);
      expect(r.status, `attempt ${n + 1}: ${r.text}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `attempt ${n + 1}: ${r.text}`).not.toBe(429);
    }
    for (const s of servers()) expect429(await attempt(s, username, 'wrong again'));
    // Even the right password, on every instance.
    for (const s of servers()) expect429(await attempt(s, username, password));
  });

  it('concurrent wrong passwords on all three: at most five are checked, the rest 429', async () => {
    const username = uniqueName('burst');
    await new Agent(servers()[0]!.origin).signup(username);
    const replies = await Promise.all(Array.from({ length: 12 }, (_, n) => attempt(servers()[n % 3]!, username, `wrong ${n}`)));
    const checked = replies.filter((r) => r.status !== 429);
    for (const r of checked) expect(r.status, r.text).toBeGreaterThanOrEqual(400);
    expect(checked.length, replies.map((r) => r.status).join(',')).toBeLessThanOrEqual(5);
    for (const r of replies.filter((x) => x.status === 429)) expect429(r);
    for (const s of servers()) expect429(await attempt(s, username, password));
  });
});

describe('through the load balancer', () => {
  it("a user's add_todo then list sees the todo, whichever instances answer (read-your-writes)", async () => {
    const c = running();
    const { agent } = await signedIn(c.origin);
    const titles: string[] = [];
    const pairs = new Set<string>();
    for (let n = 0; n < 12; n++) {
      const title = `lb ${n}`;
      const write = await callAt(c.origin, agent, 'add_todo', { title });
      expect(write.status, write.text).toBe(200);
      titles.push(title);
      const read = await getAt(c.origin, '/api/mizan/ctx/todos/', agent);
      expect(read.status, read.text).toBe(200);
      const listed = read.json<{ list_todos: Todo[]; todo_stats: { total: number } }>();
      expect(listed.list_todos.map((t) => t.title), `after ${title}`).toEqual(titles);
      expect(listed.todo_stats.total).toBe(titles.length);
      pairs.add(`${write.header(instanceHeader)}->${read.header(instanceHeader)}`);
    }
    // Round-robin: writes and reads were answered by different instances.
    expect([...pairs].some((p) => p.split('->')[0] !== p.split('->')[1]), [...pairs].join(' ')).toBe(true);
  });
});
