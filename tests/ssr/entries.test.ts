// The front ends' server entries (examples/todo/web-*/src/entry-server.*),
// built as their `build` scripts build them and imported in plain Node, as
// the server's renderer process does: what they render from the data the
// server hands them, escaping, isolation of concurrent renders, and that
// nothing is ever fetched.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalParams, type ContextRef, type Params } from '../../packages/base/src/index.js';
import {
  leaderboardContext,
  statsContext,
  todosContext,
  type LeaderboardData,
  type StatsData,
  type Todo,
  type TodosData,
} from '../../examples/todo/web-react/src/api/index.js';
import { build, frameworks, importEntry, type Entry, type Framework } from './build.js';

/** The key the server puts a context's data under: `context` or `context?canonical-params`. */
const key = (ref: ContextRef, params: Params = {}): string => {
  const canon = canonicalParams(params);
  return canon ? `${ref.context}?${canon}` : ref.context;
};

const todo = (id: number, title: string, done = false): Todo => ({
  id,
  title,
  done,
  created_at: '2026-01-01T00:00:00Z',
});
const todos = (list: Todo[]): TodosData => ({
  list_todos: list,
  todo_stats: { total: list.length, done: list.filter((t) => t.done).length },
});
const board = (...rows: [string, number][]): LeaderboardData => ({
  leaderboard: rows.map(([username, done]) => ({ username, done })),
});
const stats: StatsData = { public_stats: { users: 2, todos: 3 } };

/** The text of some markup: tags and the frameworks' hydration comments dropped, entities kept. */
const text = (html: string): string => html.replace(/<!--[^]*?-->/g, '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');

const entries = new Map<Framework, Entry>();
const outs: string[] = [];
let fetches = 0;
/** The fetch every render gets: counts, and refuses at once. */
const counted = (): Promise<Response> => {
  fetches++;
  return Promise.reject(new Error('no fetch during server rendering'));
};

beforeAll(async () => {
  await Promise.all(
    frameworks.map(async (fw) => {
      const out = await build(fw);
      outs.push(out);
      entries.set(fw, await importEntry(out));
    }),
  );
});

afterAll(() => {
  for (const out of outs) rmSync(out, { recursive: true, force: true });
  // No render, in any test, asked for anything.
  expect(fetches).toBe(0);
});

describe.each(frameworks)('%s server entry', (fw) => {
  const render = (path: string, params: Record<string, unknown>, data: Record<string, unknown>) =>
    entries.get(fw)!.render({ route: path, path, params, data }, { fetch: counted });

  it('renders a signed-in page: the todos, the done count, the leaderboard and the stats', async () => {
    const data = {
      [key(todosContext)]: todos([todo(1, 'milk', true), todo(2, 'eggs'), todo(3, 'bread', true)]),
      [key(leaderboardContext, { limit: 10 })]: board(['ann', 7], ['bob', 2]),
      [key(statsContext)]: stats,
    };
    const { head, body } = await render('/', {}, data);
    const shown = text(body);
    expect(head).toBe('');
    for (const title of ['milk', 'eggs', 'bread']) expect(shown).toContain(title);
    expect(shown).toContain('2 of 3 done');
    expect(shown).toContain('ann: 7');
    expect(shown).toContain('bob: 2');
    expect(shown).toContain('2 users, 3 todos');
    expect(body).toContain('<a href="/leaderboard/">Leaderboard</a>');
    expect(fetches).toBe(0);
  });

  it('renders an anonymous page as the browser first renders it: loading where the data is absent', async () => {
    const data = { [key(leaderboardContext, { limit: 10 })]: board(['ann', 7]), [key(statsContext)]: stats };
    const shown = text((await render('/', {}, data)).body);
    expect(shown).toContain('Loading…');
    expect(shown).toContain('ann: 7');
    expect(shown).not.toContain('Sign in');
  });

  it('renders /leaderboard/ with the limit of its params, from the data keyed with it', async () => {
    const data = {
      [key(leaderboardContext, { limit: 25 })]: board(['cat', 9], ['dan', 4]),
      [key(leaderboardContext, { limit: 10 })]: board(['not-this-one', 1]),
      [key(statsContext)]: stats,
    };
    expect(key(leaderboardContext, { limit: 25 })).toBe('leaderboard?limit=25');
    const { body } = await render('/leaderboard/', { limit: 25 }, data);
    const shown = text(body);
    expect(shown).toContain('cat: 9');
    expect(shown).toContain('dan: 4');
    expect(shown).not.toContain('not-this-one');
    expect(shown).toContain('2 users, 3 todos');
    expect(shown).toContain('Live activity');
    expect(shown).not.toContain('Loading…');
    expect(body).toContain('<a href="/">Todos</a>');
  });

  it('reads /leaderboard without the slash, and an invalid limit as 10', async () => {
    const data = { [key(leaderboardContext, { limit: 10 })]: board(['ann', 7]) };
    for (const limit of [0, 101, 2.5, 'x', undefined]) {
      expect(text((await render('/leaderboard', { limit }, data)).body)).toContain('ann: 7');
    }
  });

  it('escapes a hostile title', async () => {
    const hostile = '</script><script>alert(1)</script>';
    const data = { [key(todosContext)]: todos([todo(1, hostile), todo(2, '<img src=x onerror=alert(2)>')]) };
    const { body } = await render('/', {}, data);
    expect(body).not.toContain('<script');
    expect(body).not.toContain('<img');
    expect(body).toMatch(/&lt;\/script>|&lt;\/script&gt;/);
    expect(body).toContain('alert(1)');
  });

  it('keeps 50 concurrent renders apart, each with its own data', async () => {
    const bodies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        render(i % 2 ? '/' : '/leaderboard/', i % 2 ? {} : { limit: i + 1 }, {
          [key(todosContext)]: todos([todo(i, `title-${i}-`)]),
          [key(leaderboardContext, { limit: i % 2 ? 10 : i + 1 })]: board([`user-${i}-`, i]),
        }),
      ),
    );
    bodies.forEach(({ body }, i) => {
      const shown = text(body);
      expect(shown).toContain(`user-${i}-: ${i}`);
      if (i % 2) expect(shown).toContain(`title-${i}-`);
      expect(shown.match(/user-\d+-/g)).toEqual([`user-${i}-`]);
      expect(shown.match(/title-\d+-/g) ?? []).toEqual(i % 2 ? [`title-${i}-`] : []);
    });
  });

  it('renders with its own fetch, which refuses at once, without leaving anything pending', async () => {
    // No options: the entry's own fetch. A render that waited on it would time out here.
    const { body } = await entries.get(fw)!.render({ route: '/', path: '/', params: {}, data: {} });
    expect(text(body)).toContain('Loading…');
  });
});
