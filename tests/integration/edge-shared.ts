// What the edge tests share: the life of an edge process in front of a test
// server (varnishd in edge.ts, workerd in edge-worker.ts), and the helpers
// and checks both edges answer alike (edge-varnish.test.ts,
// edge-worker.test.ts, edge-faults.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Agent, signedIn, type Reply, type Todo, type User } from './agent.js';
import { runTodo } from './server.js';

/** How long an edge may take to compile its configuration and listen. */
const startupTimeoutMs = 30_000;
/** How long a stopped edge may take to exit before SIGKILL. */
export const stopTimeoutMs = 10_000;
const maxOutputChars = 64 * 1024;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * One edge process serving on `port` in front of the test server, with its
 * own temporary directory; subclasses say what to run and how to tell that
 * it answers.
 */
export abstract class EdgeProcess {
  readonly dir: string;
  protected child: ChildProcess | undefined;
  /** Settles when the last spawned process exits. */
  protected exited: Promise<void> = Promise.resolve();
  private out = '';

  /**
   * @param program its name in messages (varnishd, workerd)
   * @param dirPrefix the temporary directory's prefix
   * @param port where it listens (chosen first: the origin's MIZAN_EDGE_PURGE names it)
   * @param originPort the test server's port
   * @param dataDir the test server's data directory (the CLI runs on it)
   */
  constructor(
    private readonly program: string,
    dirPrefix: string,
    readonly port: number,
    readonly originPort: number,
    readonly dataDir: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), dirPrefix));
  }

  /** `http://127.0.0.1:PORT`: an Agent's origin that goes through the edge. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the process wrote, for failure messages. */
  output(): string {
    return `--- ${this.program} ---\n${this.out}`;
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `<todo> edge ARGS` on the test server's data directory; what it printed. */
  protected generate(args: readonly string[]): string {
    const generated = runTodo(['edge', ...args], { dataDir: this.dataDir });
    if (generated.status !== 0) {
      throw new Error(`todo edge ${args[0]} failed (${generated.status}):\n${generated.stdout}\n${generated.stderr}`);
    }
    return generated.stdout;
  }

  /**
   * Spawns `bin args` (its output kept, the last 64 KiB), then probes with
   * `answers` every 100 ms until it says yes; stops the process and throws
   * when it exits or does not answer in time. A probe that throws has not
   * reached it yet.
   */
  protected async launch(bin: string, args: readonly string[], env: NodeJS.ProcessEnv,
    answers: () => Promise<boolean>): Promise<void> {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        live.delete(child);
        resolve();
      }),
    );
    const keep = (chunk: Buffer): void => void (this.out = (this.out + chunk.toString()).slice(-maxOutputChars));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + startupTimeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.program} exited during start-up\n${this.output()}`);
      try {
        if (await answers()) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`${this.program} did not answer within ${startupTimeoutMs} ms\n${this.output()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after stopTimeoutMs) and removes the directory. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child!.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), stopTimeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The edge's verdict on an answer: hit, miss or pass. */
export const label = (r: Reply): string | null => r.header('X-Mizan-Edge');
export const todoOf = (r: Reply): Todo => r.json<{ get_todo: Todo }>().get_todo;
export const todosOf = (r: Reply): number => r.json<{ public_stats: { todos: number } }>().public_stats.todos;

/** The same browser (cookies, CSRF token) talking to `origin`: the test server directly, or an edge. */
export function sameBrowser(agent: Agent, origin: string): Agent {
  const other = new Agent(origin);
  for (const [k, v] of agent.jar) other.jar.set(k, v);
  other.csrf = agent.csrf;
  return other;
}

/** An MWT with `claims`, signed with `secret`. */
export function mwt(claims: Record<string, unknown>, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `mwt1.${payload}.${createHmac('sha256', secret).update(`mwt1.${payload}`).digest('base64url')}`;
}

/** `token` with its signature altered, and respelled (the last character's spare bit flipped: the same bytes). */
export function forgedMwts(token: string): { altered: string; respelled: string } {
  const [p, payload, sig] = token.split('.') as [string, string, string];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const respelled = sig.slice(0, -1) + alphabet[alphabet.indexOf(sig.at(-1)!) ^ 1];
  return {
    altered: `${p}.${payload}.${(sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)}`,
    respelled: `${p}.${payload}.${respelled}`,
  };
}

/** GET todo?id= through the edge at `origin` with a Cookie header of our own. */
export function todoWith(origin: string, cookie: string, id: number): Promise<Reply> {
  return new Agent(origin).context('todo', `id=${id}`, { Cookie: cookie });
}

/** Reads `name?query` until it is kept: a miss (or an earlier entry) then a hit. */
export async function kept(agent: Agent, name: string, query = ''): Promise<Reply> {
  await agent.context(name, query);
  const hit = await agent.context(name, query);
  expect(hit.status, hit.text).toBe(200);
  expect(label(hit), `${name}?${query}`).toBe('hit');
  return hit;
}

/** The freshness windows of one edge's tests, logged one by one and all together. */
export class Freshness {
  readonly windows: number[] = [];

  /** @param edge the log lines' first word (varnish, edge) */
  constructor(private readonly edge: string) {}

  /** Runs `mutate`, then one read through the edge, which must be fresh; returns and logs the window. */
  async after(what: string, mutate: () => Promise<unknown>, read: () => Promise<Reply>,
    fresh: (r: Reply) => boolean): Promise<Reply> {
    await mutate();
    const answered = performance.now();
    const first = await read();
    const window = performance.now() - answered;
    expect(first.status, first.text).toBe(200);
    expect(fresh(first), `${what}: ${first.text}`).toBe(true);
    expect(label(first)).toBe('miss');
    this.windows.push(window);
    console.log(`${this.edge} freshness, ${what}: ${window.toFixed(1)} ms from the mutation's answer to a fresh read`);
    expect(window).toBeLessThan(1000);
    return first;
  }

  /** Logs every window so far (none: nothing). */
  report(): void {
    if (this.windows.length > 0) {
      console.log(`${this.edge} freshness windows (ms): ${this.windows.map((w) => w.toFixed(1)).join(', ')}`);
    }
  }
}

// The checks both edges pass alike; each test file names its tests.

/** A public context through the edge: a miss, then a hit with the same body and ETag, neither with `tagHeader`; 304 for the ETag. */
export async function missThenHit(anon: Agent, name: string, query: string, tagHeader: string): Promise<{ miss: Reply; hit: Reply }> {
  const miss = await anon.context(name, query);
  expect(miss.status, miss.text).toBe(200);
  expect(label(miss), name).toBe('miss');
  const hit = await anon.context(name, query);
  expect(label(hit), name).toBe('hit');
  expect(hit.text).toBe(miss.text);
  expect(hit.header('ETag')).toBe(miss.header('ETag'));
  for (const r of [miss, hit]) expect(r.header(tagHeader)).toBeNull();
  const notModified = await anon.context(name, query, { 'If-None-Match': hit.header('ETag')! });
  expect(notModified.status).toBe(304);
  return { miss, hit };
}

/** Junk params pass and make no entry; the canonical entry still hits. */
export async function junkParamsPass(origin: string): Promise<void> {
  const anon = new Agent(origin);
  const canonical = await kept(anon, 'leaderboard', 'limit=5');
  for (const junk of ['limit=5&utm_source=x', 'limit=05', 'min_done=0&limit=5', 'limit=%35', 'limit=5&']) {
    for (let i = 0; i < 2; i++) expect(label(await anon.context('leaderboard', junk)), junk).toBe('pass');
  }
  const again = await anon.context('leaderboard', 'limit=5');
  expect(label(again)).toBe('hit');
  expect(again.text).toBe(canonical.text);
}

/** A mutation through the edge (`alice`'s browser): the next read of stats is fresh. */
export async function freshAfterEdgeMutation(freshness: Freshness, alice: Agent): Promise<void> {
  const before = todosOf(await kept(alice, 'stats'));
  await freshness.after('add_todo through the edge', () => alice.addTodo('more'), () => alice.context('stats'),
    (r) => todosOf(r) === before + 1);
}

/**
 * Other readers keep the edge busy (each purge is refilled at once): the read
 * after each mutation's answer is still fresh. The write lane once purged the
 * edge before the origin cache, and a concurrent reader refilled the edge
 * from the origin's old entry.
 */
export async function freshUnderConcurrentReads(alice: Agent, edgeOrigin: string, mutations = 40): Promise<void> {
  let reading = true;
  const reader = async (): Promise<void> => {
    const anon = new Agent(edgeOrigin);
    while (reading) await anon.context('stats');
  };
  const readers = Array.from({ length: 4 }, reader);
  const stale: string[] = [];
  try {
    for (let i = 0; i < mutations; i++) {
      const before = todosOf(await alice.context('stats'));
      await alice.addTodo(`busy ${i}`);
      const after = await alice.context('stats');
      if (todosOf(after) <= before) stale.push(`${i}: ${todosOf(after)} after ${before} (${label(after)})`);
    }
  } finally {
    reading = false;
    await Promise.all(readers);
  }
  expect(stale, 'stale reads through the edge right after add_todo was answered').toEqual([]);
}

/** A mutation of `a` at `origin` by `alice`'s browser: her next read of the todo is fresh. */
export async function freshAfterOriginMutation(freshness: Freshness, alice: Agent, origin: string, a: Todo): Promise<void> {
  const before = todoOf(await kept(alice, 'todo', `id=${a.id}`)).done;
  await freshness.after('toggle_todo at the origin', () => sameBrowser(alice, origin).ok('toggle_todo', { id: a.id }),
    () => alice.context('todo', `id=${a.id}`), (r) => todoOf(r).done === !before);
}

/** Scoped: toggling A purges A only; B is still a hit. */
export async function scopedPurge(freshness: Freshness, alice: Agent, a: Todo, b: Todo): Promise<void> {
  const before = todoOf(await kept(alice, 'todo', `id=${a.id}`)).done;
  const hitB = await kept(alice, 'todo', `id=${b.id}`);
  await freshness.after('toggle_todo through the edge', () => alice.ok('toggle_todo', { id: a.id }),
    () => alice.context('todo', `id=${a.id}`), (r) => todoOf(r).done === !before);
  const stillB = await alice.context('todo', `id=${b.id}`);
  expect(label(stillB)).toBe('hit');
  expect(stillB.text).toBe(hitB.text);
}

/** Two users signed up through the edge; Alice has a secret todo and an MWT. */
export interface AliceAndBob {
  readonly alice: Agent;
  readonly aliceUser: User;
  readonly bob: Agent;
  readonly secret: Todo;
  readonly aliceMwt: string;
}

export async function aliceAndBob(origin: string): Promise<AliceAndBob> {
  const { agent: alice, user: aliceUser } = await signedIn(origin);
  const { agent: bob } = await signedIn(origin);
  const secret = await alice.addTodo('alice secret');
  const aliceMwt = alice.jar.get('mizan_mwt')!;
  expect(aliceMwt).toMatch(/^mwt1\./);
  return { alice, aliceUser, bob, secret, aliceMwt };
}

/** Another user's request for the same todo is never a hit and never her body. */
export async function neverHerTodo({ alice, bob, secret }: AliceAndBob): Promise<void> {
  await kept(alice, 'todo', `id=${secret.id}`);
  for (let i = 0; i < 2; i++) {
    const r = await bob.context('todo', `id=${secret.id}`);
    expect(r.status).toBe(404);
    expect(label(r)).not.toBe('hit');
    expect(r.text).not.toContain('alice secret');
  }
}

/**
 * Asks for Alice's secret todo `times` times with each token as the MWT
 * cookie, alone and beside Bob's session: labelled as expected, never her
 * body, 401 or 404.
 */
export async function expectForgedMwts(origin: string, { bob, secret }: AliceAndBob,
  tokens: Record<string, readonly [token: string, label: string]>, times: number): Promise<void> {
  const bobSession = `mizan_session=${bob.jar.get('mizan_session')}`;
  for (const [what, [token, expected]] of Object.entries(tokens)) {
    for (const cookie of [`mizan_mwt=${token}`, `${bobSession}; mizan_mwt=${token}`]) {
      for (let i = 0; i < times; i++) {
        const r = await todoWith(origin, cookie, secret.id);
        expect(label(r), `${what}: ${cookie}`).toBe(expected);
        expect(r.text, what).not.toContain('alice secret');
        expect([401, 404]).toContain(r.status);
      }
    }
  }
}

/** After sign-out, the old cookies get none of the user's cached data. */
export async function nothingAfterSignOut(origin: string): Promise<void> {
  const { agent: carol } = await signedIn(origin);
  const todo = await carol.addTodo('carol before sign-out');
  await kept(carol, 'todo', `id=${todo.id}`);
  const oldCookies = carol.cookieHeader();
  await carol.ok('auth_logout');
  for (let i = 0; i < 2; i++) {
    const r = await todoWith(origin, oldCookies, todo.id);
    expect(label(r)).not.toBe('hit');
    expect(r.status).toBe(401);
    expect(r.text).not.toContain('carol before sign-out');
  }
}
