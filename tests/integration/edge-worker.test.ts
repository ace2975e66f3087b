// The Cloudflare Worker edge under workerd, in front of the reference server
// (docs/edge.md, PROTOCOL §6-§8): public and private contexts kept at the
// edge, purged by tag before each mutation answers (whichever way it came:
// through the edge, at the origin, over the WebSocket), never one user's data
// for another, junk params passed, and the purge endpoint's refusals.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, signedIn, type Todo } from './agent.js';
import {
  aliceAndBob, expectForgedMwts, forgedMwts, freshAfterEdgeMutation, freshAfterOriginMutation, freshUnderConcurrentReads, Freshness,
  junkParamsPass, kept, label, missThenHit, mwt, neverHerTodo, nothingAfterSignOut, scopedPurge, todoOf, todoWith,
  type AliceAndBob,
} from './edge-shared.js';
import { EdgeWorker } from './edge-worker.js';
import { freePort, startServer, type TodoServer } from './server.js';
import { closeAll, connect } from './ws.js';

const mwtSecret = `edge-mwt-${randomBytes(16).toString('hex')}`;
const purgeToken = randomBytes(24).toString('base64url');
let server: TodoServer;
let edge: EdgeWorker;

beforeAll(async () => {
  const port = await freePort();
  server = await startServer({
    MIZAN_EDGE_PURGE: `cloudflare=http://127.0.0.1:${port}/__mizan/purge`,
    MIZAN_EDGE_PURGE_TOKEN: purgeToken,
    MIZAN_MWT_SECRET: mwtSecret,
  });
  edge = new EdgeWorker(port, server.port, server.dataDir, { mwtSecret, purgeToken });
  await edge.start();
});
afterAll(async () => {
  await edge?.stop();
  await server?.dispose();
});
afterEach(closeAll);

const freshness = new Freshness('edge');

describe('public contexts', () => {
  it('are a miss, then a hit, without Cache-Tag', async () => {
    const anon = new Agent(edge.origin);
    for (const [name, query] of [['leaderboard', 'limit=5'], ['stats', '']] as const) {
      await missThenHit(anon, name, query, 'Cache-Tag');
    }
  });

  it('junk params pass and make no entry; the canonical entry still hits', () => junkParamsPass(edge.origin));
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

  it('a WebSocket mutation leaves no stale todo behind the edge', async () => {
    const before = todoOf(await kept(alice, 'todo', `id=${b.id}`)).done;
    const socket = await connect(server, { cookie: alice.cookieHeader(), name: 'alice' });
    await freshness.after('toggle_todo over the WebSocket', async () => {
      const answer = await socket.call('toggle_todo', { id: b.id });
      expect(answer.op, JSON.stringify(answer)).toBe('result');
    }, () => alice.context('todo', `id=${b.id}`), (r) => todoOf(r).done === !before);
  });

  afterAll(() => freshness.report());
});

describe('private data never crosses users', () => {
  let u: AliceAndBob;
  beforeAll(async () => {
    u = await aliceAndBob(edge.origin);
  });

  it("another user's request for the same todo is never a hit and never her body", () => neverHerTodo(u));

  it('forged, respelled, expired and garbage MWTs are passed to the origin', async () => {
    const { alice, aliceUser, secret, aliceMwt } = u;
    await kept(alice, 'todo', `id=${secret.id}`);
    const { altered, respelled } = forgedMwts(aliceMwt);
    const sub = String(aliceUser.id);
    await expectForgedMwts(edge.origin, u, {
      altered: [altered, 'pass'],
      respelled: [respelled, 'pass'],
      padded: [`${aliceMwt}=`, 'pass'],
      'other key': [mwt({ sub, exp: Math.floor(Date.now() / 1000) + 3600 }, 'not the secret'), 'pass'],
      expired: [mwt({ sub, exp: Math.floor(Date.now() / 1000) - 10 }, mwtSecret), 'pass'],
      garbage: ['mwt1.garbage.garbage', 'pass'],
    }, 1);
    // The control: a token signed with the right secret and a future exp is Alice's key.
    const valid = mwt({ sub, exp: Math.floor(Date.now() / 1000) + 3600 }, mwtSecret);
    expect(label(await todoWith(edge.origin, `mizan_mwt=${valid}`, secret.id))).toBe('hit');
  });

  it("after sign-out, the old cookies get none of the user's cached data", () => nothingAfterSignOut(edge.origin));
});

describe('the purge endpoint', () => {
  const purge = (auth: string, body: string): Promise<Response> =>
    fetch(edge.purgeUrl, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body,
    });

  it('refuses a wrong token (403) and a malformed body (400)', async () => {
    for (const auth of ['Bearer wrong', '', `Bearer ${purgeToken}x`, purgeToken]) {
      const r = await purge(auth, '{"tags":["mz:stats"]}');
      expect(r.status, auth).toBe(403);
      expect(await r.json()).toMatchObject({ success: false });
    }
    const tooMany = JSON.stringify({ tags: Array(1001).fill('t') });
    for (const body of ['not json', '{}', '{"tags":"mz:stats"}', '{"tags":[5]}', tooMany]) {
      expect((await purge(`Bearer ${purgeToken}`, body)).status, body.slice(0, 30)).toBe(400);
    }
  });

  it('purges by tag with the right token', async () => {
    const anon = new Agent(edge.origin);
    await kept(anon, 'stats');
    const r = await purge(`Bearer ${purgeToken}`, '{"tags":["MZ:STATS"]}');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ success: true, errors: [], messages: [] });
    expect(label(await anon.context('stats'))).toBe('miss');
  });
});

// Cloudflare's Cache API mode: workerd has no cache service here (the Cache
// API throws), so nothing is kept; what can be checked is that every request
// passes through and gets the origin's right answer.
describe('MIZAN_EDGE_STORE=cache under workerd', () => {
  let cacheEdge: EdgeWorker;
  beforeAll(async () => {
    cacheEdge = new EdgeWorker(await freePort(), server.port, server.dataDir, { mwtSecret, purgeToken }, 'cache');
    await cacheEdge.start();
  });
  afterAll(async () => {
    await cacheEdge?.stop();
  });

  it('passes requests through with the origin answers, and never mixes users', async () => {
    const { agent: dave } = await signedIn(cacheEdge.origin);
    const { agent: erin } = await signedIn(cacheEdge.origin);
    const todo = await dave.addTodo('dave via cache mode');
    for (let i = 0; i < 2; i++) {
      const board = await dave.context('leaderboard', 'limit=5');
      expect(board.status).toBe(200);
      expect(label(board)).toBe('pass');
      expect(board.header('Cache-Tag')).toBeNull();
      const own = await dave.context('todo', `id=${todo.id}`);
      expect(todoOf(own).title).toBe('dave via cache mode');
      expect(own.header('Cache-Control')).toBe('private, max-age=60');
      const other = await erin.context('todo', `id=${todo.id}`);
      expect(other.status).toBe(404);
    }
    expect(label(await dave.context('leaderboard', 'limit=05'))).toBe('pass');
    const toggled = await dave.ok<Todo>('toggle_todo', { id: todo.id });
    expect(todoOf(await dave.context('todo', `id=${todo.id}`)).done).toBe(toggled.done);
  });
});
