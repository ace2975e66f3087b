// Server-rendered pages of the reference app across processes: the real
// server, the React front end's built server entry run by its pool of Node.js
// renderers. Documents never mix users under concurrency, a cached public page
// follows its data, the renderers die with the server, a dead renderer costs
// the markup and never the page, and a development server picks up a
// rewritten bundle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../ssr/build.js';
import { Agent, expectError, signedIn, uniqueName, type Todo } from './agent.js';
import { freshDataDir, startServer, TodoServer } from './server.js';

/** What the built React front end gives the server. */
let out = '';
let bundle = '';
let staticDir = '';

beforeAll(async () => {
  out = await build('react', true);
  bundle = join(out, 'server', 'entry-server.js');
  staticDir = join(out, 'client');
  // Node 20 reads a .js file as ESM only under a package of type module.
  writeFileSync(join(out, 'server', 'package.json'), '{"type":"module"}\n');
}, 180_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/** The server environment for the built front end, on top of `extra`. */
const ssrEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  MIZAN_STATIC_DIR: staticDir,
  MIZAN_SSR_BUNDLE: bundle,
  MIZAN_SSR_PROCESSES: '2',
  ...extra,
});

/** One page answer: status, headers, the document. */
interface Doc {
  readonly status: number;
  readonly headers: Headers;
  readonly html: string;
}

async function get(server: TodoServer, path: string, cookie = ''): Promise<Doc> {
  const res = await fetch(server.url(path), { headers: cookie ? { Cookie: cookie } : {} });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

/** The inlined data of a document (`window.__MIZAN_SSR_DATA__`). */
function dataOf(html: string): Record<string, unknown> {
  const m = /<script>window\.__MIZAN_SSR_DATA__=(.*?)<\/script>/s.exec(html);
  if (!m) throw new Error(`no data script in\n${html.slice(0, 2000)}`);
  return JSON.parse(m[1]!) as Record<string, unknown>;
}

/** The markup in `<div id="app">`, without React's `<!-- -->` text separators. */
function markupOf(html: string): string {
  const m = /<div id="app">(.*?)<\/div>\s*<\/body>/s.exec(html) ?? /<div id="app">(.*)<\/body>/s.exec(html);
  if (!m) throw new Error(`no app element in\n${html.slice(0, 2000)}`);
  return m[1]!.replaceAll('<!-- -->', '');
}

/** The leaderboard rows of the markup, `name: done` each. */
const rowsOf = (html: string): string[] =>
  [...markupOf(html).matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]!);

/** Processes whose command line holds `needle`, with their parent: renderers carry the bundle path. */
function processesWith(needle: string): { pid: number; ppid: number }[] {
  const found: { pid: number; ppid: number }[] = [];
  for (const entry of execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' }).split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(entry);
    if (m && !m[3]!.startsWith('Z') && m[4]!.includes(needle)) found.push({ pid: Number(m[1]), ppid: Number(m[2]) });
  }
  return found;
}

/** The live renderer pids of `server`: its children running `needle`. */
const renderersOf = (server: TodoServer, needle: string): number[] =>
  processesWith(needle)
    .filter((p) => p.ppid === server.pid)
    .map((p) => p.pid);

/** Polls `probe` every 50 ms until it is true or `ms` pass; returns its last value. */
async function until(probe: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('server-rendered pages of the running app', () => {
  let server: TodoServer;
  const users: { agent: Agent; name: string; titles: string[]; todos: Todo[] }[] = [];

  beforeAll(async () => {
    server = await startServer(ssrEnv());
    for (let i = 0; i < 6; ++i) {
      const name = uniqueName(`ssr${i}_`);
      const { agent } = await signedIn(server.origin, name);
      // Titles no other title contains: `x` ends each.
      const titles = [0, 1, 2].map((j) => `secret-u${i}-t${j}x`);
      const todos: Todo[] = [];
      for (const title of titles) todos.push(await agent.addTodo(title));
      users.push({ agent, name, titles, todos });
    }
  }, 60_000);

  afterAll(async () => {
    await server?.dispose();
  });

  it('renders 300 concurrent pages of six users, each with its own todos only', async () => {
    const docs = await Promise.all(
      Array.from({ length: 300 }, async (_, n) => {
        const user = users[n % users.length]!;
        return { user, doc: await get(server, '/', user.agent.cookieHeader()) };
      }),
    );
    for (const { user, doc } of docs) {
      expect(doc.status, doc.html.slice(0, 500)).toBe(200);
      expect(doc.headers.get('X-Mizan-Render'), server.output()).toBe('server');
      expect(doc.headers.get('Cache-Control')).toBe('private, no-store');
      const markup = markupOf(doc.html);
      const data = dataOf(doc.html);
      const listed = (data['todos'] as { list_todos: Todo[] }).list_todos.map((t) => t.title);
      expect(listed.sort()).toEqual([...user.titles].sort());
      for (const title of user.titles) expect(markup).toContain(title);
      for (const other of users.filter((u) => u !== user)) {
        for (const title of other.titles) expect(doc.html).not.toContain(title);
      }
    }
  }, 60_000);

  it('caches /leaderboard/ while its data holds, and renders it again after a mutation', async () => {
    const first = await get(server, '/leaderboard/');
    expect(first.status).toBe(200);
    expect(first.headers.get('X-Mizan-Render')).toBe('server');
    expect(first.headers.get('Cache-Control')).toBe('no-cache');
    expect(first.headers.get('ETag')).toBeTruthy();
    const again = await get(server, '/leaderboard/');
    expect(again.headers.get('X-Mizan-Cache')).toBe('hit');
    expect(again.html).toBe(first.html);

    // A tracking parameter is not part of the page: the same document.
    const tracked = await get(server, '/leaderboard/?utm_source=x');
    expect(tracked.status).toBe(200);
    expect(tracked.headers.get('X-Mizan-Cache')).toBe('hit');
    expect(tracked.html).toBe(first.html);
    expect(tracked.headers.get('ETag')).toBe(first.headers.get('ETag'));

    const [winner] = users;
    expect(rowsOf(first.html)).toContain(`${winner!.name}: 0`);
    await winner!.agent.ok('toggle_todo', { id: winner!.todos[0]!.id });
    const after = await get(server, '/leaderboard/');
    expect(after.status).toBe(200);
    expect(after.headers.get('X-Mizan-Cache')).not.toBe('hit');
    expect(after.headers.get('X-Mizan-Render')).toBe('server');
    expect(rowsOf(after.html)[0]).toBe(`${winner!.name}: 1`);
    const board = dataOf(after.html)['leaderboard?limit=10'] as { leaderboard: { username: string; done: number }[] };
    expect(board.leaderboard[0]).toEqual({ username: winner!.name, done: 1 });
    expect(after.headers.get('ETag')).not.toBe(first.headers.get('ETag'));
    expect((await get(server, '/leaderboard/')).headers.get('X-Mizan-Cache')).toBe('hit');

    // Another limit is another entry.
    const two = await get(server, '/leaderboard/?limit=2');
    expect(two.status).toBe(200);
    expect(two.headers.get('X-Mizan-Cache')).toBe('miss');
    expect(rowsOf(two.html)).toEqual(rowsOf(after.html).slice(0, 2));
    expect(Object.keys(dataOf(two.html))).toContain('leaderboard?limit=2');
    expect((await get(server, '/leaderboard/?limit=2')).headers.get('X-Mizan-Cache')).toBe('hit');

    const bad = await new Agent(server.origin).request('/leaderboard/?limit=abc');
    expectError(bad, 400, 'bad_request');
  });
});

describe('renderers and the server', () => {
  it('leaves no renderer behind when the server is killed with SIGKILL', async () => {
    const server = new TodoServer(freshDataDir(), ssrEnv());
    try {
      await server.start();
      expect((await get(server, '/')).headers.get('X-Mizan-Render')).toBe('server');
      let pids: number[] = [];
      expect(await until(() => (pids = renderersOf(server, bundle)).length === 2, 10_000)).toBe(true);
      await server.stop('SIGKILL');
      const left = (): number[] => {
        const alive = new Set(processesWith(bundle).map((p) => p.pid));
        return pids.filter((pid) => alive.has(pid));
      };
      await until(() => left().length === 0, 3_000);
      expect(left(), `renderers left behind: ${JSON.stringify(processesWith(bundle))}`).toEqual([]);
    } finally {
      if (server.running) await server.stop('SIGKILL');
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  });
});

describe('pages without renderers', () => {
  it('sends the data without markup at once when no renderer can start', async () => {
    const server = await startServer(ssrEnv({ MIZAN_NODE: '/bin/false' }));
    try {
      const { agent } = await signedIn(server.origin);
      await agent.addTodo('no-renderer-todo');
      const started = Date.now();
      const doc = await get(server, '/', agent.cookieHeader());
      const took = Date.now() - started;
      expect(doc.status).toBe(200);
      expect(doc.headers.get('X-Mizan-Render')).toBe('client');
      expect(took, 'ms for a page without renderers').toBeLessThan(1_000);
      const data = dataOf(doc.html) as { todos: { list_todos: Todo[] } };
      expect(data.todos.list_todos.map((t) => t.title)).toEqual(['no-renderer-todo']);
      expect(markupOf(doc.html)).not.toContain('no-renderer-todo');
    } finally {
      await server.dispose();
    }
  });

  it('answers every page while its renderers are killed again and again', async () => {
    const server = await startServer(ssrEnv());
    try {
      const { agent } = await signedIn(server.origin);
      await agent.addTodo('survivor-todo');
      const cookie = agent.cookieHeader();
      expect((await get(server, '/', cookie)).headers.get('X-Mizan-Render')).toBe('server');
      let running = true;
      let kills = 0;
      // Kills every renderer as soon as one has rendered since the last
      // round: the pool's renderers die ready, some in the middle of a render.
      let rendered = false;
      const killer = (async () => {
        while (running) {
          if (rendered) {
            rendered = false;
            for (const pid of renderersOf(server, bundle)) {
              try {
                process.kill(pid, 'SIGKILL');
                kills += 1;
              } catch {
                // Gone already.
              }
            }
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const renders: Record<string, number> = {};
      try {
        let next = 0;
        // 200 requests, 10 at a time.
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            while (next < 200) {
              next += 1;
              const doc = await get(server, '/', cookie);
              expect(doc.status, doc.html.slice(0, 300)).toBe(200);
              const render = doc.headers.get('X-Mizan-Render') ?? 'none';
              renders[render] = (renders[render] ?? 0) + 1;
              if (render === 'server') rendered = true;
              expect(['server', 'client']).toContain(render);
              const data = dataOf(doc.html) as { todos: { list_todos: Todo[] } };
              expect(data.todos.list_todos.map((t) => t.title)).toEqual(['survivor-todo']);
            }
          }),
        );
      } finally {
        running = false;
        await killer;
      }
      expect(kills).toBeGreaterThan(0);
      console.log(`renders while killing renderers (${kills} kills): ${JSON.stringify(renders)}`);
      // Left alone, the pool renders again.
      expect(
        await until(async () => (await get(server, '/', cookie)).headers.get('X-Mizan-Render') === 'server', 15_000),
        server.output(),
      ).toBe(true);
    } finally {
      await server.dispose();
    }
  }, 60_000);
});

describe('a development server', () => {
  it('picks up a rewritten bundle without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mizan-ssr-dev-'));
    const file = join(dir, 'bundle.mjs');
    const write = (text: string): void =>
      writeFileSync(file, `export function render(i) { return { head: '', body: '<p id="v">${text}</p>' } }\n`);
    write('one');
    const server = await startServer({ ...ssrEnv({ MIZAN_DEBUG: '1' }), MIZAN_SSR_BUNDLE: file });
    try {
      const pid = server.pid;
      const first = await get(server, '/');
      expect(first.headers.get('X-Mizan-Render')).toBe('server');
      expect(markupOf(first.html)).toContain('<p id="v">one</p>');
      write('two');
      let last = '';
      const changed = await until(async () => {
        last = markupOf((await get(server, '/')).html);
        return last.includes('<p id="v">two</p>');
      }, 3_000);
      expect(changed, `still ${last}\n${server.output()}`).toBe(true);
      expect(server.pid).toBe(pid);
      expect(server.running).toBe(true);
    } finally {
      await server.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
