// The reference server when PostgreSQL fails under it (PostgreSQL only):
// restarted under load, a connection terminated. Every request gets an
// answer in bounded time; failures are 503 `unavailable` with Retry-After;
// the server recovers by itself; no acknowledged write is lost. Stalls
// (timeouts, the pool, a frozen server): postgres-stalls.test.ts.
import { describe, expect, it } from 'vitest';
import { Agent, password, uniqueName, type Todo } from './agent.js';
import { pg, recovery_ms, writePaths, startOn, call, todosOf, describeOutcome, expectUnavailable, expectResult, signedUp, titlesOf, untilOk, kinds, signedUpWhenPossible } from './postgres-faults.js';
import { sleep } from './raw.js';

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
