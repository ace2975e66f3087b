// The reference app's pages rendered by the real server with a front end's
// server entry (MIZAN_SSR_BUNDLE), in Debian's Chromium: the markup alone
// shows the data (JavaScript off), hydration keeps it and asks for none of it
// again, the page stays live, and a cached public page follows its data. One
// scenario for React, Vue and Svelte, which share labels, roles and test ids.
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, uniqueName, type Todo } from '../integration/agent.js';
import { freePort, freshDataDir, TodoServer } from '../integration/server.js';
import { build, type Framework } from '../ssr/build.js';
import {
  chromiumArgs,
  chromiumPath,
  expectText,
  markNoReload,
  step_timeout_ms,
  stillNoReload,
} from './web-app.js';

/** Both builds of a front end, two at a time on two cores next to an ASan server. */
const build_timeout_ms = 180_000;
/** Quiet after the network's: late requests or console messages would show up meanwhile. */
const settle_ms = 500;

/**
 * Runs in the page before its scripts: when the parser is done, and before
 * the app's module runs, marks the server's elements and keeps them; when the
 * modules have run, lists the elements that the first render added.
 */
const markServerElements = (): void => {
  const w = window as unknown as { ssrElements?: Element[]; added?: string[] };
  document.addEventListener('readystatechange', () => {
    if (document.readyState !== 'interactive') return;
    w.ssrElements = Array.from(document.querySelectorAll('#app *'));
    for (const e of w.ssrElements) (e as Element & { ssr?: boolean }).ssr = true;
  });
  document.addEventListener('DOMContentLoaded', () => {
    w.added = Array.from(document.querySelectorAll('#app *'))
      .filter((e) => !(e as Element & { ssr?: boolean }).ssr)
      .map((e) => e.tagName);
  });
};

/** What hydration did to the server's elements. */
interface Hydrated {
  /** How many elements the server sent. */
  readonly server: number;
  /** Whether `<main>` is the server's element still. */
  readonly mainKept: boolean;
  /** The server's elements no longer in the document. */
  readonly dropped: string[];
  /** The elements the first render added, when the modules had run. */
  readonly added: string[] | undefined;
}

async function hydrated(page: Page): Promise<Hydrated> {
  return page.evaluate(() => {
    const w = window as unknown as { ssrElements?: Element[]; added?: string[] };
    const main = document.querySelector('#app main') as (Element & { ssr?: boolean }) | null;
    return {
      server: w.ssrElements?.length ?? 0,
      mainKept: main?.ssr === true,
      dropped: (w.ssrElements ?? []).filter((e) => !e.isConnected).map((e) => e.tagName),
      added: w.added,
    };
  });
}

/** A user made through the API, with the cookies of its session. */
interface User {
  readonly agent: Agent;
  readonly name: string;
  readonly todos: Todo[];
}

/**
 * Registers the test file of one front end: builds its client and server
 * entry, serves both from one server, and loads its pages in Chromium.
 */
export function describeSsrApp(framework: Framework): void {
  let server: TodoServer | undefined;
  let browser: Browser | undefined;
  let out = '';
  let ann: User;

  beforeAll(async () => {
    try {
      accessSync(chromiumPath, constants.X_OK);
    } catch {
      throw new Error(`${chromiumPath} is missing: scripts/bootstrap.sh --test installs it (Debian package chromium)`);
    }
    out = await build(framework, true);
    // Node 20 reads a .js file as ESM only under a package of type module.
    writeFileSync(join(out, 'server', 'package.json'), '{"type":"module"}\n');
    // A fixed port, known before start-up: the page's POSTs carry an Origin
    // that must be one the server allows for its configured address.
    server = new TodoServer(freshDataDir(), {
      MIZAN_BIND: `127.0.0.1:${await freePort()}`,
      MIZAN_STATIC_DIR: join(out, 'client'),
      MIZAN_SSR_BUNDLE: join(out, 'server', 'entry-server.js'),
      MIZAN_SSR_PROCESSES: '2',
    });
    await server.start();
    browser = await chromium.launch({ executablePath: chromiumPath, headless: false, args: chromiumArgs });
    ann = await userWith(['Buy milk', 'Walk the dog'], 1);
    // Two more on the leaderboard, so that `?limit=2` leaves one out.
    for (let i = 0; i < 2; ++i) await userWith([], 0);
  }, build_timeout_ms);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  /** Signs up a user through the API with `titles`, the first `done` of them done. */
  async function userWith(titles: string[], done: number): Promise<User> {
    const agent = new Agent(server!.origin);
    const name = uniqueName(`${framework}_`);
    await agent.signup(name);
    const todos: Todo[] = [];
    for (const title of titles) todos.push(await agent.addTodo(title));
    for (const todo of todos.slice(0, done)) await agent.ok('toggle_todo', { id: todo.id });
    return { agent, name, todos };
  }

  /** A browser context with `user`'s session (or none), JavaScript on or off. */
  async function contextFor(user: User | null, javaScriptEnabled: boolean): Promise<BrowserContext> {
    const context = await browser!.newContext({ javaScriptEnabled });
    if (user) {
      const url = server!.origin;
      await context.addCookies([...user.agent.jar].map(([name, value]) => ({ name, value, url })));
    }
    return context;
  }

  /** What one page load saw: console errors and warnings, page errors, 5xx, and context requests. */
  interface Watch {
    readonly problems: string[];
    readonly contextRequests: string[];
  }

  async function open(context: BrowserContext, path: string): Promise<{ page: Page; watch: Watch }> {
    const page = await context.newPage();
    page.setDefaultTimeout(step_timeout_ms);
    const watch: Watch = { problems: [], contextRequests: [] };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') watch.problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => watch.problems.push(`page error: ${e.message}`));
    page.on('response', (r) => r.status() >= 500 && watch.problems.push(`${r.status()} ${r.url()}`));
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/mizan/ctx/')) watch.contextRequests.push(url.pathname + url.search);
    });
    await page.addInitScript(markServerElements);
    const response = await page.goto(server!.url(path));
    expect(response?.status()).toBe(200);
    expect(response?.headers()['x-mizan-render'], server!.output()).toBe('server');
    return { page, watch };
  }

  /** Waits for the network to go idle after hydration, then a little more. */
  async function settle(page: Page): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(settle_ms);
  }

  /** Runs `steps` on `context`, closed after; on failure saves a screenshot and adds the server's output. */
  async function withContext(context: BrowserContext, steps: () => Promise<void>): Promise<void> {
    try {
      await steps();
    } catch (e) {
      const dir = mkdtempSync(join(tmpdir(), `mizan-e2e-ssr-${framework}-`));
      await Promise.all(
        context.pages().map((p, i) => p.screenshot({ path: join(dir, `tab-${i}.png`), fullPage: true }).catch(() => 0)),
      );
      throw new Error(`${(e as Error).message}\nscreenshots: ${dir}\n${server?.output() ?? ''}`, { cause: e });
    } finally {
      await context.close();
    }
  }

  describe(`the ${framework} front end rendered on the server`, () => {
    it('shows the todos and the leaderboard with JavaScript off', async () => {
      const context = await contextFor(ann, false);
      await withContext(context, async () => {
        const { page } = await open(context, '/');
        // Nothing runs: all of it is in the document.
        await expectText(page.getByTestId('stats'), '1 of 2 done');
        const todos = page.getByRole('region', { name: 'Your todos' }).getByRole('listitem');
        expect(await todos.count()).toBe(2);
        expect(await page.getByRole('checkbox', { name: 'Buy milk' }).isChecked()).toBe(true);
        expect(await page.getByRole('checkbox', { name: 'Walk the dog' }).isChecked()).toBe(false);
        await page.getByTestId('leaderboard').getByText(`${ann.name}: 1`).waitFor();
        await page.getByTestId('public-stats').waitFor();

        const board = await open(context, '/leaderboard/?limit=2');
        const rows = board.page.getByTestId('leaderboard').getByRole('listitem');
        await expectText(rows.first(), `${ann.name}: 1`);
        expect(await rows.count()).toBe(2);
      });
    });

    it('hydrates a signed-in page without a request for its data or a console message, then stays live', async () => {
      const context = await contextFor(ann, true);
      await withContext(context, async () => {
        const { page, watch } = await open(context, '/');
        // session/ answered: the app runs.
        await expectText(page.getByTestId('username'), ann.name);
        await settle(page);
        expect(watch.contextRequests).toEqual([]);
        expect(watch.problems).toEqual([]);
        const kept = await hydrated(page);
        expect(kept.server).toBeGreaterThan(10);
        expect(kept).toMatchObject({ mainKept: true, dropped: [], added: [] });

        await markNoReload(page);
        const stats = page.getByTestId('stats');
        await page.getByLabel('New todo').fill('Water the plants');
        await page.getByRole('button', { name: 'Add' }).click();
        const box = page.getByRole('checkbox', { name: 'Water the plants' });
        await box.waitFor();
        await expectText(stats, '1 of 3 done');
        await box.click();
        await expectText(stats, '2 of 3 done');
        await page.getByTestId('leaderboard').getByText(`${ann.name}: 2`).waitFor();
        // Back as it was, for the other tests.
        await box.click();
        await expectText(stats, '1 of 3 done');
        await page.getByTestId('leaderboard').getByText(`${ann.name}: 1`).waitFor();
        expect(await stillNoReload(page)).toBe(true);
        expect(watch.problems).toEqual([]);
      });
    });

    it('hydrates a signed-out page without a console message and then shows the sign-in form', async () => {
      const context = await contextFor(null, true);
      await withContext(context, async () => {
        const { page, watch } = await open(context, '/');
        await page.getByRole('button', { name: 'Sign up' }).waitFor();
        await settle(page);
        expect(watch.problems).toEqual([]);
        expect(watch.contextRequests).toEqual([]);
        // The server rendered "Loading…" where the form now is: only <main> must stay.
        const kept = await hydrated(page);
        expect(kept.mainKept).toBe(true);
        expect(kept.added).toEqual([]);
      });
    });

    it('renders a cached public page again after a mutation of its data', async () => {
      const bob = await userWith(['Read a book'], 0);
      const context = await contextFor(null, false);
      await withContext(context, async () => {
        const { page } = await open(context, '/leaderboard/');
        const row = page.getByTestId('leaderboard').getByText(`${bob.name}: 0`);
        await row.waitFor();
        const again = await page.reload();
        expect(again?.headers()['x-mizan-cache']).toBe('hit');
        await row.waitFor();

        await bob.agent.ok('toggle_todo', { id: bob.todos[0]!.id });
        const after = await page.reload();
        expect(after?.headers()['x-mizan-render']).toBe('server');
        expect(after?.headers()['x-mizan-cache']).not.toBe('hit');
        await page.getByTestId('leaderboard').getByText(`${bob.name}: 1`).waitFor();
        expect(await page.getByTestId('leaderboard').getByText(`${bob.name}: 0`).count()).toBe(0);
      });
    });
  });
}
