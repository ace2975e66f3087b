// Varnish in front of the reference server, with the VCL `<todo> edge
// varnish` writes (docs/edge.md, PROTOCOL §6-§8): public and private contexts
// kept at the edge, purged by xkey before each mutation answers (whichever
// way it came: through the edge, at the origin, over the WebSocket), never
// one user's data for another, junk params and cookie-setting answers
// passed, and PURGE refused to anyone but the origin.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, signedIn, type Todo } from './agent.js';
import { EdgeVarnish } from './edge.js';
import {
  aliceAndBob, expectForgedMwts, forgedMwts, freshAfterEdgeMutation, freshAfterOriginMutation, freshUnderConcurrentReads, Freshness,
  junkParamsPass, kept, label, missThenHit, mwt, neverHerTodo, nothingAfterSignOut, scopedPurge, todoOf, todoWith,
  type AliceAndBob,
} from './edge-shared.js';
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

const freshness = new Freshness('varnish');

describe('public contexts', () => {
  it('are a miss, then a hit served by Varnish alone, without xkey', async () => {
    const anon = new Agent(edge.origin);
    for (const [name, query] of [['leaderboard', 'limit=5'], ['stats', '']] as const) {
      const { miss, hit } = await missThenHit(anon, name, query, 'xkey');
      // The stored answer: the origin's X-Mizan-Cache of the miss, and
      // X-Varnish naming this request and the one that fetched it.
      expect(hit.header('X-Mizan-Cache')).toBe(miss.header('X-Mizan-Cache'));
      expect(hit.header('X-Varnish')).toMatch(/^\d+ \d+$/);
      const head = await anon.request(`/api/mizan/ctx/${name}/${query ? `?${query}` : ''}`, { method: 'HEAD' });
      expect(label(head)).toBe('hit');
    }
  });

  it('junk params pass and make no entry; the canonical entry still hits', () => junkParamsPass(edge.origin));

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

  it('a mutation through the edge: the next read of stats is fresh', () => freshAfterEdgeMutation(freshness, alice));

  it('the read after each mutation is fresh while others keep reading through the edge', () =>
    freshUnderConcurrentReads(alice, edge.origin));

  it('a mutation at the origin: the next read of the todo is fresh', () =>
    freshAfterOriginMutation(freshness, alice, server.origin, a));

  it('scoped: toggling A purges A only; B is still a hit', () => scopedPurge(freshness, alice, a, b));

  it('a WebSocket mutation (at the origin, and piped through Varnish) leaves no stale todo', async () => {
    for (const via of ['the origin', 'Varnish'] as const) {
      const before = todoOf(await kept(alice, 'todo', `id=${b.id}`)).done;
      const target = via === 'Varnish' ? Object.assign(Object.create(server) as TodoServer, { port: edge.port }) : server;
      const socket = await connect(target, { cookie: alice.cookieHeader(), origin: server.origin, name: 'alice' });
      await freshness.after(`toggle_todo over the WebSocket via ${via}`, async () => {
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

  afterAll(() => freshness.report());
});

describe('private data never crosses users', () => {
  let u: AliceAndBob;
  beforeAll(async () => {
    u = await aliceAndBob(edge.origin);
  });

  it("another user's request for the same todo is never a hit and never her body", () => neverHerTodo(u));

  it('forged and respelled MWTs are other keys (misses); expired and garbage ones pass', async () => {
    const { alice, aliceUser, bob, secret, aliceMwt } = u;
    await kept(alice, 'todo', `id=${secret.id}`);
    const { altered, respelled } = forgedMwts(aliceMwt);
    const sub = String(aliceUser.id);
    const now = Math.floor(Date.now() / 1000);
    await expectForgedMwts(edge.origin, u, {
      altered: [altered, 'miss'],
      respelled: [respelled, 'miss'],
      'other key': [mwt({ sub, exp: now + 3600 }, 'not the secret'), 'miss'],
      're-signed': [mwt({ sub, exp: now + 3600 }, mwtSecret), 'miss'],
      padded: [`${aliceMwt}=`, 'pass'],
      expired: [mwt({ sub, exp: now - 10 }, mwtSecret), 'pass'],
      garbage: ['mwt1.garbage.garbage', 'pass'],
      empty: ['', 'pass'],
    }, 2);
    const bobSession = `mizan_session=${bob.jar.get('mizan_session')}`;
    // Her token twice in one header: which one would the origin read? Passed.
    const twice = await todoWith(edge.origin, `mizan_mwt=${aliceMwt}; ${bobSession}; mizan_mwt=${aliceMwt}`, secret.id);
    expect(label(twice)).toBe('pass');
    // The control: her very token is her key, the entry she stored.
    const own = await todoWith(edge.origin, `mizan_mwt=${aliceMwt}`, secret.id);
    expect(label(own)).toBe('hit');
    expect(todoOf(own).title).toBe('alice secret');
  });

  it("after sign-out, the old cookies get none of the user's cached data", () => nothingAfterSignOut(edge.origin));
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
