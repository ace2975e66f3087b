// Varnish in front of the reference server, with the VCL `<todo> edge
// varnish` writes (docs/edge.md, PROTOCOL §6-§8): public and private contexts
// kept at the edge, purged by xkey before each mutation answers (whichever
// way it came: through the edge, at the origin, over the WebSocket), never
// one user's data for another, junk params and cookie-setting answers
// passed, and PURGE refused to anyone but the origin.
import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, signedIn, type Reply, type Todo, type User } from './agent.js';
import { EdgeVarnish } from './edge.js';
import { freePort, startServer, type TodoServer } from './server.js';
import { closeAll, connect } from './ws.js';

const mwtSecret = `edge-mwt-${randomBytes(16).toString('hex')}`;
let server: TodoServer;
let edge: EdgeVarnish;

beforeAll(async () => {
  const port = await freePort();
  server = await startServer({ MIZAN_EDGE_PURGE: `varnish=http://127.0.0.1:${port}/`, MIZAN_MWT_SECRET: mwtSecret });
  edge = new EdgeVarnish(port, server.port, server.dataDir);
  await edge.start();
});
afterAll(async () => {
  await edge?.stop();
  await server?.dispose();
});
afterEach(closeAll);

const label = (r: Reply): string | null => r.header('X-Mizan-Edge');
const todoOf = (r: Reply): Todo => r.json<{ get_todo: Todo }>().get_todo;
const todosOf = (r: Reply): number => r.json<{ public_stats: { todos: number } }>().public_stats.todos;

/** The same browser (cookies, CSRF token) talking to the origin directly. */
function atOrigin(agent: Agent): Agent {
  const direct = new Agent(server.origin);
  for (const [k, v] of agent.jar) direct.jar.set(k, v);
  direct.csrf = agent.csrf;
  return direct;
}

/** An MWT signed with `secret` (the origin's by default). */
function mwt(claims: Record<string, unknown>, secret = mwtSecret): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `mwt1.${payload}.${createHmac('sha256', secret).update(`mwt1.${payload}`).digest('base64url')}`;
}

/** GET todo?id= through the edge with a Cookie header of our own. */
function todoWith(cookie: string, id: number): Promise<Reply> {
  return new Agent(edge.origin).context('todo', `id=${id}`, { Cookie: cookie });
}

/** Reads `name?query` until it is kept: a miss (or an earlier entry) then a hit. */
async function kept(agent: Agent, name: string, query = ''): Promise<Reply> {
  await agent.context(name, query);
  const hit = await agent.context(name, query);
  expect(hit.status, hit.text).toBe(200);
  expect(label(hit), `${name}?${query}`).toBe('hit');
  return hit;
}

/** PURGE from a given loopback source address (client.ip); the status. */
function purgeFrom(localAddress: string, tags: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: edge.port, path: '/', method: 'PURGE', localAddress, headers: { 'xkey-purge': tags } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const windows: number[] = [];
/** Runs `mutate`, then one read through the edge, which must be fresh; returns and logs the window. */
async function freshAfter(what: string, mutate: () => Promise<unknown>, read: () => Promise<Reply>,
  fresh: (r: Reply) => boolean): Promise<Reply> {
  await mutate();
  const answered = performance.now();
  const first = await read();
  const window = performance.now() - answered;
  expect(first.status, first.text).toBe(200);
  expect(fresh(first), `${what}: ${first.text}`).toBe(true);
  expect(label(first)).toBe('miss');
  windows.push(window);
  console.log(`varnish freshness, ${what}: ${window.toFixed(1)} ms from the mutation's answer to a fresh read`);
  expect(window).toBeLessThan(1000);
  return first;
}

describe('public contexts', () => {
  it('are a miss, then a hit served by Varnish alone, without xkey', async () => {
    const anon = new Agent(edge.origin);
    for (const [name, query] of [['leaderboard', 'limit=5'], ['stats', '']] as const) {
      const miss = await anon.context(name, query);
      expect(miss.status, miss.text).toBe(200);
      expect(label(miss), name).toBe('miss');
      const hit = await anon.context(name, query);
      expect(label(hit), name).toBe('hit');
      expect(hit.text).toBe(miss.text);
      expect(hit.header('ETag')).toBe(miss.header('ETag'));
      // The stored answer: the origin's X-Mizan-Cache of the miss, and
      // X-Varnish naming this request and the one that fetched it.
      expect(hit.header('X-Mizan-Cache')).toBe(miss.header('X-Mizan-Cache'));
      expect(hit.header('X-Varnish')).toMatch(/^\d+ \d+$/);
      for (const r of [miss, hit]) expect(r.header('xkey')).toBeNull();
      const notModified = await anon.context(name, query, { 'If-None-Match': hit.header('ETag')! });
      expect(notModified.status).toBe(304);
      const head = await anon.request(`/api/mizan/ctx/${name}/${query ? `?${query}` : ''}`, { method: 'HEAD' });
      expect(label(head)).toBe('hit');
    }
  });

  it('junk params pass and make no entry; the canonical entry still hits', async () => {
    const anon = new Agent(edge.origin);
    const canonical = await kept(anon, 'leaderboard', 'limit=5');
    for (const junk of ['limit=5&utm_source=x', 'limit=05', 'min_done=0&limit=5', 'limit=%35', 'limit=5&']) {
      for (let i = 0; i < 2; i++) expect(label(await anon.context('leaderboard', junk)), junk).toBe('pass');
    }
    const again = await anon.context('leaderboard', 'limit=5');
    expect(label(again)).toBe('hit');
    expect(again.text).toBe(canonical.text);
  });

  it('an answer that sets a cookie, and what the manifest does not name, pass', async () => {
    for (let i = 0; i < 2; i++) {
      // A browser without cookies: the origin sets the CSRF cookie. The
      // header is one the VCL uses internally, and changes nothing.
      const session = await new Agent(edge.origin).request('/api/mizan/session/', { headers: { 'X-Mizan-Ctx': 'stats' } });
      expect(session.status).toBe(200);
      expect(label(session)).toBe('pass');
      expect(session.setCookie('mizan_csrf')).toBeDefined();
    }
    const { agent } = await signedIn(edge.origin);
    for (let i = 0; i < 2; i++) expect(label(await agent.context('todos'))).toBe('pass');
  });
});

describe('freshness after a mutation', () => {
  let alice: Agent;
  let a: Todo;
  let b: Todo;
  beforeAll(async () => {
    ({ agent: alice } = await signedIn(edge.origin));
    [a, b] = [await alice.addTodo('edge a'), await alice.addTodo('edge b')];
  });

  it('a mutation through the edge: the next read of stats is fresh', async () => {
    const before = todosOf(await kept(alice, 'stats'));
    await freshAfter('add_todo through the edge', () => alice.addTodo('more'), () => alice.context('stats'),
      (r) => todosOf(r) === before + 1);
  });

  it('a mutation at the origin: the next read of the todo is fresh', async () => {
    const before = todoOf(await kept(alice, 'todo', `id=${a.id}`)).done;
    await freshAfter('toggle_todo at the origin', () => atOrigin(alice).ok('toggle_todo', { id: a.id }),
      () => alice.context('todo', `id=${a.id}`), (r) => todoOf(r).done === !before);
  });

  it('scoped: toggling A purges A only; B is still a hit', async () => {
    const before = todoOf(await kept(alice, 'todo', `id=${a.id}`)).done;
    const hitB = await kept(alice, 'todo', `id=${b.id}`);
    await freshAfter('toggle_todo through the edge', () => alice.ok('toggle_todo', { id: a.id }),
      () => alice.context('todo', `id=${a.id}`), (r) => todoOf(r).done === !before);
    const stillB = await alice.context('todo', `id=${b.id}`);
    expect(label(stillB)).toBe('hit');
    expect(stillB.text).toBe(hitB.text);
  });

  it('a WebSocket mutation (at the origin, and piped through Varnish) leaves no stale todo', async () => {
    for (const via of ['the origin', 'Varnish'] as const) {
      const before = todoOf(await kept(alice, 'todo', `id=${b.id}`)).done;
      const target = via === 'Varnish' ? Object.assign(Object.create(server) as TodoServer, { port: edge.port }) : server;
      const socket = await connect(target, { cookie: alice.cookieHeader(), origin: server.origin, name: 'alice' });
      await freshAfter(`toggle_todo over the WebSocket via ${via}`, async () => {
        const answer = await socket.call('toggle_todo', { id: b.id });
        expect(answer.op, JSON.stringify(answer)).toBe('result');
      }, () => alice.context('todo', `id=${b.id}`), (r) => todoOf(r).done === !before);
    }
  });

  it('a view route through the edge: its redirect and X-Mizan-Invalidate pass, its purge reaches Varnish', async () => {
    const done = await alice.addTodo('done, then cleared');
    await alice.ok('toggle_todo', { id: done.id });
    await kept(alice, 'todo', `id=${done.id}`);
    const cleared = await alice.request('/todos/clear-done/', { method: 'POST', headers: { 'X-CSRF-Token': alice.csrf } });
    expect(cleared.status, cleared.text).toBe(303);
    expect(label(cleared)).toBe('pass');
    expect(cleared.header('X-Mizan-Invalidate')).toContain('todos');
    const gone = await alice.context('todo', `id=${done.id}`);
    expect(gone.status, gone.text).toBe(404);
    expect(label(gone)).not.toBe('hit');
  });

  afterAll(() => {
    if (windows.length > 0) console.log(`varnish freshness windows (ms): ${windows.map((w) => w.toFixed(1)).join(', ')}`);
  });
});

describe('private data never crosses users', () => {
  let alice: Agent;
  let aliceUser: User;
  let bob: Agent;
  let secret: Todo;
  let aliceMwt: string;
  beforeAll(async () => {
    ({ agent: alice, user: aliceUser } = await signedIn(edge.origin));
    ({ agent: bob } = await signedIn(edge.origin));
    secret = await alice.addTodo('alice secret');
    aliceMwt = alice.jar.get('mizan_mwt')!;
    expect(aliceMwt).toMatch(/^mwt1\./);
  });

  it("another user's request for the same todo is never a hit and never her body", async () => {
    await kept(alice, 'todo', `id=${secret.id}`);
    for (let i = 0; i < 2; i++) {
      const r = await bob.context('todo', `id=${secret.id}`);
      expect(r.status).toBe(404);
      expect(label(r)).not.toBe('hit');
      expect(r.text).not.toContain('alice secret');
    }
  });

  it('forged and respelled MWTs are other keys (misses); expired and garbage ones pass', async () => {
    await kept(alice, 'todo', `id=${secret.id}`);
    const [p, payload, sig] = aliceMwt.split('.') as [string, string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = sig.slice(0, -1) + alphabet[alphabet.indexOf(sig.at(-1)!) ^ 1]; // same bytes
    const sub = String(aliceUser.id);
    const now = Math.floor(Date.now() / 1000);
    const tokens: Record<string, [string, 'miss' | 'pass']> = {
      altered: [`${p}.${payload}.${(sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)}`, 'miss'],
      respelled: [`${p}.${payload}.${respelled}`, 'miss'],
      'other key': [mwt({ sub, exp: now + 3600 }, 'not the secret'), 'miss'],
      're-signed': [mwt({ sub, exp: now + 3600 }), 'miss'],
      padded: [`${aliceMwt}=`, 'pass'],
      expired: [mwt({ sub, exp: now - 10 }), 'pass'],
      garbage: ['mwt1.garbage.garbage', 'pass'],
      empty: ['', 'pass'],
    };
    const bobSession = `mizan_session=${bob.jar.get('mizan_session')}`;
    for (const [what, [token, expected]] of Object.entries(tokens)) {
      for (const cookie of [`mizan_mwt=${token}`, `${bobSession}; mizan_mwt=${token}`]) {
        for (let i = 0; i < 2; i++) {
          const r = await todoWith(cookie, secret.id);
          expect(label(r), `${what}: ${cookie}`).toBe(expected);
          expect(r.text, what).not.toContain('alice secret');
          expect([401, 404]).toContain(r.status);
        }
      }
    }
    // Her token twice in one header: which one would the origin read? Passed.
    const twice = await todoWith(`mizan_mwt=${aliceMwt}; ${bobSession}; mizan_mwt=${aliceMwt}`, secret.id);
    expect(label(twice)).toBe('pass');
    // The control: her very token is her key, the entry she stored.
    const own = await todoWith(`mizan_mwt=${aliceMwt}`, secret.id);
    expect(label(own)).toBe('hit');
    expect(todoOf(own).title).toBe('alice secret');
  });

  it("after sign-out, the old cookies get none of the user's cached data", async () => {
    const { agent: carol } = await signedIn(edge.origin);
    const todo = await carol.addTodo('carol before sign-out');
    await kept(carol, 'todo', `id=${todo.id}`);
    const oldCookies = carol.cookieHeader();
    await carol.ok('auth_logout');
    for (let i = 0; i < 2; i++) {
      const r = await todoWith(oldCookies, todo.id);
      expect(label(r)).not.toBe('hit');
      expect(r.status).toBe(401);
      expect(r.text).not.toContain('carol before sign-out');
    }
  });
});

describe('PURGE', () => {
  it('without xkey-purge is refused (400) and purges nothing', async () => {
    const anon = new Agent(edge.origin);
    await kept(anon, 'stats');
    const r = await edge.purge(undefined);
    expect(r.status).toBe(400);
    expect(label(await anon.context('stats'))).toBe('hit');
  });

  it('from an address outside the ACL is refused (403) and purges nothing', async () => {
    expect(edge.vcl).toContain('acl mizan_purgers {\n  "127.0.0.1";\n  "::1";\n}');
    const anon = new Agent(edge.origin);
    await kept(anon, 'stats');
    expect(await purgeFrom('127.0.0.2', 'mz:stats')).toBe(403);
    expect(label(await anon.context('stats'))).toBe('hit');
  });

  it('purges by tag from the origin\'s address, and counts what it removed', async () => {
    const anon = new Agent(edge.origin);
    await kept(anon, 'stats');
    const r = await edge.purge('mz:stats mz:nothing');
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^Purged [1-9]\d*\n$/);
    expect(label(await anon.context('stats'))).toBe('miss');
  });
});
