// The reference app's front ends (examples/todo/web-*) in Debian's Chromium
// against the real server: one scenario, the same for React, Vue and Svelte,
// since the three share their labels, roles and test ids.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, freshDataDir, runTodo, TodoServer } from '../integration/server.js';

/** A front end of the reference app: its directory is examples/todo/web-<name>. */
export type Framework = 'react' | 'vue' | 'svelte';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const chromiumPath = '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Builds run two at a time on two cores, next to a server under ASan. */
const build_timeout_ms = 120_000;
/** Each wait for the page; invalidation round trips take milliseconds. */
export const step_timeout_ms = 10_000;

/** The app's directory. */
const appDir = (framework: Framework): string => join(root, 'examples', 'todo', `web-${framework}`);

/** `vite build` of the app into `outDir`; rejects with Vite's output on failure. */
export function buildApp(framework: Framework, outDir: string): Promise<void> {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: appDir(framework),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build of web-${framework} failed (${code})\n${output}`)),
    );
  });
}

/** Waits until the element's trimmed text is exactly `text`. */
export async function expectText(locator: Locator, text: string): Promise<void> {
  await expect
    .poll(async () => (await locator.first().textContent())?.trim(), { timeout: step_timeout_ms })
    .toBe(text);
}

/** Marks the page so that a reload (which would clear the mark) is detected. */
export async function markNoReload(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { __noReload: true }));
}

export async function stillNoReload(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);
}

/**
 * Registers the test file of one front end: builds it, serves it from a fresh
 * server, and drives it in Chromium.
 */
export function describeWebApp(framework: Framework): void {
  let server: TodoServer | undefined;
  let context: BrowserContext | undefined;
  let profile = '';
  let dist = '';
  const problems: string[] = [];

  beforeAll(async () => {
    try {
      accessSync(chromiumPath, constants.X_OK);
    } catch {
      throw new Error(`${chromiumPath} is missing: scripts/bootstrap.sh --test installs it (Debian package chromium)`);
    }
    dist = mkdtempSync(join(tmpdir(), `mizan-web-${framework}-`));
    await buildApp(framework, dist);
    // A fixed port, known before start-up: the page's POSTs carry an Origin
    // that must be one the server allows for its configured address.
    server = new TodoServer(freshDataDir(), {
      MIZAN_BIND: `127.0.0.1:${await freePort()}`,
      MIZAN_STATIC_DIR: dist,
    });
    await server.start();
    profile = mkdtempSync(join(tmpdir(), 'mizan-e2e-profile-'));
    // `headless: false` keeps Playwright from adding its own --headless, so
    // that --headless=new applies.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: false,
      args: chromiumArgs,
    });
  }, build_timeout_ms);

  afterAll(async () => {
    await context?.close();
    await server?.dispose();
    for (const dir of [profile, dist]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A new tab on the app, watched for page errors and 5xx answers; `watch`
   * adds listeners before the page loads.
   */
  async function openPage(watch?: (page: Page) => void): Promise<Page> {
    const page = await context!.newPage();
    page.setDefaultTimeout(step_timeout_ms);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // 4xx answers are part of the flow (422s, a refused sign-in); 5xx never are.
    page.on('response', (r) => r.status() >= 500 && problems.push(`${r.status()} ${r.url()}`));
    watch?.(page);
    await page.goto(server!.url('/'));
    await expectText(page.getByRole('heading', { level: 1 }), 'Mizan todos');
    return page;
  }

  /** Runs `steps`; on failure saves a screenshot of every tab and adds the server's output. */
  async function withFailureReport(steps: () => Promise<void>): Promise<void> {
    try {
      await steps();
    } catch (e) {
      const dir = mkdtempSync(join(tmpdir(), `mizan-e2e-web-${framework}-`));
      const pages = context?.pages() ?? [];
      await Promise.all(
        pages.map((p, i) => p.screenshot({ path: join(dir, `tab-${i}.png`), fullPage: true }).catch(() => undefined)),
      );
      const detail = problems.length ? `\n${problems.join('\n')}` : '';
      throw new Error(`${(e as Error).message}\nscreenshots: ${dir}${detail}\n${server?.output() ?? ''}`, { cause: e });
    }
  }

  describe(`the ${framework} front end`, () => {
    it('is built from the client the generator writes today', () => {
      const out = mkdtempSync(join(tmpdir(), `mizan-gen-${framework}-`));
      try {
        const r = runTodo(['generate', '--out', out, '--framework', framework]);
        expect(r.status, r.stderr).toBe(0);
        const committed = join(appDir(framework), 'src', 'api');
        const files = readdirSync(out).sort();
        expect(readdirSync(committed).sort()).toEqual(files);
        for (const file of files) {
          expect(readFileSync(join(committed, file), 'utf8'), `src/api/${file}: run npm run generate`).toBe(
            readFileSync(join(out, file), 'utf8'),
          );
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });

    it('loads signed out with nothing in the console: no 401 for ctx/todos, no 404 for a favicon', async () => {
      await withFailureReport(async () => {
        await context!.clearCookies();
        const errors: string[] = [];
        const requests: string[] = [];
        const page = await openPage((p) => {
          p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
          p.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
          p.on('request', (r) => requests.push(new URL(r.url()).pathname));
        });
        await page.getByRole('button', { name: 'Sign up' }).waitFor();
        await page.getByTestId('public-stats').waitFor();
        await page.getByTestId('leaderboard').waitFor({ state: 'attached' });
        // Focus refetches too; anything late would show up meanwhile.
        await page.bringToFront();
        await page.waitForTimeout(500);
        expect(errors).toEqual([]);
        expect(requests.filter((path) => path.includes('/ctx/todos/'))).toEqual([]);
        expect(requests).toContain('/api/mizan/session/');
        expect(problems).toEqual([]);
        await page.close();
      });
    });

    it('shows a sign-up in the public counts and the leaderboard at once, without a reload', async () => {
      await withFailureReport(async () => {
        await context!.clearCookies();
        const page = await openPage();
        const publicStats = page.getByTestId('public-stats');
        await publicStats.waitFor();
        const [users = NaN, todos = NaN] = ((await publicStats.textContent()) ?? '').match(/\d+/g)!.map(Number);
        const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
        await expectText(publicStats, `${count(users, 'user')}, ${count(todos, 'todo')}`);
        await markNoReload(page);

        const username = `joiner_${framework}_${Date.now()}`;
        await page.getByLabel('Username').fill(username);
        await page.getByLabel('Password').fill('correct horse battery');
        await page.getByRole('button', { name: 'Sign up' }).click();
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
        // The server lists stats and leaderboard among the sign-up's
        // invalidations, and purges their cached copies.
        await expectText(publicStats, `${count(users + 1, 'user')}, ${count(todos, 'todo')}`);
        await page.getByTestId('leaderboard').getByText(`${username}: 0`).waitFor();
        expect(await stillNoReload(page)).toBe(true);

        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByRole('button', { name: 'Sign up' }).waitFor();
        expect(problems).toEqual([]);
        await page.close();
      });
    });

    it('signs up, adds, toggles and deletes todos live in two tabs, and shows field errors', async () => {
      await withFailureReport(async () => {
        const page = await openPage();
        const username = `web_${framework}_${Date.now()}`;
        const password = 'correct horse battery';

        // Signed out: the client reports the private context `unauthenticated`.
        await page.getByLabel('Username').fill(username);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign up' }).click();
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
        await expectText(page.getByTestId('username'), username);
        const stats = page.getByTestId('stats');
        await expectText(stats, '0 of 0 done');

        // Everything below happens without a reload: the mark would vanish.
        await markNoReload(page);
        const title = page.getByLabel('New todo');
        const todos = page.getByRole('region', { name: 'Your todos' }).getByRole('listitem');
        await title.fill('Buy milk');
        await page.getByRole('button', { name: 'Add' }).click();
        // The call's `invalidate` refetches the todos context: list and count.
        await expectText(stats, '0 of 1 done');
        await expect.poll(() => todos.count()).toBe(1);
        await page.getByRole('checkbox', { name: 'Buy milk' }).waitFor();
        await expect.poll(() => title.inputValue()).toBe('');

        // A second tab of the same user (same cookies) follows the first one.
        const second = await openPage();
        const secondStats = second.getByTestId('stats');
        await expectText(secondStats, '0 of 1 done');
        await markNoReload(second);
        // Back to the first tab: a background tab gets no animation frames,
        // which Playwright's clicks wait for. The second one, now in the
        // background, sees no focus event either: only other tabs' messages
        // can update it.
        await page.bringToFront();

        const box = page.getByRole('checkbox', { name: 'Buy milk' });
        expect(await box.isChecked()).toBe(false);
        await box.click();
        await expectText(stats, '1 of 1 done');
        await expect.poll(() => box.isChecked()).toBe(true);
        await expectText(secondStats, '1 of 1 done');
        await expect.poll(() => second.getByRole('checkbox', { name: 'Buy milk' }).isChecked()).toBe(true);

        await title.fill('Walk the dog');
        await page.getByRole('button', { name: 'Add' }).click();
        await expectText(stats, '1 of 2 done');
        await expectText(secondStats, '1 of 2 done');

        await todos.filter({ hasText: 'Buy milk' }).getByRole('button', { name: 'Delete' }).click();
        await expectText(stats, '0 of 1 done');
        await expect.poll(() => todos.count()).toBe(1);
        await page.getByRole('checkbox', { name: 'Walk the dog' }).waitFor();
        await expectText(secondStats, '0 of 1 done');

        // The schema's rule, checked in the browser with the server's message.
        await title.fill('');
        await page.getByRole('button', { name: 'Add' }).click();
        const titleError = page.locator('[data-field-error="title"]');
        await expectText(titleError, 'This field is required.');
        expect(await title.getAttribute('aria-invalid')).toBe('true');
        await expectText(stats, '0 of 1 done');
        await title.fill('Water the plants');
        await expectText(titleError, '');

        expect(await stillNoReload(page)).toBe(true);
        expect(await stillNoReload(second)).toBe(true);

        // Signing out in one tab signs out the other.
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByRole('button', { name: 'Sign up' }).waitFor();
        await second.getByRole('button', { name: 'Sign up' }).waitFor();

        // A 422 from the server lands on its field: the name is taken.
        await page.getByLabel('Username').fill(username);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign up' }).click();
        await expectText(page.locator('[data-field-error="username"]'), 'A user with that username already exists.');

        // A refused sign-in is a message for the whole form.
        await page.getByLabel('Password').fill('not the password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        const formError = page.getByRole('form', { name: 'Sign in or sign up' }).locator('.form-error');
        await expectText(formError, 'Invalid username or password.');

        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expectText(stats, '0 of 1 done');
        await page.getByRole('checkbox', { name: 'Walk the dog' }).waitFor();
        await expectText(second.getByTestId('stats'), '0 of 1 done');

        expect(problems).toEqual([]);
        await Promise.all([page.close(), second.close()]);
      });
    }, 90_000);

    it('pushes changes live to other users and devices: separate browsers, no reload, no private leak', async () => {
      // Separate browser contexts share no cookies, storage or
      // BroadcastChannel: only the server's WebSocket pushes connect them.
      const browser: Browser = await chromium.launch({ executablePath: chromiumPath, headless: false, args: chromiumArgs });
      try {
        await withFailureReport(async () => {
          /** Every WebSocket frame each page receives, and every context it fetches. */
          const seen = new Map<Page, { frames: string[]; fetched: string[] }>();
          const open = async (): Promise<Page> => {
            const page = await (await browser.newContext()).newPage();
            const record = { frames: [] as string[], fetched: [] as string[] };
            seen.set(page, record);
            page.on('websocket', (ws) => ws.on('framereceived', (f) => record.frames.push(String(f.payload))));
            page.on('request', (r) => r.url().includes('/ctx/') && record.fetched.push(new URL(r.url()).pathname));
            page.setDefaultTimeout(step_timeout_ms);
            page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
            page.on('response', (r) => r.status() >= 500 && problems.push(`${r.status()} ${r.url()}`));
            await page.goto(server!.url('/'));
            await expectText(page.getByRole('heading', { level: 1 }), 'Mizan todos');
            return page;
          };
          const enter = async (page: Page, username: string, button: 'Sign up' | 'Sign in'): Promise<void> => {
            await page.getByLabel('Username').fill(username);
            await page.getByLabel('Password').fill('correct horse battery');
            await page.getByRole('button', { name: button }).click();
            await page.getByRole('button', { name: 'Sign out' }).waitFor();
          };
          /** What the page heard and fetched from now on. */
          const watch = (page: Page) => {
            const record = seen.get(page)!;
            const [frames, fetched] = [record.frames.length, record.fetched.length];
            return {
              frames: () => record.frames.slice(frames),
              fetched: () => record.fetched.slice(fetched),
            };
          };
          const stamp = `${framework}${Date.now() % 1_000_000}`;
          const ann = `ann_${stamp}`;
          const bob = `bob_${stamp}`;

          const annLaptop = await open();
          await enter(annLaptop, ann, 'Sign up');
          const annPhone = await open();
          await enter(annPhone, ann, 'Sign in');
          const bobPage = await open();
          await enter(bobPage, bob, 'Sign up');
          const anonymous = await open();
          await anonymous.getByRole('button', { name: 'Sign up' }).waitFor();
          await anonymous.getByTestId('public-stats').waitFor();
          const bobSeen = watch(bobPage);
          const anonSeen = watch(anonymous);
          for (const page of [annPhone, bobPage, anonymous]) await markNoReload(page);

          await annLaptop.getByLabel('New todo').fill('Secret plans');
          await annLaptop.getByRole('button', { name: 'Add' }).click();
          // Ann's other device follows (her private push), and everyone sees the activity.
          await expectText(annPhone.getByTestId('stats'), '0 of 1 done');
          for (const page of [bobPage, anonymous]) {
            await page.getByTestId('activity').getByText(`${ann} added a todo`).waitFor();
          }

          const box = annLaptop.getByRole('checkbox', { name: 'Secret plans' });
          const clicked = Date.now();
          await box.click();
          // The public leaderboard changes in Bob's browser within a second.
          await bobPage.getByTestId('leaderboard').getByText(`${ann}: 1`).waitFor({ timeout: 1_000 });
          expect(Date.now() - clicked).toBeLessThan(1_000);
          await anonymous.getByTestId('leaderboard').getByText(`${ann}: 1`).waitFor();
          await expect.poll(() => annPhone.getByRole('checkbox', { name: 'Secret plans' }).isChecked()).toBe(true);
          await bobPage.getByTestId('activity').getByText(`${ann} finished a todo`).waitFor();

          // Bob and the anonymous page heard public news only: no private
          // entry (todos, todo), no title, and Bob never refetched his own
          // private list for Ann's change.
          for (const heard of [bobSeen, anonSeen]) {
            expect(heard.frames().some((f) => f.includes('leaderboard'))).toBe(true);
            expect(heard.frames().filter((f) => /"todos?"|Secret plans/.test(f))).toEqual([]);
            expect(heard.fetched().filter((path) => path.includes('/ctx/todos/'))).toEqual([]);
          }
          for (const page of [annPhone, bobPage, anonymous]) expect(await stillNoReload(page)).toBe(true);
          expect(problems).toEqual([]);
        });
      } finally {
        await browser.close();
      }
    }, 90_000);
  });
}
