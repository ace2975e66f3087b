// The plain page the reference server serves at `/`, driven in Debian's
// Chromium: a signed-out load with a clean console, sign up, add, toggle and
// delete a todo without a reload, and see a validation message on the field.
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, freshDataDir, TodoServer } from '../integration/server.js';

const chromiumPath = '/usr/bin/chromium';
const args = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let server: TodoServer | undefined;
let context: BrowserContext | undefined;
let profile = '';
const problems: string[] = [];

beforeAll(async () => {
  try {
    accessSync(chromiumPath, constants.X_OK);
  } catch {
    throw new Error(`${chromiumPath} is missing: scripts/bootstrap.sh --test installs it (Debian package chromium)`);
  }
  // A fixed port, known before start-up: the page's POSTs carry an Origin
  // that must be one the server allows for its configured address.
  server = new TodoServer(freshDataDir(), { MIZAN_BIND: `127.0.0.1:${await freePort()}` });
  await server.start();
  profile = mkdtempSync(join(tmpdir(), 'mizan-e2e-profile-'));
  // Playwright wants the profile as userDataDir; `headless: false` keeps it
  // from adding its own --headless, so that --headless=new applies.
  context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: false, args });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.dispose();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Runs `steps` on a fresh page; on failure saves a screenshot and names it. */
async function onPage(steps: (page: Page) => Promise<void>): Promise<void> {
  const page = await context!.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // 4xx answers are part of the flow (the 422 of an empty title);
  // a 5xx or an uncaught exception never is.
  page.on('response', (r) => r.status() >= 500 && problems.push(`${r.status()} ${r.url()}`));
  try {
    await steps(page);
  } catch (e) {
    const shot = join(mkdtempSync(join(tmpdir(), 'mizan-e2e-')), 'failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    const detail = problems.length ? `\n${problems.join('\n')}` : '';
    throw new Error(`${(e as Error).message}\nscreenshot: ${shot}${detail}\n${server?.output() ?? ''}`, { cause: e });
  } finally {
    await page.close();
  }
}

describe('the todo page', () => {
  it('loads signed out with nothing in the console (no 4xx, no favicon 404), counts in the singular', async () => {
    await onPage(async (page) => {
      page.setDefaultTimeout(10_000);
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
      await page.goto(server!.url('/'));
      await page.locator('#signed-out').waitFor({ state: 'visible' });
      // A fresh server: nobody yet.
      await expectText(page, '#public-stats', '0 users, 0 todos');
      await page.waitForTimeout(300);
      expect(errors).toEqual([]);

      // Signing up lists stats among the invalidations: one user, at once.
      await page.fill('#auth-form input[name=username]', `first_${Date.now()}`);
      await page.fill('#auth-form input[name=password]', 'correct horse battery');
      await page.click('#auth-form button[value=signup]');
      await page.locator('#signed-in').waitFor({ state: 'visible' });
      await expectText(page, '#public-stats', '1 user, 0 todos');
      await page.click('#logout');
      await page.locator('#signed-out').waitFor({ state: 'visible' });
      expect(problems).toEqual([]);
    });
  });

  it('signs up, adds, toggles and deletes a todo, and shows field errors', async () => {
    await onPage(async (page) => {
      page.setDefaultTimeout(10_000);
      await page.goto(server!.url('/'));
      await expectText(page, 'h1', 'Mizan todos');
      await page.locator('#signed-out').waitFor({ state: 'visible' });

      const username = `e2e_${Date.now()}`;
      await page.fill('#auth-form input[name=username]', username);
      await page.fill('#auth-form input[name=password]', 'correct horse battery');
      await page.click('#auth-form button[value=signup]');
      await page.locator('#signed-in').waitFor({ state: 'visible' });
      await expectText(page, '#username', username);
      await expectText(page, '#stats', '0 of 0 done');

      // Everything below happens without a reload: the marker would vanish.
      await page.evaluate(() => Object.assign(window, { __noReload: true }));
      const title = page.locator('#add-form input[name=title]');
      await title.fill('Buy milk');
      await page.click('#add-form button');
      await expectText(page, '#stats', '0 of 1 done');
      const items = page.locator('#todos li');
      await expect.poll(() => items.count()).toBe(1);
      await expectText(page, '#todos li span', 'Buy milk');
      expect(await title.inputValue()).toBe('');

      await page.locator('#todos li input[type=checkbox]').check();
      await expectText(page, '#stats', '1 of 1 done');
      await expect.poll(() => items.first().getAttribute('class')).toBe('done');

      await page.locator('#todos li button', { hasText: 'Delete' }).click();
      await expectText(page, '#stats', '0 of 0 done');
      await expect.poll(() => items.count()).toBe(0);

      await title.fill('');
      await page.click('#add-form button');
      await expectText(page, '#add-form .field-error[data-field=title]', 'This field is required.');
      await expectText(page, '#stats', '0 of 0 done');

      expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
      expect(problems).toEqual([]);
    });
  }, 60_000);
});

/** Waits until the element's text is exactly `text`. */
async function expectText(page: Page, selector: string, text: string): Promise<void> {
  await expect
    .poll(async () => (await page.locator(selector).first().textContent())?.trim(), {
      timeout: 10_000,
      message: selector,
    })
    .toBe(text);
}
