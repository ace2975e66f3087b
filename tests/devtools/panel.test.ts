// The @mizan/devtools panel in Debian's Chromium: a page bundled by esbuild
// (page.ts: the kernel's client, instrumented, with the panel mounted) talks
// to a stub of the API over HTTP and a WebSocket (`ws`). Two pages in one
// browser context are two tabs of one user.
import { build } from 'esbuild';
import { accessSync, constants } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';

const chromiumPath = '/usr/bin/chromium';
const args = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
const hostile = '<img src=x onerror="window.pwned=1">';

// The page's own style tries to reach into the panel; the shadow root stops it.
const html =
  '<!doctype html><html><head><style>* { color: rgb(255, 0, 0) } button { display: none }</style></head>' +
  '<body><script type="module" src="/page.js"></script></body></html>';

const contexts: Record<string, [number, unknown]> = {
  todos: [200, { list_todos: [{ id: 1, title: 'milk' }] }],
  hostile: [200, { note: hostile }],
  broken: [404, { error: { code: 'not_found', message: hostile } }],
  todo: [200, { get_todo: { id: 5 } }],
};

let browser: Browser | undefined;
let context: BrowserContext | undefined;
let server: Server | undefined;
let sockets: WebSocketServer | undefined;
let origin = '';

function answer(path: string): [number, string, string, Record<string, string>?] {
  if (path == '/') return [200, 'text/html', html];
  if (path == '/page.js') return [200, 'text/javascript', script];
  if (path == '/api/mizan/session/') return [200, 'application/json', '{"user":null,"csrf_token":"t"}'];
  const ctx = path.match(/^\/api\/mizan\/ctx\/(\w+)\/$/)?.[1];
  const known = ctx ? contexts[ctx] : undefined;
  if (known) return [known[0], 'application/json', JSON.stringify(known[1])];
  if (path == '/api/mizan/call/add_todo/')
    return [200, 'application/json', '{"result":1,"invalidate":["todos"]}', { 'x-mizan-warning': `add_todo writes table ${hostile}` }];
  return [404, 'text/plain', 'not found'];
}

let script = '';
beforeAll(async () => {
  accessSync(chromiumPath, constants.X_OK);
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
  });
  script = bundle.outputFiles[0]!.text;
  server = createServer((req, res) => {
    const [status, type, body, headers] = answer(new URL(req.url ?? '/', origin).pathname);
    res.writeHead(status, { 'content-type': type, ...headers }).end(body);
  });
  sockets = new WebSocketServer({ server, path: '/api/mizan/ws/' });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath, headless: false, args });
  context = await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  sockets?.close();
  server?.close();
});

const host = (page: Page) => page.locator('[data-mizan-devtools]');
/** The rows of the open tab's table, newest first. */
const rows = (page: Page) => host(page).locator('tbody tr');
const row = (page: Page, text: string) => rows(page).filter({ hasText: text }).first();
const openTab = (page: Page, name: string) => host(page).locator(`button[data-tab="${name}"]`).click();

/** Uncaught errors of every page. */
const problems: string[] = [];
async function openPage(): Promise<Page> {
  const page = await context!.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(origin + '/');
  await host(page).locator('button.toggle').waitFor();
  return page;
}

describe('@mizan/devtools panel', () => {
  it('lists contexts, invalidations with their source (json, tab, push), the socket, warnings and requests; renders server text as text; unmounts', async () => {
    const page = await openPage();
    const toggle = host(page).locator('button.toggle');
    // Collapsed: only the button, which the page's `button { display: none }` does not reach.
    await expect(toggle.isVisible()).resolves.toBe(true);
    await expect(host(page).locator('.panel').isVisible()).resolves.toBe(false);
    expect(await toggle.evaluate((b) => getComputedStyle(b).color)).not.toBe('rgb(255, 0, 0)');
    await toggle.click();

    // Contexts, with their status; an error shows its code and (hostile) message as text.
    await expect.poll(() => row(page, 'todos').textContent()).toMatch(/todos\s*success/);
    await expect.poll(() => row(page, 'todo?id=5').textContent()).toContain('success');
    await expect.poll(() => row(page, 'broken').textContent()).toContain(`error`);
    expect(await row(page, 'broken').textContent()).toContain(`not_found (404): ${hostile}`);
    // Data as pretty JSON on expand, as text.
    await row(page, 'hostile').locator('summary').click();
    expect(await row(page, 'hostile').locator('pre').textContent()).toBe(JSON.stringify({ note: hostile }, null, 2));

    // A call's invalidation, named json.
    await page.evaluate(() => (window as unknown as { client: { call(fn: string): Promise<unknown> } }).client.call('add_todo'));
    await openTab(page, 'Invalidations');
    await expect.poll(() => rows(page).first().textContent()).toMatch(/json\s*todos$/);

    // Another tab's, named tab.
    const other = await openPage();
    await other.evaluate(() => (window as unknown as { client: { invalidate(e: string[]): void } }).client.invalidate(['stats']));
    await expect.poll(() => rows(page).first().textContent()).toMatch(/tab\s*stats$/);
    expect(await rows(other).count()).toBe(0); // its panel is closed: nothing drawn

    // The socket open, and a push, named push.
    await openTab(page, 'WebSocket');
    await expect.poll(() => host(page).locator('.state').textContent()).toBe('open');
    await expect.poll(() => sockets!.clients.size).toBe(2);
    sockets!.clients.forEach((ws) => ws.send(JSON.stringify({ op: 'invalidate', invalidate: ['board'] })));
    await expect.poll(() => rows(page).first().textContent()).toContain('{"op":"invalidate","invalidate":["board"]}');
    await openTab(page, 'Invalidations');
    await expect.poll(() => rows(page).first().textContent()).toMatch(/push\s*board$/);

    // The server's warning, and the request it came with.
    await openTab(page, 'Warnings');
    await expect.poll(() => rows(page).first().textContent()).toContain(`add_todo writes table ${hostile}`);
    await openTab(page, 'Requests');
    await expect.poll(() => row(page, 'add_todo').textContent()).toMatch(/POST\s*\/api\/mizan\/call\/add_todo\/\s*200/);

    // Hostile strings stayed text: no element made of them, no script run.
    expect(await host(page).evaluate((h) => h.shadowRoot!.querySelectorAll('img').length)).toBe(0);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();

    await page.evaluate(() => (window as unknown as { unmount(): void }).unmount());
    expect(await page.evaluate(() => document.querySelectorAll('[data-mizan-devtools]').length)).toBe(0);
    expect(problems).toEqual([]);
    await Promise.all([page.close(), other.close()]);
  });
});
