// The page of an app `mizan new` wrote, in Chromium (scripts/check-new-app.sh):
//   node scripts/check-new-app-page.mjs http://127.0.0.1:PORT/
// Loads it, waits for the public count, signs up, adds a note and waits for
// the note and the new count, and for the count of another visitor's page
// (pushed over the WebSocket: no reload, no focus); fails on any console
// error or page error.
import { chromium } from 'playwright-core';

const url = process.argv[2];
if (!url) throw new Error('usage: node scripts/check-new-app-page.mjs <url>');
const timeout = 15_000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // An aborted fetch is the client's own doing: a refetch restarted by a
  // newer invalidation (the call's answer and the WebSocket push both name
  // the notes) aborts the one in flight.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (why != 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${why}`);
  });

  // Another visitor, in a browser context of its own (no shared cookies or tabs).
  const visitor = await (await browser.newContext()).newPage();
  visitor.on('pageerror', (e) => problems.push(`visitor page error: ${e.message}`));
  await visitor.goto(url);
  const visitorCount = visitor.getByTestId('public-count');
  await visitorCount.filter({ hasText: '0 notes by 0 users' }).waitFor({ timeout });
  await visitor.evaluate(() => Object.assign(window, { __noReload: true }));

  await page.goto(url);
  const count = page.getByTestId('public-count');
  await count.filter({ hasText: '0 notes by 0 users' }).waitFor({ timeout });
  console.log(`check-new-app-page: the public count shows "${(await count.textContent())?.trim()}"`);

  await page.getByLabel('Username').fill('ann');
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByLabel('New note').fill('written in Chromium');
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByTestId('notes').getByText('written in Chromium').waitFor({ timeout });
  await count.filter({ hasText: '1 note by 1 user' }).waitFor({ timeout });
  console.log('check-new-app-page: signed up, added a note; the list and the count followed');
  await visitorCount.filter({ hasText: '1 note by 1 user' }).waitFor({ timeout });
  if (!(await visitor.evaluate(() => window.__noReload === true))) throw new Error('the visitor page reloaded');
  console.log("check-new-app-page: another visitor's count followed, pushed over the WebSocket");

  if (problems.length) throw new Error(problems.join('\n'));
} finally {
  await browser.close();
}
