// The Worker template (src/edge/worker/worker.js) in Node, against a stub
// origin: what it keys and keeps, the MWT check (PROTOCOL §7), the purge
// endpoint, and the store's bounds.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadWorker, type Env, type Loaded, type Policy } from './load-worker.js';

const int = '(?:0|-?[1-9][0-9]{0,15})';
const policy: Policy = {
  prefix: '/api/mizan',
  mwt_cookie: 'mizan_mwt',
  purge_path: '/__mizan/purge',
  contexts: [
    { name: 'admin', path: '/api/mizan/ctx/admin/', ttl: 0, private: false, rev: 0, cacheable: false,
      canonical_query: '^$' },
    { name: 'leaderboard', path: '/api/mizan/ctx/leaderboard/', ttl: 5, private: false, rev: 0, cacheable: true,
      canonical_query: `^(?:&limit=${int})?(?:&min_done=${int})?$` },
    { name: 'todo', path: '/api/mizan/ctx/todo/', ttl: 60, private: true, rev: 3, cacheable: true,
      canonical_query: `^(?:&id=${int})?$` },
  ],
};
const secret = 'mwt secret';
const token = 'purge token';
const env: Env = { MIZAN_MWT_SECRET: secret, MIZAN_PURGE_TOKEN: token, MIZAN_EDGE_STORE: 'memory' };
const ctx = { waitUntil: (): void => {} };
const base = 'http://edge.test';
const now = (): number => Math.floor(Date.now() / 1000);

function mwt(claims: unknown, key = secret): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `mwt1.${payload}.${createHmac('sha256', key).update(`mwt1.${payload}`).digest('base64url')}`;
}

/** The stub origin: counts calls, answers what `answer` makes of the request. */
let calls: Request[] = [];
let answer: (r: Request) => Response | Promise<Response>;
function origin(r: Request): Response {
  const user = /mizan_mwt=([^;]+)/.exec(r.headers.get('Cookie') ?? '')?.[1] ?? '';
  return new Response(JSON.stringify({ n: calls.length, url: r.url, user }), {
    headers: { 'Content-Type': 'application/json', ETag: `"v${calls.length}"`, 'Cache-Tag': 'mz:todo,MZ:Leaderboard' },
  });
}

let w: Loaded;
beforeEach(async () => {
  w = await loadWorker(policy);
  calls = [];
  answer = origin;
  vi.stubGlobal('fetch', async (r: Request) => {
    calls.push(r);
    return answer(r);
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

async function get(path: string, headers: Record<string, string> = {}, e: Env = env): Promise<Response> {
  return w.worker.fetch(new Request(base + path, { headers }), e, ctx);
}
const edge = (r: Response): string | null => r.headers.get('X-Mizan-Edge');
const board = '/api/mizan/ctx/leaderboard/';

describe('strict base64url and the MWT', () => {
  it('decodes only the one canonical unpadded spelling', () => {
    expect(w.base64urlDecode('AQID')).toEqual(new Uint8Array([1, 2, 3]));
    expect(w.base64urlDecode('_-8')).toEqual(new Uint8Array([255, 239]));
    for (const bad of ['AQ==', 'AQ=', 'AQI+', 'AQI/', 'A', 'AQ I', 'AR', 'AQJ', '@@@@'])
      expect(w.base64urlDecode(bad), bad).toBeNull();
  });

  it('accepts a valid token only: signature, spelling, parts, claims, expiry', async () => {
    const good = mwt({ sub: '7', exp: now() + 60 });
    expect(await w.mwtSubject(good, secret, now())).toBe('7');
    const [p, payload, sig] = good.split('.') as [string, string, string];
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = sig.slice(0, -1) + last[last.indexOf(sig.at(-1)!) ^ 1]; // same bytes, unused bits set
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    const altered = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    for (const bad of [
      `${p}.${payload}.${respelled}`, `${p}.${payload}.${altered}`, `${p}.${payload}.${sig}=`,
      `mwt2.${payload}.${sig}`, `${good}.x`, `${p}.${payload}`, '', 'garbage',
      mwt({ sub: '7', exp: now() + 60 }, 'another secret'), mwt({ sub: '7', exp: now() - 1 }),
      mwt({ sub: '7', exp: now() }), mwt({ sub: '', exp: now() + 60 }), mwt({ sub: 7, exp: now() + 60 }),
      mwt({ sub: '7', exp: now() + 60.5 }), mwt({ sub: '7', exp: String(now() + 60) }), mwt({ sub: '7' }),
      mwt([{ sub: '7', exp: now() + 60 }]), mwt(null),
    ]) {
      expect(await w.mwtSubject(bad, secret, now()), bad).toBeNull();
    }
    expect(await w.mwtSubject(good, '', now())).toBeNull();
  });

  it('reads one cookie; a name sent twice is ambiguous', () => {
    expect(w.cookie('a=1; mizan_mwt=x.y.z; b=2', 'mizan_mwt')).toBe('x.y.z');
    expect(w.cookie('mizan_mwt=a; mizan_mwt=b', 'mizan_mwt')).toBeNull();
    expect(w.cookie('xmizan_mwt=a', 'mizan_mwt')).toBeNull();
    expect(w.cookie(null, 'mizan_mwt')).toBeNull();
  });

  it('compares secrets whole', async () => {
    expect(await w.sameSecret('abc', 'abc')).toBe(true);
    for (const other of ['abd', 'ab', 'abcd', '']) expect(await w.sameSecret(other, 'abc')).toBe(false);
  });
});

describe('public contexts', () => {
  it('a canonical GET is a miss then a hit without Cache-Tag; If-None-Match gets a 304', async () => {
    const miss = await get(`${board}?limit=5`);
    expect(edge(miss)).toBe('miss');
    expect(miss.headers.has('Cache-Tag')).toBe(false);
    const body = await miss.text();
    const hit = await get(`${board}?limit=5`);
    expect(edge(hit)).toBe('hit');
    expect(await hit.text()).toBe(body);
    expect(calls).toHaveLength(1);
    const notModified = await get(`${board}?limit=5`, { 'If-None-Match': miss.headers.get('ETag')! });
    expect(notModified.status).toBe(304);
    expect(w.entries.size).toBe(1);
  });

  it('passes junk queries, other methods, Authorization and other paths, and keeps nothing', async () => {
    const junk = ['limit=5&utm_source=x', 'limit=05', 'min_done=1&limit=5', 'limit=%35', 'limit=5&limit=5', 'limit=5&'];
    for (const q of junk)
      expect(edge(await get(`${board}?${q}`)), q).toBe('pass');
    expect(edge(await get(board, { Authorization: 'Bearer x' }))).toBe('pass');
    expect(edge(await get('/api/mizan/ctx/leaderboard'))).toBe('pass');
    expect(edge(await get('/api/mizan/ctx/admin/'))).toBe('pass');
    const post = await w.worker.fetch(new Request(base + board, { method: 'POST', body: '{}' }), env, ctx);
    expect(edge(post)).toBe('pass');
    expect(post.headers.has('Cache-Tag')).toBe(false);
    expect(w.entries.size).toBe(0);
  });

  it('keeps only a 200 with Cache-Tag, no Set-Cookie, and no purge during the fetch', async () => {
    const cases: [string, () => Response | Promise<Response>][] = [
      ['404', () => new Response('{}', { status: 404, headers: { 'Cache-Tag': 'mz:leaderboard' } })],
      ['untagged', () => new Response('{}')],
      ['Set-Cookie', () => new Response('{}', { headers: { 'Cache-Tag': 'mz:leaderboard', 'Set-Cookie': 'a=b' } })],
      ['purged meanwhile', async () => {
        await post({ tags: ['mz:unrelated'] });
        return new Response('{}', { headers: { 'Cache-Tag': 'mz:leaderboard' } });
      }],
    ];
    for (const [what, make] of cases) {
      answer = make;
      expect(edge(await get(board)), what).toBe('miss');
      expect(w.entries.size, what).toBe(0);
    }
  });

  it('concurrent misses of one key fetch once, unless a purge ran since that fetch began', async () => {
    let release = (): void => {};
    const held = new Promise<void>((r) => (release = r));
    answer = async (r) => {
      await held;
      return origin(r);
    };
    const first = Array.from({ length: 10 }, () => get(board));
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.length).toBe(1);
    release();
    const answers = await Promise.all(first);
    expect(calls.length).toBe(1);
    expect(new Set(await Promise.all(answers.map((a) => a.text()))).size).toBe(1);
    expect(answers.map(edge)).toEqual(Array(10).fill('miss'));

    // A purge while a fetch is in flight: later misses do not join it.
    await post({ tags: ['mz:leaderboard'] });
    let releaseOld = (): void => {};
    const heldOld = new Promise<void>((r) => (releaseOld = r));
    answer = async (r) => {
      await heldOld;
      return origin(r);
    };
    const old = get(board);
    await new Promise((r) => setTimeout(r, 10));
    await post({ tags: ['mz:unrelated'] });
    answer = origin;
    const fresh = await get(board);
    expect(calls.length).toBe(3);
    releaseOld();
    expect(edge(await old)).toBe('miss');
    expect(edge(fresh)).toBe('miss');
  });

  it('an expired entry is a miss', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await get(board);
    vi.advanceTimersByTime(4_900);
    expect(edge(await get(board))).toBe('hit');
    vi.advanceTimersByTime(200);
    expect(edge(await get(board))).toBe('miss');
  });
});

describe('private contexts', () => {
  const todo = '/api/mizan/ctx/todo/?id=5';
  const cookieOf = (sub: string): Record<string, string> => ({ Cookie: `mizan_mwt=${mwt({ sub, exp: now() + 60 })}` });

  it('are keyed by the MWT user and never cross users', async () => {
    expect(edge(await get(todo, cookieOf('1')))).toBe('miss');
    const alice = await (await get(todo, cookieOf('1'))).json();
    expect(edge(await get(todo, cookieOf('2')))).toBe('miss');
    const bob = await get(todo, cookieOf('2'));
    expect(edge(bob)).toBe('hit');
    expect(await bob.json()).not.toEqual(alice);
    expect([...w.entries.keys()].sort()).toEqual(['todo\n3\nid=5\nuser:1', 'todo\n3\nid=5\nuser:2']);
  });

  it('pass without a valid token', async () => {
    await get(todo, cookieOf('1'));
    for (const cookie of ['', 'mizan_mwt=garbage', `mizan_mwt=${mwt({ sub: '1', exp: now() - 5 })}`,
      `mizan_mwt=${mwt({ sub: '1', exp: now() + 60 }, 'forged')}`,
      `${cookieOf('1')['Cookie']}; ${cookieOf('2')['Cookie']}`]) {
      expect(edge(await get(todo, { Cookie: cookie })), cookie).toBe('pass');
    }
    expect(edge(await get(todo, cookieOf('1'), { ...env, MIZAN_MWT_SECRET: null }))).toBe('pass');
  });
});

async function post(body: unknown, auth = `Bearer ${token}`, e: Env = env): Promise<Response> {
  const init: RequestInit = { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' } };
  init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return w.worker.fetch(new Request(`${base}/__mizan/purge`, init), e, ctx);
}

describe('the purge endpoint', () => {
  it("purges every entry carrying a tag, case-insensitively, in Cloudflare's answer shape", async () => {
    await get(board);
    await get(`${board}?limit=5`);
    const r = await post({ tags: ['mz:LEADERBOARD'] });
    expect(r.status).toBe(200);
    type Answer = { success: boolean; errors: unknown[]; messages: unknown[]; result: { id: string } };
    const body = (await r.json()) as Answer;
    expect(body).toMatchObject({ success: true, errors: [], messages: [] });
    expect(body.result.id).toMatch(/^[0-9a-f]{32}$/);
    expect(w.entries.size).toBe(0);
    expect(w.tagIndex.size).toBe(0);
  });

  it('refuses a wrong or missing token, and any token when none is configured', async () => {
    for (const auth of ['Bearer wrong', '', token, `Bearer ${token}x`, `bearer ${token}`])
      expect((await post({ tags: ['a'] }, auth)).status, auth).toBe(403);
    for (const configured of [null, ''])
      expect((await post({ tags: ['a'] }, 'Bearer ', { ...env, MIZAN_PURGE_TOKEN: configured })).status).toBe(403);
    expect((await post({ tags: ['a'] }, `Bearer ${token}`, { ...env, MIZAN_PURGE_TOKEN: null })).status).toBe(403);
  });

  it('refuses malformed bodies with 400', async () => {
    for (const body of ['not json', '[]', '{}', '{"tags":"a"}', '{"tags":[]}', '{"tags":[1]}', '{"tags":[""]}',
      JSON.stringify({ tags: Array.from({ length: 1001 }, (_, i) => `t${i}`) }),
      JSON.stringify({ tags: ['é'.repeat(513)] })]) {
      expect((await post(body)).status, body.slice(0, 40)).toBe(400);
    }
    expect((await post({ tags: Array.from({ length: 1000 }, (_, i) => `t${i}`) })).status).toBe(200);
    expect((await post({ tags: ['x'.repeat(1024)] })).status).toBe(200);
    const get405 = await w.worker.fetch(new Request(`${base}/__mizan/purge`), env, ctx);
    expect(get405.status).toBe(405);
  });
});

describe('the store', () => {
  const entry = (bytes: number, tags = ['t']): { body: ArrayBuffer; tags: string[]; expires: number } => ({
    body: new ArrayBuffer(bytes), tags, expires: Date.now() + 60_000,
  });

  it('holds at most MAX_ENTRIES, dropping the least recently used', () => {
    for (let i = 0; i <= w.MAX_ENTRIES; i++) w.keep(`k${i}`, entry(1, [`t${i}`]));
    expect(w.entries.size).toBe(w.MAX_ENTRIES);
    expect(w.entries.has('k0')).toBe(false);
    expect(w.tagIndex.has('t0')).toBe(false);
  });

  it('holds at most MAX_BYTES of bodies and never one larger', () => {
    const mib = 1024 * 1024;
    for (let i = 0; i < 70; i++) w.keep(`k${i}`, entry(mib));
    expect(w.storedBytes()).toBeLessThanOrEqual(w.MAX_BYTES);
    expect(w.entries.has('k69')).toBe(true);
    w.keep('huge', entry(w.MAX_BYTES + 1));
    expect(w.entries.has('huge')).toBe(false);
  });
});

describe('MIZAN_EDGE_STORE=cache', () => {
  it("keeps entries in caches.default with the Cache-Tag and the context's max-age", async () => {
    const puts = new Map<string, Response>();
    vi.stubGlobal('caches', {
      default: {
        match: async (url: string) => puts.get(url)?.clone(),
        put: async (url: string, r: Response) => void puts.set(url, r),
      },
    });
    const cacheEnv: Env = { ...env, MIZAN_EDGE_STORE: 'cache' };
    const miss = await get(`${board}?limit=5`, {}, cacheEnv);
    expect(edge(miss)).toBe('miss');
    expect(miss.headers.has('Cache-Tag')).toBe(false);
    const [url, stored] = [...puts][0]!;
    expect(url).toBe(`${base}/__mizan/purge/entry/${encodeURIComponent('leaderboard\n0\nlimit=5\npublic')}`);
    expect(stored.headers.get('Cache-Control')).toBe('max-age=5');
    expect(stored.headers.get('Cache-Tag')).toBe('mz:todo,MZ:Leaderboard');
    expect(edge(await get(`${board}?limit=5`, {}, cacheEnv))).toBe('hit');
    expect(w.entries.size).toBe(0);
    expect((await get('/__mizan/purge/entry/x')).status).toBe(404);
  });

  it('passes every request when there is no Cache API (workerd without a cache service)', async () => {
    const fail = async (): Promise<never> => {
      throw new Error('No Cache was configured');
    };
    vi.stubGlobal('caches', { default: { match: fail, put: fail } });
    const r = await get(`${board}?limit=5`, {}, { ...env, MIZAN_EDGE_STORE: 'cache' });
    expect(r.status).toBe(200);
    expect(edge(r)).toBe('pass');
    expect(r.headers.has('Cache-Tag')).toBe(false);
  });
});
