// The reference server when PostgreSQL stalls under it (PostgreSQL only): a
// statement past its timeout, the pool exhausted, the server frozen
// (SIGSTOP). Every request gets an answer in bounded time, 503 `unavailable`
// with Retry-After while it lasts, and the server recovers by itself.
import { describe, expect, it } from 'vitest';
import { Agent, password, uniqueName, type Todo } from './agent.js';
import { type Outcome, pg, margin_ms, recovery_ms, unresponsive_grace_ms, writePaths, startOn, call, todosOf, describeOutcome, expectUnavailable, softly, expectResult, signedUp, titlesOf, untilOk, LockHolder, untilWaitingForLock } from './postgres-faults.js';

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
