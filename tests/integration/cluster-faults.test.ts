// The cluster when something under it fails, under load (PostgreSQL only):
// Redis killed and restarted, Redis frozen, one instance SIGKILLed. Every
// request is answered within its deadline (200, or 503 with Retry-After only
// while the fault lasts; a POST in flight on a killed instance may fail at
// the transport or with 502/503), no acknowledged write is lost, nothing
// stale is read afterwards, and WebSocket clients are told to refetch.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client as Kernel, type ContextRef } from '../../packages/base/src/index.js';
import { Agent, password, Reply, signedIn, type Todo } from './agent.js';
import { instanceHeader, startCluster, type Cluster } from './cluster.js';
import type { TodoServer } from './server.js';
import { closeAll, connect, sleep, type Client } from './ws.js';

/** A request still unanswered after this long has hung (an ASan build on 2 cores). */
const deadline_ms = 5_000;
/** How soon after Redis is back every socket must have been told to refetch. */
const refetch_within_ms = 5_000;

let cluster: Cluster | undefined;
const running = (): Cluster => {
  if (!cluster) throw new Error('the cluster has not started');
  return cluster;
};
/** Stops the load of a test that failed half-way. */
let stopLoads: (() => Promise<unknown>)[] = [];

beforeAll(async () => void (cluster = await startCluster({ instances: 3 })), 120_000);
afterAll(async () => cluster?.stop(), 60_000);
afterEach(async (context) => {
  await Promise.all(stopLoads.map((stop) => stop()));
  stopLoads = [];
  if (context.task.result?.state === 'fail' && cluster) console.error(cluster.output().slice(-16_000));
  const c = cluster;
  if (!c) return;
  // A failed test must not leave Redis frozen or dead, or an instance down, for the next one.
  c.redis.thaw();
  if (!c.redis.running) await c.redis.start();
  for (const [i, s] of c.instances.entries()) if (!s.running) await c.restartInstance(i);
  await closeAll();
});

/** One request's fate: an answer or a failure; when it started and how long it took. */
interface Outcome { readonly what: string; readonly started: number; readonly ms: number; readonly reply?: Reply; readonly failure?: string }

/** GET, or POST `body` as a call, on `origin` as `agent`, giving up at the deadline. */
async function send(agent: Agent, origin: string, path: string, body?: unknown): Promise<Outcome> {
  const started = Date.now();
  const what = `${body === undefined ? 'GET' : 'POST'} ${origin}${path}`;
  const init: RequestInit = { signal: AbortSignal.timeout(deadline_ms) };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': agent.csrf };
    init.body = JSON.stringify(body);
  }
  try {
    const res = await agent.fetch(origin + path, init);
    return { what, started, reply: new Reply(res.status, res.headers, await res.text()), ms: Date.now() - started };
  } catch (e) {
    const failure = (e as Error).name === 'TimeoutError' ? `no answer within ${deadline_ms} ms` : `transport: ${String(e)}`;
    return { what, started, failure, ms: Date.now() - started };
  }
}

const describeOutcome = (o: Outcome): string =>
  `${o.what}: ${o.reply ? `${o.reply.status} after ${o.ms} ms: ${o.reply.text.slice(0, 160)}` : `${o.failure} (${o.ms} ms)`}`;

const todosOf = (o: Outcome): Todo[] => o.reply!.json<{ list_todos: Todo[] }>().list_todos;

/** The fault's window [start, end] (end Infinity while it lasts): a request that overlaps it is "during" it. */
interface Fault { start: number; end: number }

/**
 * `clients` signed-in users, each looping GET stats / GET todos / POST
 * add_todo, alternately through the load balancer and directly on one of
 * `direct`. With `postsMayFail`, a POST through the load balancer during the
 * fault may fail at the transport or with 502/503 (it was in flight on a
 * killed instance).
 */
async function startLoad(c: Cluster, direct: readonly TodoServer[], fault: Fault, postsMayFail = false) {
  const clients = 4;
  const agents = await Promise.all(Array.from({ length: clients }, async () => (await signedIn(c.origin)).agent));
  const acknowledged = agents.map(() => new Map<number, string>());
  const problems: string[] = [];
  const postFailures: string[] = [];
  let requests = 0;
  let unavailable = 0;
  let going = true;
  const inFault = (o: Outcome): boolean => o.started <= fault.end && o.started + o.ms >= fault.start;
  let slowest = 0; // the longest answer to a request started during the fault
  const loop = async (k: number): Promise<void> => {
    const agent = agents[k]!;
    for (let n = 0; going; n++) {
      const origin = n % 2 === 0 ? c.origin : direct[(n + k) % direct.length]!.origin;
      const title = `load ${k} ${n}`;
      for (const step of [0, 1, 2]) {
        const o =
          step === 0 ? await send(agent, origin, '/api/mizan/ctx/stats/')
          : step === 1 ? await send(agent, origin, '/api/mizan/ctx/todos/')
          : await send(agent, origin, '/api/mizan/call/add_todo/', { title });
        requests += 1;
        if (inFault(o)) slowest = Math.max(slowest, o.ms);
        const status = o.reply?.status;
        if (status === 200) {
          if (step === 2) acknowledged[k]!.set(o.reply!.json<{ result: Todo }>().result.id, title);
        } else if (status === 503 && /^\d+$/.test(o.reply!.header('Retry-After') ?? '') && inFault(o)) {
          unavailable += 1;
        } else if (postsMayFail && step === 2 && origin === c.origin && inFault(o) && (!o.reply || status === 502 || status === 503)) {
          postFailures.push(describeOutcome(o));
        } else {
          const via = origin === c.origin ? 'through the load balancer' : 'direct';
          problems.push(`${inFault(o) ? 'during' : 'outside'} the fault (at ${o.started - fault.start} ms), ${via}: ${describeOutcome(o)}`);
        }
      }
    }
  };
  const loops = agents.map((_, k) => loop(k));
  const stop = async () => {
    going = false;
    await Promise.all(loops);
    return { requests, unavailable, postFailures, problems, agents, acknowledged, slowest };
  };
  stopLoads.push(stop);
  return { stop };
}

type LoadResult = Awaited<ReturnType<Awaited<ReturnType<typeof startLoad>>['stop']>>;

/** Checks the load's outcome and that every acknowledged todo is listed, read on every instance. */
async function checkLoad(c: Cluster, r: LoadResult): Promise<void> {
  console.log(
    `${r.requests} requests, ${r.unavailable} × 503 during the fault, ${r.postFailures.length} failed POSTs in flight, ` +
      `slowest answer during the fault ${r.slowest} ms${r.postFailures.map((f) => `\n  failed POST: ${f}`).join('')}`,
  );
  expect.soft(r.problems, r.problems.slice(0, 10).join('\n')).toEqual([]);
  for (const [k, agent] of r.agents.entries()) {
    expect.soft(r.acknowledged[k]!.size, `client ${k} had nothing acknowledged`).toBeGreaterThan(0);
    for (const s of c.instances) {
      const o = await send(agent, s.origin, '/api/mizan/ctx/todos/');
      expect(o.reply?.status, describeOutcome(o)).toBe(200);
      const stored = new Map(todosOf(o).map((t) => [t.id, t.title]));
      const lost = [...r.acknowledged[k]!].filter(([id, title]) => stored.get(id) !== title);
      expect.soft(lost, `client ${k}: acknowledged todos missing on ${s.origin}`).toEqual([]);
    }
  }
}

/** One anonymous socket directly on each instance; resolves once each is served. */
async function socketsOnEach(c: Cluster): Promise<Client[]> {
  const sockets = await Promise.all(c.instances.map((s, i) => connect(s, { name: `anonymous on i${i}`, origin: c.origin })));
  for (const s of sockets) await s.ping();
  return sockets;
}

/** Waits until every socket has received `{"op":"refetch"}` at or after frame `from[k]`; the slowest wait. */
async function refetchedAll(sockets: Client[], from: number[], since: number): Promise<number> {
  const at = await Promise.all(
    sockets.map((s, k) =>
      s.next((f) => f.op === 'refetch', 'refetch after Redis came back', from[k], refetch_within_ms).then(() => Date.now()),
    ),
  );
  return Math.max(...at) - since;
}

/** The leaderboard (cached 5 s); each test its own `limit`, so its own cache entry. */
const boardPath = (limit: number): string => `/api/mizan/ctx/leaderboard/?limit=${limit}&min_done=1`;
const todoPath = (id: number): string => `/api/mizan/ctx/todo/?id=${id}`;

/** `username`'s count in the leaderboard (cached 5 s) as `s` serves it to `agent`. */
async function boardRow(agent: Agent, s: TodoServer, username: string, limit = 100): Promise<number | undefined> {
  const o = await send(agent, s.origin, boardPath(limit));
  expect(o.reply?.status, describeOutcome(o)).toBe(200);
  return o.reply!.json<{ leaderboard: { username: string; done: number }[] }>().leaderboard.find((r) => r.username === username)?.done;
}

/** Whether todo `id` (cached 60 s) is done, as `s` serves it to `agent`. */
async function isDone(agent: Agent, s: TodoServer, id: number): Promise<boolean> {
  const o = await send(agent, s.origin, todoPath(id));
  expect(o.reply?.status, describeOutcome(o)).toBe(200);
  return o.reply!.json<{ get_todo: Todo }>().get_todo.done;
}

describe('Redis fails under load', () => {
  it('killed for 2 s: reads and writes go on; afterwards nothing is stale and every socket is told to refetch', async () => {
    const c = running();
    const fault: Fault = { start: Infinity, end: Infinity };
    const ann = await signedIn(c.origin);
    const todo = await ann.agent.addTodo('toggled during the outage');
    for (const s of c.instances) expect(await isDone(ann.agent, s, todo.id)).toBe(false);
    const sockets = await socketsOnEach(c);
    const load = await startLoad(c, c.instances, fault);
    await sleep(1000);
    fault.start = Date.now();
    await c.redis.kill();
    await sleep(300);
    const toggled = await send(ann.agent, c.instances[1]!.origin, '/api/mizan/call/toggle_todo/', { id: todo.id });
    expect(toggled.reply?.status, describeOutcome(toggled)).toBe(200);
    // While Redis is down: a write through each instance is acknowledged, reads are computed.
    const during: string[] = [];
    for (const s of c.instances) {
      const title = `during the outage via ${s.port}`;
      const o = await send(ann.agent, s.origin, '/api/mizan/call/add_todo/', { title });
      expect(o.reply?.status, describeOutcome(o)).toBe(200);
      during.push(title);
      const read = await send(ann.agent, s.origin, '/api/mizan/ctx/todos/');
      expect(read.reply?.status, describeOutcome(read)).toBe(200);
      expect(todosOf(read).map((t) => t.title).slice(1)).toEqual(during);
    }
    await sleep(2000 - (Date.now() - fault.start));
    const from = sockets.map((s) => s.frames.length);
    await c.redis.start();
    const restartedAt = Date.now();
    fault.end = restartedAt;
    const refetchMs = await refetchedAll(sockets, from, restartedAt);
    console.log(`Redis restarted: every socket told to refetch within ${refetchMs} ms`);
    for (const s of c.instances) {
      const read = await send(ann.agent, s.origin, '/api/mizan/ctx/todos/');
      expect(read.reply?.status, describeOutcome(read)).toBe(200);
      expect(todosOf(read).map((t) => t.title), `on ${s.origin} after the restart`).toEqual(['toggled during the outage', ...during]);
      expect(await isDone(ann.agent, s, todo.id), `todo ${todo.id} on ${s.origin} after the restart`).toBe(true);
      expect(await boardRow(ann.agent, s, ann.user.username), `leaderboard on ${s.origin} after the restart`).toBe(1);
    }
    // Pushes cross instances again: a write through i0 reaches the sockets on i1 and i2.
    const before = sockets.map((s) => s.frames.length);
    await send(ann.agent, c.instances[0]!.origin, '/api/mizan/call/add_todo/', { title: 'after the restart' });
    await Promise.all(sockets.slice(1).map((s, k) => s.next((f) => f.op === 'invalidate', 'push after the restart', before[k + 1])));
    await sleep(1000);
    await checkLoad(c, await load.stop());
  }, 90_000);

  it('frozen for 3 s: requests answered in time; a value invalidated during the freeze is never served after the thaw', async () => {
    const c = running();
    const fault: Fault = { start: Infinity, end: Infinity };
    const ann = await signedIn(c.origin);
    const todo = await ann.agent.addTodo('toggled during the freeze');
    const sockets = await socketsOnEach(c);
    const load = await startLoad(c, c.instances, fault);
    // Cached on every instance before the freeze (the todo for 60 s, the leaderboard for 5 s).
    const board = (s: TodoServer): Promise<number | undefined> => boardRow(ann.agent, s, ann.user.username, 99);
    const done = (s: TodoServer): Promise<boolean> => isDone(ann.agent, s, todo.id);
    for (const s of c.instances) {
      expect(await done(s)).toBe(false);
      expect(await board(s)).toBeUndefined();
    }
    // Both are served from the cache now (else the check after the thaw would prove nothing).
    for (const path of [todoPath(todo.id), boardPath(99)]) {
      const o = await send(ann.agent, c.instances[2]!.origin, path);
      expect(o.reply?.header('X-Mizan-Cache'), `${path}: ${describeOutcome(o)}`).toBe('hit');
    }
    await sleep(500);
    fault.start = Date.now();
    c.redis.freeze();
    let toggled: Outcome;
    const duringReads: Outcome[] = [];
    let from: number[];
    try {
      toggled = await send(ann.agent, c.instances[0]!.origin, '/api/mizan/call/toggle_todo/', { id: todo.id });
      for (const s of c.instances) duringReads.push(await send(ann.agent, s.origin, todoPath(todo.id)));
      await sleep(3000 - (Date.now() - fault.start));
    } finally {
      from = sockets.map((s) => s.frames.length);
      c.redis.thaw();
    }
    const thawedAt = Date.now();
    fault.end = thawedAt;
    expect(toggled.reply?.status, describeOutcome(toggled)).toBe(200);
    console.log(`during the freeze: toggle_todo answered in ${toggled.ms} ms, reads in ${duringReads.map((o) => o.ms).join(', ')} ms`);
    for (const o of duringReads) {
      expect(o.reply?.status, describeOutcome(o)).toBe(200);
      expect(o.reply!.json<{ get_todo: Todo }>().get_todo.done, describeOutcome(o)).toBe(true);
    }
    // For 2 s after the thaw, every instance serves the toggled state, never the one cached before.
    const stale: string[] = [];
    while (Date.now() - thawedAt < 2000) {
      for (const [i, s] of c.instances.entries()) {
        if (!(await done(s))) stale.push(`i${i}: todo ${todo.id} not done ${Date.now() - thawedAt} ms after the thaw`);
        const row = await board(s);
        if (row !== 1) stale.push(`i${i}: leaderboard done=${row} ${Date.now() - thawedAt} ms after the thaw`);
      }
    }
    expect.soft(stale, stale.slice(0, 10).join('\n')).toEqual([]);
    const refetchMs = await refetchedAll(sockets, from, thawedAt);
    console.log(`Redis thawed: every socket told to refetch within ${refetchMs} ms`);
    await sleep(500);
    await checkLoad(c, await load.stop());
  }, 90_000);
});

const todosRef: ContextRef<{ list_todos: Todo[] }, Record<string, never>> = { context: 'todos', private: true };

/** A browser with the client kernel over the load balancer, its WebSocket recorded. */
function kernelBrowser(c: Cluster, agent: Agent) {
  const sockets: { instance: string | undefined; opened: number; closed?: number; code?: number }[] = [];
  class Recorded extends WebSocket {
    constructor(url: string, protocol: string) {
      super(url, protocol, { origin: c.origin, headers: { Cookie: agent.cookieHeader() } });
      const entry: (typeof sockets)[number] = { instance: undefined, opened: 0 };
      sockets.push(entry);
      this.once('upgrade', (res) => (entry.instance = res.headers[instanceHeader] as string | undefined));
      this.once('open', () => (entry.opened = Date.now()));
      this.once('close', (code) => Object.assign(entry, { closed: Date.now(), code }));
    }
  }
  const kernel: Kernel = createClient({
    baseUrl: c.origin,
    fetch: agent.fetch,
    broadcast: false,
    refetchOnFocus: false,
    refetchOnReconnect: false,
    websocket: { WebSocket: Recorded as unknown as new (url: string, protocol: string) => globalThis.WebSocket, ping: 5_000 },
  });
  const obs = kernel.observe(todosRef, {});
  const unsubscribe = obs.subscribe(() => {});
  const titles = (): string[] | undefined => obs.getSnapshot().data?.list_todos.map((t) => t.title);
  return { kernel, sockets, titles, destroy: () => (unsubscribe(), obs.destroy(), kernel.destroy()) };
}

/** Polls `check` every 20 ms until it holds; throws `what` after `ms`. */
async function until(what: () => string, check: () => boolean, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !check(); await sleep(20)) if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
}

describe('an instance SIGKILLed under load', () => {
  it('the load balancer keeps answering, no acknowledged write is lost, its WebSocket clients reconnect and refetch', async () => {
    const c = running();
    // Kernel clients through the load balancer, one a user, until one's socket is on each instance.
    const browsers: { agent: Agent; b: ReturnType<typeof kernelBrowser> }[] = [];
    try {
      const on = new Set<string>();
      for (let n = 0; n < 9 && on.size < 3; n++) {
        const { agent } = await signedIn(c.origin);
        const b = kernelBrowser(c, agent);
        browsers.push({ agent, b });
        await until(() => 'first load and socket', () => b.titles() !== undefined && (b.sockets[0]?.opened ?? 0) > 0);
        on.add(b.sockets[0]!.instance ?? '?');
      }
      const victim = 1;
      const name = `i${victim}`;
      const onVictim = browsers.filter((x) => x.b.sockets[0]!.instance === name);
      expect(onVictim.length, `no kernel socket landed on ${name}`).toBeGreaterThan(0);
      const fault: Fault = { start: Infinity, end: Infinity };
      const survivors = c.instances.filter((_, i) => i !== victim);
      // Another session of each of their users, on a surviving instance.
      const others = await Promise.all(
        onVictim.map(async ({ agent }, k) => {
          const other = new Agent(survivors[k % survivors.length]!.origin);
          await other.login((await agent.session()).user!.username, password);
          return other;
        }),
      );
      const load = await startLoad(c, survivors, fault, true);
      await sleep(1000);
      fault.start = Date.now();
      await c.killInstance(victim);
      // Written at once: the kernels reconnect after 0.5-1 s of backoff, so they miss the push.
      const whileAway = await Promise.all(
        others.map(async (other, k) => {
          const title = `while disconnected ${k}`;
          await other.addTodo(title);
          return { title, at: Date.now() };
        }),
      );
      for (const [k, { b }] of onVictim.entries()) {
        await until(
          () => `kernel ${k} to reconnect and list ${whileAway[k]!.title}: sockets ${JSON.stringify(b.sockets)}, titles ${b.titles()}`,
          () => b.sockets.length > 1 && b.sockets.at(-1)!.opened > 0 && (b.titles() ?? []).includes(whileAway[k]!.title),
        );
        const first = b.sockets[0]!;
        expect(first.closed, 'the socket on the killed instance saw no close').toBeDefined();
        expect(b.sockets.at(-1)!.instance).not.toBe(name);
        expect(whileAway[k]!.at, 'the write was not made while the kernel was disconnected').toBeLessThan(b.sockets[1]!.opened);
        console.log(
          `kernel ${k}: closed ${first.closed! - fault.start} ms after the kill (code ${first.code}), reopened on ${b.sockets.at(-1)!.instance} ` +
            `${b.sockets.at(-1)!.opened - first.closed!} ms later; the write was answered ${whileAway[k]!.at - first.closed!} ms after the close`,
        );
        // The reconnected socket gets pushes: a write by the same user through another instance.
        const title = `after reconnecting ${k}`;
        await browsers.find((x) => x.b === b)!.agent.addTodo(title);
        await until(() => `kernel ${k} to show ${title}`, () => (b.titles() ?? []).includes(title), 5_000);
      }
      await c.waitDown(victim);
      fault.end = Date.now();
      await c.restartInstance(victim);
      await c.waitHealthy('all');
      await sleep(1000);
      await checkLoad(c, await load.stop());
      // The kernels' final state matches the database, read fresh through every instance, the restarted one too.
      for (const [k, { agent, b }] of browsers.entries()) {
        for (const s of c.instances) {
          const o = await send(agent, s.origin, '/api/mizan/ctx/todos/');
          expect(o.reply?.status, describeOutcome(o)).toBe(200);
          await until(() => `kernel ${k} to match ${s.origin}`, () => JSON.stringify(b.titles()) === JSON.stringify(todosOf(o).map((t) => t.title)), 5_000);
        }
      }
    } finally {
      for (const { b } of browsers) b.destroy();
    }
  }, 90_000);
});

