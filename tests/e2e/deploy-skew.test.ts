// Deploy skew in Chromium, with the React front end against the real server:
// a tab built for one schema hears (X-Mizan-Schema) that the server now runs
// another, keeps its page, and turns its next navigation into a page load
// (reloadOnNavigation); a call from a bundle of another schema is refused
// before it runs. A deploy is simulated by rewriting the schema header on
// the way, the only part of a deploy a page can see.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, freshDataDir, TodoServer } from '../integration/server.js';
import {
  buildApp,
  chromiumArgs,
  chromiumPath,
  expectText,
  markNoReload,
  step_timeout_ms,
  stillNoReload,
} from './web-app.js';

const deployed = 'feedfacefeedface';
const old = '0123456789abcdef';
let server: TodoServer | undefined;
let context: BrowserContext | undefined;
let dist = '';
let profile = '';

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'mizan-skew-react-'));
  await buildApp('react', dist);
  server = new TodoServer(freshDataDir(), { MIZAN_BIND: `127.0.0.1:${await freePort()}`, MIZAN_STATIC_DIR: dist });
  await server.start();
  profile = mkdtempSync(join(tmpdir(), 'mizan-skew-profile-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: false,
    args: chromiumArgs,
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.dispose();
  for (const dir of [profile, dist]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A signed-up user's todos page. */
async function signedUpPage(name: string): Promise<Page> {
  await context!.clearCookies();
  const page = await context!.newPage();
  page.setDefaultTimeout(step_timeout_ms);
  await page.goto(server!.url('/'));
  await page.getByLabel('Username').fill(`${name}_${Date.now()}`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expectText(page.getByTestId('stats'), '0 of 0 done');
  return page;
}

async function add(page: Page, title: string): Promise<void> {
  await page.getByLabel('New todo').fill(title);
  await page.getByRole('button', { name: 'Add' }).click();
}

describe('a tab opened before a deploy', () => {
  it('keeps its page when the schema changes, and loads the new code at its next navigation', async () => {
    const page = await signedUpPage('skew');
    await markNoReload(page);
    // From now on every API answer comes from "the new version".
    await page.route('**/api/mizan/**', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'x-mizan-schema': deployed } });
    });
    await add(page, 'after the deploy');
    await expectText(page.getByTestId('stats'), '0 of 1 done');
    expect(await stillNoReload(page)).toBe(true);

    // A client-side navigation (a router's pushState) becomes a page load.
    await page.evaluate(() => history.pushState({}, '', '/leaderboard/'));
    await expect.poll(() => stillNoReload(page).catch(() => true), { timeout: step_timeout_ms }).toBe(false);
    expect(new URL(page.url()).pathname).toBe('/leaderboard/');
    await page.getByRole('link', { name: 'Todos' }).waitFor();
    await page.close();
  });

  it('has its calls refused with schema_mismatch, and nothing is written', async () => {
    const page = await signedUpPage('stale');
    // The bundle of "the old version" sends its own hash with each call.
    await page.route('**/api/mizan/call/**', (route) =>
      route.continue({ headers: { ...route.request().headers(), 'x-mizan-schema': old } }),
    );
    const refused = page.waitForResponse((r) => r.url().includes('/call/add_todo/'));
    await add(page, 'from the old code');
    expect((await refused).status()).toBe(409);
    await expectText(
      page.locator('.form-error').first(),
      'The application was updated: reload the page and try again.',
    );
    await page.unroute('**/api/mizan/call/**');
    await page.reload();
    await expectText(page.getByTestId('stats'), '0 of 0 done');
    await page.close();
  });
});
