// The reference server when PostgreSQL fails under it (PostgreSQL only):
// restarted under load, a connection terminated, a statement past its
// timeout, the pool exhausted, the server frozen. Every request gets an
// answer in bounded time; failures are 503 `unavailable` with Retry-After;
// the server recovers by itself; no acknowledged write is lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, expectError, password, Reply, uniqueName, type Todo } from './agent.js';
import { usePostgres } from './postgres.js';
import { sleep } from './raw.js';
import { freshDataDir, TodoServer } from './server.js';

const pg = usePostgres();

/** A client gives up on an answer after this long: a request still open then has hung. */
const answer_timeout_ms = 15_000;
/** Slack on top of a configured timeout (an ASan build on a busy 2-core machine). */
const margin_ms = 2_500;
/** How soon after PostgreSQL is back requests must succeed again. */
const recovery_ms = 5_000;
/**
 * How long the server waits for a PostgreSQL that does not answer at all,
 * beyond the statement timeout, before it closes the connection
 * (include/mizan/db/database.hpp, `statement_timeout`).
 */
const unresponsive_grace_ms = 5_000;

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
const writePaths: [string, Record<string, string>][] = [
  ['mutations on the workers', {}],
  ['mutations in the write lane (MIZAN_WRITE_BATCH=64)', { MIZAN_WRITE_BATCH: '64' }],
];

/** Starts the todo server on a fresh database of the cluster, with PostgreSQL options in the URL query. */
async function startOn(
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
interface Outcome {
  /** `METHOD path`, for failure messages. */
  readonly what: string;
  readonly reply?: Reply;
  readonly failure?: string;
  readonly ms: number;
}

/** GET `path`, or POST `body` as JSON, as `agent`, giving up after `timeout` ms. */
async function send(agent: Agent, path: string, body?: unknown, timeout = answer_timeout_ms): Promise<Outcome> {
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
async function call(agent: Agent, fn: string, args: unknown = {}, timeout?: number): Promise<Outcome> {
  if (!agent.csrf) {
    const session = await send(agent, '/api/mizan/session/', undefined, timeout);
    if (session.reply?.status !== 200) return session;
    agent.csrf = session.reply.json<{ csrf_token: string }>().csrf_token;
  }
  return send(agent, `/api/mizan/call/${fn}/`, args, timeout);
}
const todosOf = (agent: Agent, timeout?: number): Promise<Outcome> => send(agent, '/api/mizan/ctx/todos/', undefined, timeout);

/** A one-line description for failure messages. */
function describeOutcome(o: Outcome): string {
  const fate = o.reply ? `${o.reply.status} after ${o.ms} ms: ${o.reply.text.slice(0, 200)}` : `${o.failure} (${o.ms} ms)`;
  return `${o.what}: ${fate}`;
}

/** Asserts a 503 with the protocol's error body and a Retry-After of whole seconds. */
function expectUnavailable(o: Outcome): void {
  expect(o.reply?.status, describeOutcome(o)).toBe(503);
  expectError(o.reply!, 503, 'unavailable');
  const retryAfter = o.reply!.header('Retry-After');
  expect(retryAfter !== null && /^\d+$/.test(retryAfter), `Retry-After ${retryAfter} in ${describeOutcome(o)}`).toBe(true);
}

/** Runs `check` as a soft assertion: a failure is reported and the test goes on to its other checks. */
function softly(check: () => void): void {
  expect.soft(check).not.toThrow();
}

/** Asserts a 200 whose body is a call's result, and returns the result. */
function expectResult<T>(o: Outcome): T {
  expect(o.reply?.status, describeOutcome(o)).toBe(200);
  expect(o.reply!.text, `a 200 without a result: ${describeOutcome(o)}`).toMatch(/^\{"result":/);
  return o.reply!.json<{ result: T }>().result;
}

/** A signed-up browser; every request of the sign-up must succeed. */
async function signedUp(server: TodoServer): Promise<Agent> {
  const agent = new Agent(server.origin);
  expectResult(await call(agent, 'auth_signup', { username: uniqueName(), password }));
  return agent;
}

/** The titles of `agent`'s todos, read through the API. */
async function titlesOf(agent: Agent): Promise<string[]> {
  const o = await todosOf(agent);
  expect(o.reply?.status, describeOutcome(o)).toBe(200);
  return o.reply!.json<{ list_todos: Todo[] }>().list_todos.map((t) => t.title);
}

/** Calls `attempt` every 100 ms until it answers 200; returns how long that took. Every other answer must be a 503. */
async function untilOk(attempt: () => Promise<Outcome>, within: number): Promise<number> {
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
class LockHolder {
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
async function untilWaitingForLock(database: string): Promise<void> {
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

describe.each(writePaths)('PostgreSQL restarted under load, %s', (_, env) => {
  it('answers every request, 503 with Retry-After while down, recovers by itself, loses no acknowledged todo', async () => {
    const { server } = await startOn({ pool_timeout: 1000, statement_timeout: 2000, connect_timeout: 2 }, env);
    let running = true;
    let down = false;
    let phase = 'before the kill';
    let restartedAt = 0;
    const problems: string[] = [];
    let unavailableWhileDown = 0;

    /**
     * One client: signs up (again, under a new name, after a 503), then adds
     * todos until stopped. Records what went wrong instead of throwing, so
     * that every client runs to the end.
     */
    async function client(k: number): Promise<{ agent: Agent; acknowledged: Map<number, string>; okAfterRestart: number }> {
      const agent = new Agent(server.origin);
      const acknowledged = new Map<number, string>();
      let okAfterRestart = 0;
      let signed = false;
      for (let i = 0; running; i++) {
        const title = `client ${k} todo ${i}`;
        const o = signed
          ? await call(agent, 'add_todo', { title })
          : await call(agent, 'auth_signup', { username: uniqueName(`load${k}_`), password });
        const status = o.reply?.status;
        try {
          if (status === 200) {
            const result = expectResult<Todo>(o);
            if (signed) acknowledged.set(result.id, title);
            signed = true;
            if (restartedAt && Date.now() > restartedAt) okAfterRestart += 1;
          } else {
            if (status === 503 && down) unavailableWhileDown += 1;
            expectUnavailable(o);
          }
        } catch (e) {
          problems.push(`client ${k}, ${phase}: ${(e as Error).message.split('\n')[0]}`);
        }
        if (status !== 200) await sleep(50);
      }
      return { agent, acknowledged, okAfterRestart };
    }

    const clients = Array.from({ length: 4 }, (_, k) => client(k));
    await sleep(1000);
    down = true;
    phase = 'PostgreSQL down';
    await pg.cluster.kill();
    await sleep(2000); // refused connections for two seconds
    phase = 'PostgreSQL restarting';
    await pg.cluster.restart();
    down = false;
    phase = 'PostgreSQL restarted';
    restartedAt = Date.now();
    const probe = await signedUpWhenPossible(server);
    await untilOk(() => call(probe, 'add_todo', { title: 'probe' }), 10_000);
    const recoveredIn = Date.now() - restartedAt;
    await sleep(1000);
    running = false;
    const results = await Promise.all(clients);

    // Soft assertions: one run reports every kind of failure.
    expect.soft(problems.length, `problems, by kind:\n${kinds(problems)}\n`).toBe(0);
    expect.soft(unavailableWhileDown, 'no request was answered 503 during the outage').toBeGreaterThan(0);
    expect.soft(recoveredIn, 'ms from the restart to the first successful add_todo').toBeLessThan(recovery_ms);
    for (const [k, r] of results.entries()) {
      expect.soft(r.okAfterRestart, `client ${k} never succeeded after the restart`).toBeGreaterThan(0);
      expect.soft(r.acknowledged.size, `client ${k} had no todo acknowledged`).toBeGreaterThan(0);
      const o = await todosOf(r.agent);
      expect(o.reply?.status, describeOutcome(o)).toBe(200);
      const stored = new Map(o.reply!.json<{ list_todos: Todo[] }>().list_todos.map((t) => [t.id, t.title]));
      const lost = [...r.acknowledged].filter(([id, title]) => stored.get(id) !== title);
      expect.soft(lost, `client ${k} lost acknowledged todos (of ${r.acknowledged.size})`).toEqual([]);
    }
  });
});

/** `problems` grouped by kind (client numbers and times elided), most frequent first, with counts. */
function kinds(problems: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const p of problems) {
    const kind = p.replace(/client \d+/g, 'client K').replace(/after \d+ ms/g, 'after N ms');
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].sort((x, y) => y[1] - x[1]).map(([kind, n]) => `${n} × ${kind}`).join('\n');
}

/** A signed-up browser, retrying the sign-up while the database is unavailable. */
async function signedUpWhenPossible(server: TodoServer): Promise<Agent> {
  const agent = new Agent(server.origin);
  await untilOk(() => call(agent, 'auth_signup', { username: uniqueName('probe'), password }), 10_000);
  return agent;
}

describe('a connection terminated by PostgreSQL', () => {
  it('is replaced: the next requests succeed (at most one 503)', async () => {
    const { server, database } = await startOn({ pool_timeout: 1000 });
    const alice = await signedUp(server);
    // Several at once, so that the pool opens more than one connection.
    const warm = await Promise.all(Array.from({ length: 8 }, (_, i) => call(alice, 'add_todo', { title: `warm ${i}` })));
    const acknowledged = warm.map((o) => expectResult<Todo>(o).title);

    const terminated = await pg.cluster.query(
      `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${database}' AND pid <> pg_backend_pid()`,
    );
    expect(Number(terminated), 'the server held no connection to terminate').toBeGreaterThan(0);

    const failures: string[] = [];
    for (let i = 0; i < 20; i++) {
      const o = i % 2 ? await todosOf(alice) : await call(alice, 'add_todo', { title: `after ${i}` });
      if (o.reply?.status === 200) {
        if (i % 2 === 0) acknowledged.push(`after ${i}`);
        continue;
      }
      expectUnavailable(o);
      failures.push(`request ${i + 1} after the termination: ${describeOutcome(o)}`);
      if (failures.length > 1) break;
    }
    expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(1);
    expect((await titlesOf(alice)).sort()).toEqual(acknowledged.sort());
  });
});

describe('a statement past statement_timeout', () => {
  it('is answered 503 within the timeout plus a margin, and changes nothing; all is well after the lock', async () => {
    const statementTimeout = 300;
    const { server, database } = await startOn({ statement_timeout: statementTimeout });
    const alice = await signedUp(server);
    await alice.addTodo('before');

    const lock = await LockHolder.hold(database, 'LOCK TABLE todos IN ACCESS EXCLUSIVE MODE');
    const [write, read] = await Promise.all([call(alice, 'add_todo', { title: 'blocked' }), todosOf(alice)]);
    await lock.release();

    for (const o of [write, read]) {
      softly(() => expectUnavailable(o));
      // It waited for the lock (no refusal for some other reason), but not much longer than the timeout.
      expect.soft(o.ms, describeOutcome(o)).toBeGreaterThanOrEqual(statementTimeout - 50);
      expect.soft(o.ms, describeOutcome(o)).toBeLessThan(statementTimeout + margin_ms);
    }
    expect(expectResult<Todo>(await call(alice, 'add_todo', { title: 'after' })).title).toBe('after');
    expect(await titlesOf(alice)).toEqual(['before', 'after']);
  });
});

describe('the pool exhausted', () => {
  it('answers other requests 503 within pool_timeout plus a margin, never hangs; all is well afterwards', async () => {
    const poolTimeout = 300;
    const { server, database } = await startOn({ pool_size: 1, pool_timeout: poolTimeout, statement_timeout: 20_000 });
    const alice = await signedUp(server);
    const bob = await signedUp(server);

    const lock = await LockHolder.hold(database, 'LOCK TABLE todos IN ACCESS EXCLUSIVE MODE');
    // Alice's write takes the only connection and waits for the lock.
    const held = call(alice, 'add_todo', { title: 'held' }, 30_000);
    await untilWaitingForLock(database);
    const others = await Promise.all([
      call(bob, 'add_todo', { title: 'refused' }),
      todosOf(bob),
      call(bob, 'toggle_todo', { id: 1 }),
    ]);
    await lock.release();

    for (const o of others) {
      softly(() => expectUnavailable(o));
      expect.soft(o.ms, describeOutcome(o)).toBeLessThan(poolTimeout + margin_ms);
    }
    expect(expectResult<Todo>(await held).title).toBe('held');
    expect(expectResult<Todo>(await call(bob, 'add_todo', { title: 'afterwards' })).title).toBe('afterwards');
    expect(await titlesOf(bob)).toEqual(['afterwards']);
    expect(await titlesOf(alice)).toEqual(['held']);
  });
});

describe.each(writePaths)('PostgreSQL frozen (SIGSTOP), %s', (_, env) => {
  it('answers requests 503 within statement_timeout plus the server\'s grace and a margin, and recovers after SIGCONT', async () => {
    const statementTimeout = 1000;
    const { server } = await startOn({ statement_timeout: statementTimeout, pool_timeout: 1000, connect_timeout: 2 }, env);
    const alice = await signedUp(server);
    await alice.addTodo('before');

    pg.cluster.freeze();
    let during: Outcome[];
    try {
      during = await Promise.all([
        call(alice, 'add_todo', { title: 'frozen' }),
        todosOf(alice),
        call(new Agent(server.origin), 'auth_signup', { username: uniqueName('frozen'), password }),
      ]);
    } finally {
      pg.cluster.thaw();
    }
    for (const o of during) {
      softly(() => expectUnavailable(o));
      expect.soft(o.ms, describeOutcome(o)).toBeLessThan(statementTimeout + unresponsive_grace_ms + margin_ms);
    }
    const recoveredIn = await untilOk(() => call(alice, 'add_todo', { title: 'after' }), 10_000);
    expect(recoveredIn).toBeLessThan(recovery_ms);
    // 'frozen' may or may not have been written (it was not acknowledged); the others were.
    expect(await titlesOf(alice)).toEqual(expect.arrayContaining(['before', 'after']));
  });
});
