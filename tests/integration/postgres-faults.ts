// Shared by the PostgreSQL fault tests (postgres-faults.test.ts: restarts and
// terminated connections; postgres-stalls.test.ts: timeouts, an exhausted
// pool, a frozen server): one throwaway cluster per test file, the servers and
// lock holders a test started (stopped after it, the cluster thawed), and the
// bounded-time request helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, expect } from 'vitest';
import { Agent, expectError, password, Reply, uniqueName, type Todo } from './agent.js';
import { usePostgres } from './postgres.js';
import { sleep } from './raw.js';
import { freshDataDir, TodoServer } from './server.js';

export const pg = usePostgres();

/** A client gives up on an answer after this long: a request still open then has hung. */
export const answer_timeout_ms = 15_000;
/** Slack on top of a configured timeout (an ASan build on a busy 2-core machine). */
export const margin_ms = 2_500;
/** How soon after PostgreSQL is back requests must succeed again. */
export const recovery_ms = 5_000;
/**
 * How long the server waits for a PostgreSQL that does not answer at all,
 * beyond the statement timeout, before it closes the connection
 * (include/mizan/db/database.hpp, `statement_timeout`).
 */
export const unresponsive_grace_ms = 5_000;

let servers: TodoServer[] = [];
let holders: LockHolder[] = [];

afterEach(async (context) => {
  // The server's log says which fault it saw and how it reported it.
  if (context.task.result?.state === 'fail') for (const s of servers) console.error(s.output().slice(-6000));
  for (const h of holders) h.abandon();
  holders = [];
  // A test that failed half-way must not leave the cluster frozen or down for the next one.
  try {
    pg.cluster.thaw();
  } catch {
    await pg.cluster.restart();
  }
  const stopping = servers;
  servers = [];
  for (const s of stopping) await s.dispose();
});

/**
 * Mutations on PostgreSQL commit on the workers by default; the write lane
 * (group commit, SQLite's default) is a setting away, and fails otherwise.
 */
export const writePaths: [string, Record<string, string>][] = [
  ['mutations on the workers', {}],
  ['mutations in the write lane (MIZAN_WRITE_BATCH=64)', { MIZAN_WRITE_BATCH: '64' }],
];

/** Starts the todo server on a fresh database of the cluster, with PostgreSQL options in the URL query. */
export async function startOn(
  options: Record<string, number>,
  env: Record<string, string> = {},
): Promise<{ server: TodoServer; database: string }> {
  const url = pg.cluster.freshDatabase(options);
  const server = new TodoServer(freshDataDir(), { ...env, MIZAN_DATABASE_URL: url });
  await server.start();
  servers.push(server);
  return { server, database: new URL(url).pathname.slice(1) };
}

/** One request's fate: an answer, or no answer within the timeout, or a broken connection. */
export interface Outcome {
  /** `METHOD path`, for failure messages. */
  readonly what: string;
  readonly reply?: Reply;
  readonly failure?: string;
  readonly ms: number;
}

/** GET `path`, or POST `body` as JSON, as `agent`, giving up after `timeout` ms. */
export async function send(agent: Agent, path: string, body?: unknown, timeout = answer_timeout_ms): Promise<Outcome> {
  const started = Date.now();
  const what = `${body === undefined ? 'GET' : 'POST'} ${path}`;
  const init: RequestInit =
    body === undefined
      ? { method: 'GET' }
      : {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': agent.csrf },
          body: JSON.stringify(body),
        };
  init.signal = AbortSignal.timeout(timeout);
  try {
    const res = await agent.fetch(agent.origin + path, init);
    const reply = new Reply(res.status, res.headers, await res.text());
    const token = reply.header('X-CSRF-Token');
    if (token) agent.csrf = token;
    return { what, reply, ms: Date.now() - started };
  } catch (e) {
    const name = (e as Error).name;
    const failure = name === 'TimeoutError' ? `no answer within ${timeout} ms` : `connection failed: ${String(e)}`;
    return { what, failure, ms: Date.now() - started };
  }
}

/** POSTs a call, first fetching the CSRF token if the agent has none. */
export async function call(agent: Agent, fn: string, args: unknown = {}, timeout?: number): Promise<Outcome> {
  if (!agent.csrf) {
    const session = await send(agent, '/api/mizan/session/', undefined, timeout);
    if (session.reply?.status !== 200) return session;
    agent.csrf = session.reply.json<{ csrf_token: string }>().csrf_token;
  }
  return send(agent, `/api/mizan/call/${fn}/`, args, timeout);
}
export const todosOf = (agent: Agent, timeout?: number): Promise<Outcome> => send(agent, '/api/mizan/ctx/todos/', undefined, timeout);

/** A one-line description for failure messages. */
export function describeOutcome(o: Outcome): string {
  const fate = o.reply ? `${o.reply.status} after ${o.ms} ms: ${o.reply.text.slice(0, 200)}` : `${o.failure} (${o.ms} ms)`;
  return `${o.what}: ${fate}`;
}

/** Asserts a 503 with the protocol's error body and a Retry-After of whole seconds. */
export function expectUnavailable(o: Outcome): void {
  expect(o.reply?.status, describeOutcome(o)).toBe(503);
  expectError(o.reply!, 503, 'unavailable');
  const retryAfter = o.reply!.header('Retry-After');
  expect(retryAfter !== null && /^\d+$/.test(retryAfter), `Retry-After ${retryAfter} in ${describeOutcome(o)}`).toBe(true);
}

/** Runs `check` as a soft assertion: a failure is reported and the test goes on to its other checks. */
export function softly(check: () => void): void {
  expect.soft(check).not.toThrow();
}

/** Asserts a 200 whose body is a call's result, and returns the result. */
export function expectResult<T>(o: Outcome): T {
  expect(o.reply?.status, describeOutcome(o)).toBe(200);
  expect(o.reply!.text, `a 200 without a result: ${describeOutcome(o)}`).toMatch(/^\{"result":/);
  return o.reply!.json<{ result: T }>().result;
}

/** A signed-up browser; every request of the sign-up must succeed. */
export async function signedUp(server: TodoServer): Promise<Agent> {
  const agent = new Agent(server.origin);
  expectResult(await call(agent, 'auth_signup', { username: uniqueName(), password }));
  return agent;
}

/** The titles of `agent`'s todos, read through the API. */
export async function titlesOf(agent: Agent): Promise<string[]> {
  const o = await todosOf(agent);
  expect(o.reply?.status, describeOutcome(o)).toBe(200);
  return o.reply!.json<{ list_todos: Todo[] }>().list_todos.map((t) => t.title);
}

/** Calls `attempt` every 100 ms until it answers 200; returns how long that took. Every other answer must be a 503. */
export async function untilOk(attempt: () => Promise<Outcome>, within: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const o = await attempt();
    if (o.reply?.status === 200) return Date.now() - started;
    expectUnavailable(o);
    if (Date.now() - started > within) throw new Error(`still failing after ${within} ms: ${describeOutcome(o)}`);
    await sleep(100);
  }
}

/**
 * A psql session holding a lock in an open transaction (stdin kept open):
 * `release()` rolls it back.
 */
export class LockHolder {
  private constructor(private readonly psql: ChildProcess) {}

  /** Opens a session on `database`, runs `BEGIN; <sql>;` and waits until it holds. */
  static async hold(database: string, sql: string): Promise<LockHolder> {
    const psql = spawn('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', pg.cluster.urlOf(database)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const holder = new LockHolder(psql);
    holders.push(holder);
    let out = '';
    let err = '';
    psql.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`psql did not take the lock: ${err}`)), 10_000);
      psql.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('locked')) {
          clearTimeout(timer);
          resolve();
        }
      });
      psql.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`psql exited with ${code}: ${err}`));
      });
      psql.stdin!.write(`BEGIN;\n${sql};\nSELECT 'locked';\n`);
    });
    return holder;
  }

  /** Rolls back (releasing the lock) and waits for psql to exit. */
  async release(): Promise<void> {
    if (this.psql.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.psql.once('exit', () => resolve()));
    this.psql.stdin!.end('ROLLBACK;\n');
    await exited;
  }

  /** Kills psql (the server then rolls back); for cleanup after a failure. */
  abandon(): void {
    if (this.psql.exitCode === null) this.psql.kill('SIGKILL');
  }
}

/** Waits until a statement of `database` waits for a lock (so a request is known to hold a connection). */
export async function untilWaitingForLock(database: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const waiting = await pg.cluster.query(
      `SELECT count(*) FROM pg_stat_activity WHERE datname = '${database}' AND wait_event_type = 'Lock'`,
    );
    if (Number(waiting) > 0) return;
    await sleep(50);
  }
  throw new Error(`no statement of ${database} waited for the lock`);
}


/** `problems` grouped by kind (client numbers and times elided), most frequent first, with counts. */
export function kinds(problems: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const p of problems) {
    const kind = p.replace(/client \d+/g, 'client K').replace(/after \d+ ms/g, 'after N ms');
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].sort((x, y) => y[1] - x[1]).map(([kind, n]) => `${n} × ${kind}`).join('\n');
}

/** A signed-up browser, retrying the sign-up while the database is unavailable. */
export async function signedUpWhenPossible(server: TodoServer): Promise<Agent> {
  const agent = new Agent(server.origin);
  await untilOk(() => call(agent, 'auth_signup', { username: uniqueName('probe'), password }), 10_000);
  return agent;
}
