// Static files at `/`: MIME types, no path traversal, SPA fallback.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Agent, expectError } from './agent.js';
import { useServer } from './server.js';

const ctx = useServer();

/**
 * GET with the path sent exactly as written: fetch and URL would resolve
 * `..` segments before they reach the server.
 */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ctx.server.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static files', () => {
  it('serves the page at / and its assets with their MIME types', async () => {
    const agent = new Agent(ctx.server.origin);
    const page = await agent.request('/');
    expect(page.status).toBe(200);
    expect(page.header('Content-Type')).toBe('text/html; charset=utf-8');
    expect(page.text).toMatch(/^<!doctype html>/i);
    expect(page.text).toContain('<script type="module" src="/app.js">');
    const js = await agent.request('/app.js');
    expect(js.status).toBe(200);
    expect(js.header('Content-Type')).toMatch(/^text\/javascript(;|$)/);
    expect(js.header('X-Content-Type-Options')).toBe('nosniff');
    expect(js.text).toContain('/api/mizan');
    const css = await agent.request('/style.css');
    expect(css.status).toBe(200);
    expect(css.header('Content-Type')).toMatch(/^text\/css(;|$)/);
    // `/` is the reference app's todo page (docs/guide.md, "Pages rendered on
    // the server"): index.html with the page's data inlined before </head>.
    const index = (await agent.request('/index.html')).text;
    expect(page.text.replace(/<script>window\.__MIZAN_SSR_DATA__=.*?<\/script>/, '')).toBe(index);
    expect(page.text).toContain('<script>window.__MIZAN_SSR_DATA__={');
  });

  it('never serves a file outside the static directory', async () => {
    const passwd = readFileSync('/etc/passwd', 'latin1');
    const firstLine = passwd.split('\n')[0]!;
    const attempts = [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2fetc/passwd',
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/..%5c..%5cetc%5cpasswd',
      '/%252e%252e/%252e%252e/etc/passwd',
      '/./../../../../../../etc/passwd',
      '/app.js/../../../../../etc/passwd',
      '//etc/passwd',
      '/%2fetc%2fpasswd',
      '/%00../../etc/passwd',
      '/..%c0%af..%c0%afetc/passwd',
    ];
    for (const path of attempts) {
      for (const headers of [{}, { Accept: 'text/html' }]) {
        const r = await rawGet(path, headers);
        expect(r.body, path).not.toContain(firstLine);
        expect(r.body, path).not.toContain('root:');
        if (!('Accept' in headers)) expect([400, 404], path).toContain(r.status);
      }
    }
    expect((await rawGet('/../../etc/passwd')).status).toBe(404);
  });

  it('falls back to index.html for page navigations only', async () => {
    const index = (await rawGet('/index.html')).body;
    const nav = await rawGet('/some/client/route', { Accept: 'text/html,application/xhtml+xml' });
    expect(nav.status).toBe(200);
    expect(nav.type).toBe('text/html; charset=utf-8');
    expect(nav.body).toBe(index);
    const agent = new Agent(ctx.server.origin);
    expectError(await agent.request('/some/client/route'), 404, 'not_found');
    expectError(await agent.request('/x.js'), 404, 'not_found');
    expectError(await agent.request('/x.js', { headers: { Accept: 'text/html' } }), 404, 'not_found');
  });

  it('answers unsafe methods with 405', async () => {
    const agent = new Agent(ctx.server.origin);
    const reply = await agent.request('/app.js', { method: 'POST' });
    expectError(reply, 405, 'method_not_allowed');
    expect(reply.header('Allow')).toBe('GET, HEAD');
  });
});
