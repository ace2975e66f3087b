// Server markup hydrated in Debian's Chromium, for each front end: the page
// the C++ server would send (dist/index.html with `<!--app-head-->` and
// `<!--app-html-->` replaced, the data inlined by ssrScript) is served by a
// stub of the API that counts context requests. Hydration must keep the
// server's elements, log no mismatch, and ask for none of the inlined data.
import { accessSync, constants, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ssrScript } from '../../packages/base/src/index.js';
import { build, frameworks, importEntry, type Entry, type Framework } from './build.js';

const chromiumPath = '/usr/bin/chromium';
const args = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };

const row = (username: string, done: number) => ({ username, done });
const ann = { id: 1, username: 'ann', email: '', is_staff: false, is_superuser: false };
const todos = {
  list_todos: [{ id: 1, title: 'milk', done: true, created_at: '2026-01-01T00:00:00Z' }],
  todo_stats: { total: 1, done: 1 },
};
const stats = { public_stats: { users: 2, todos: 1 } };

/** What one page load serves: who the session says is signed in, and the data the page was rendered with. */
interface Visit {
  user: typeof ann | null;
  data: Record<string, unknown>;
}

let browser: Browser | undefined;
let server: Server | undefined;
let origin = '';
const built = new Map<Framework, { out: string; entry: Entry }>();
let current: { fw: Framework; visit: Visit } | undefined;
/** Context requests (`ctx/<name>/?<params>`) of the current visit. */
let asked: string[] = [];

async function answer(url: URL): Promise<[number, string, string]> {
  const { fw, visit } = current!;
  const { out, entry } = built.get(fw)!;
  const api = url.pathname.match(/^\/api\/mizan\/(.*)$/)?.[1];
  if (api == 'session/') return [200, 'application/json', JSON.stringify({ user: visit.user, csrf_token: 't' })];
  if (api?.startsWith('ctx/')) {
    asked.push(api + url.search);
    return [500, 'application/json', '{"error":{"code":"internal","message":"not in this test"}}'];
  }
  if (url.pathname.startsWith('/assets/')) {
    const file = join(out, 'client', normalize(url.pathname));
    return [200, types[extname(file)] ?? 'application/octet-stream', readFileSync(file, 'utf8')];
  }
  const params = url.pathname.startsWith('/leaderboard') ? { limit: Number(url.searchParams.get('limit') ?? 10) } : {};
  const { head, body } = await entry.render({ route: url.pathname, path: url.pathname, params, data: visit.data });
  // Marks the server's elements before the app's module runs; a module after
  // it lists those the first render added (Svelte mends a mismatched `{#if}`
  // silently, Vue and Svelte hydrate synchronously). A mount that replaced
  // the markup instead of hydrating it would also lose the mark of <main>.
  const mark =
    `<script>document.querySelectorAll('#app *').forEach((e) => (e.ssr = true))</script>` +
    `<script type="module">window.added = [...document.querySelectorAll('#app *')]` +
    `.filter((e) => !e.ssr).map((e) => e.tagName)</script>`;
  const html = readFileSync(join(out, 'client', 'index.html'), 'utf8')
    .replace('<!--app-head-->', () => head + ssrScript(visit.data))
    .replace('<!--app-html-->', () => body)
    .replace('</body>', () => mark + '</body>');
  return [200, 'text/html', html];
}

beforeAll(async () => {
  accessSync(chromiumPath, constants.X_OK);
  await Promise.all(
    frameworks.map(async (fw) => {
      const out = await build(fw, true);
      built.set(fw, { out, entry: await importEntry(out) });
    }),
  );
  server = createServer((req, res) => {
    answer(new URL(req.url ?? '/', origin)).then(
      ([status, type, body]) => res.writeHead(status, { 'content-type': type }).end(body),
      (e: Error) => res.writeHead(500).end(String(e.stack)),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath, headless: false, args });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  for (const { out } of built.values()) rmSync(out, { recursive: true, force: true });
});

/**
 * Loads `path` as the server would render it, waits for `ready` (a selector
 * that shows the app runs after hydrating), then a little more for requests.
 *
 * @returns the console's errors and warnings, whether the server's <main> was kept, the elements the first
 *   render added, and the context requests
 */
async function load(fw: Framework, path: string, visit: Visit, ready: string) {
  current = { fw, visit };
  asked = [];
  const page = await browser!.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    // No WebSocket endpoint in this stub: the client's socket fails, and retries.
    if ((m.type() == 'error' || m.type() == 'warning') && !/WebSocket/.test(m.text())) problems.push(m.text());
  });
  try {
    await page.goto(origin + path);
    await page.locator(ready).first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    const [kept, added] = await page.evaluate(() => [
      (document.querySelector('#app main') as { ssr?: boolean } | null)?.ssr,
      (window as { added?: string[] }).added,
    ]);
    return { problems, kept, added, asked: [...asked] };
  } finally {
    await page.close();
  }
}

describe.each(frameworks)('%s hydration', (fw) => {
  it('hydrates a signed-in page without a mismatch or a context request', async () => {
    const data = { todos, 'leaderboard?limit=10': { leaderboard: [row('ann', 1)] }, stats };
    // The name comes from session/ after hydration: the app is live.
    const seen = await load(fw, '/', { user: ann, data }, '[data-testid="username"]:has-text("ann")');
    expect(seen).toEqual({ problems: [], kept: true, added: [], asked: [] });
  });

  it('hydrates an anonymous page (no todos in the data) and then shows the sign-in form', async () => {
    const data = { 'leaderboard?limit=10': { leaderboard: [row('ann', 1)] }, stats };
    const seen = await load(fw, '/', { user: null, data }, 'button:has-text("Sign in")');
    expect(seen).toEqual({ problems: [], kept: true, added: [], asked: [] });
  });

  it('hydrates /leaderboard/?limit=25 from the data keyed leaderboard?limit=25', async () => {
    const data = { 'leaderboard?limit=25': { leaderboard: [row('cat', 9)] }, stats };
    const seen = await load(fw, '/leaderboard/?limit=25', { user: null, data }, 'a[href="/"]');
    expect(seen).toEqual({ problems: [], kept: true, added: [], asked: [] });
  });
});
