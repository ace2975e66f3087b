import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../createClient.js';
import { dehydrate } from '../dehydrate.js';
import { ssrScript } from '../ssrScript.js';
import type { SSRData } from '../types.js';
import { fakeFetch, flush, json, tick } from './fakes.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('hydration', () => {
  it('seeds entries from window.__MIZAN_SSR_DATA__ so that the first mount does not fetch', async () => {
    vi.stubGlobal('__MIZAN_SSR_DATA__', { todos: { list_todos: [1] }, 'todo?id=5': { get_todo: { id: 5 } } });
    const { fetch, calls } = fakeFetch({ 'ctx/': () => json({ fresh: true }) });
    const client = createClient({ fetch });
    const list = client.observe('todos', {});
    const one = client.observe('todo', { id: 5.0 });
    expect(list.getSnapshot()).toMatchObject({ status: 'success', data: { list_todos: [1] }, isFetching: false });
    list.subscribe(() => {});
    one.subscribe(() => {});
    await flush();
    expect(calls).toHaveLength(0);
    expect(one.getSnapshot().data).toEqual({ get_todo: { id: 5 } });
  });

  it('fetches on a later mount once the data is stale, like any entry', async () => {
    const { fetch, calls } = fakeFetch({ 'ctx/': () => json({ fresh: true }) });
    const client = createClient({ fetch, ssrData: { todos: { v: 0 } } });
    client.observe('todos', {}).subscribe(() => {})();
    await tick(1);
    client.observe('todos', {}).subscribe(() => {});
    await flush();
    expect(calls).toHaveLength(1);
  });

  it('fetches at mount if the seeded entry was invalidated first', async () => {
    const { fetch, calls } = fakeFetch({ 'ctx/': () => json({ fresh: true }) });
    const client = createClient({ fetch, ssrData: { todos: { v: 0 } } });
    client.invalidate(['todos']);
    client.observe('todos', {}).subscribe(() => {});
    await flush();
    expect(calls).toHaveLength(1);
  });

  it('round-trips: load on the server, dehydrate, ssrScript, hydrate in the browser', async () => {
    const { fetch } = fakeFetch({ 'ctx/': (c) => json({ url: c.url }) });
    const server = createClient({ fetch });
    await server.load('todos');
    await server.load('todo', { id: 5, q: 'a b' });
    const payload = dehydrate(server);
    expect(payload).toEqual({
      todos: { url: '/api/mizan/ctx/todos/' },
      'todo?id=5&q=a%20b': { url: '/api/mizan/ctx/todo/?id=5&q=a%20b' },
    });
    const html = ssrScript(payload);
    const window: Record<string, unknown> = {};
    runInNewContext(html.replace(/^<script>|<\/script>$/g, ''), { window });
    const browser = createClient({ fetch, ssrData: window.__MIZAN_SSR_DATA__ as never });
    expect(browser.getData('todo', { q: 'a b', id: 5 })).toEqual({ url: '/api/mizan/ctx/todo/?id=5&q=a%20b' });
  });

  it('drops seeded entries not yet observed on sign-out (their privacy is not known yet)', async () => {
    const { fetch } = fakeFetch({ 'session/': () => json({ user: null, csrf_token: 't' }), 'call/': () => json({ result: {} }) });
    const client = createClient({ fetch, ssrData: { todos: { mine: 1 }, stats: { users: 1 } } });
    client.observe('stats', {}).subscribe(() => {});
    await client.call({ fn: 'auth_logout', session: true }, {});
    expect(dehydrate(client)).toEqual({ stats: { users: 1 } });
  });

  it('load() uses seeded data without fetching', async () => {
    const { fetch, calls } = fakeFetch({});
    const client = createClient({ fetch, ssrData: { stats: { users: 3 } } });
    expect(await client.load('stats')).toEqual({ users: 3 });
    expect(calls).toHaveLength(0);
  });
});

describe('ssrScript', () => {
  it('escapes what could end the script element or break the literal', () => {
    const data = { t: '</script><script>alert(1)</script><!-- & \u2028\u2029' };
    const html = ssrScript(data);
    expect(html.startsWith('<script>window.__MIZAN_SSR_DATA__=')).toBe(true);
    expect(html.endsWith('</script>')).toBe(true);
    const body = html.slice('<script>'.length, -'</script>'.length);
    expect(body).not.toMatch(/[<>&\u2028\u2029]/);
    expect(body).toContain('\\u003c/script\\u003e');
    const window: Record<string, unknown> = {};
    runInNewContext(body, { window });
    expect(window.__MIZAN_SSR_DATA__).toEqual(data);
  });

  it('adds a CSP nonce, dropping characters that could leave the attribute', () => {
    expect(ssrScript({}, 'abc+/=')).toBe('<script nonce="abc+/=">window.__MIZAN_SSR_DATA__={}</script>');
    expect(ssrScript({}, '"><x')).toBe('<script nonce="x">window.__MIZAN_SSR_DATA__={}</script>');
  });
});

// The server writes the same element from the data's JSON text
// (tests/vectors/ssr_script.json; src/server/pages/page_document_test.cpp).
describe('ssrScript against tests/vectors/ssr_script.json', () => {
  const file = new URL('../../../../tests/vectors/ssr_script.json', import.meta.url);
  const vectors = JSON.parse(readFileSync(file, 'utf8')) as { json: string; script: string }[];

  it('writes the bytes the C++ server writes, for hostile strings too', () => {
    expect(vectors.length).toBeGreaterThan(10);
    for (const { json, script } of vectors) expect(ssrScript(JSON.parse(json) as SSRData), json).toBe(script);
  });
});
