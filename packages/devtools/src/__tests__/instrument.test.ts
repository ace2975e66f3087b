import { createClient, devWarnings, type Client, type ClientOptions } from '@mizan/base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDevtools } from '../createDevtools.js';
import { FakeSocket, FakeSocketFactory } from './fakeSocket.js';

const json = (body: unknown, headers: Record<string, string> = {}, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const base: ClientOptions = {
  baseUrl: 'http://127.0.0.1:9',
  broadcast: false,
  refetchOnFocus: false,
  refetchOnReconnect: false,
  retry: 0,
};
const session = { user: null, csrf_token: 't' };
const warning = (table: string): string =>
  `add_todo writes table ${table}, which context stats reads, without declaring affects(stats).`;

let clients: Client[] = [];
const client = (options: ClientOptions): Client => {
  const c = createClient(options);
  clients.push(c);
  return c;
};
beforeEach(() => {
  FakeSocket.all = [];
});
afterEach(() => {
  clients.forEach((c) => c.destroy());
  clients = [];
  vi.useRealTimers();
});

describe('instrument: invalidations', () => {
  it('records a call’s JSON, a view’s header and the application’s as json, header and app; the caller’s inspect still runs', async () => {
    const devtools = createDevtools();
    const inspect = vi.fn();
    const fetch = async (url: string): Promise<Response> =>
      url.endsWith('/session/')
        ? json(session)
        : url.includes('/call/')
          ? json({ result: 1, invalidate: ['todos', { context: 'todo', params: { id: 5 } }] })
          : new Response('', { headers: { 'x-mizan-invalidate': 'stats?limit=3' } });
    const c = client(devtools.instrument({ ...base, fetch, inspect }));
    await c.call('add_todo', { title: 'x' });
    await c.view('/todos/5/done', { method: 'POST' });
    c.invalidate(['board']);
    const { invalidations } = devtools.recorder;
    expect(invalidations.map((i) => [i.source, i.targets])).toEqual([
      ['json', ['todos', 'todo?id=5']],
      ['header', ['stats?limit=3']],
      ['app', ['board']],
    ]);
    expect(inspect.mock.calls.map((a) => a[0])).toEqual([1, 2, 5]);
  });

  it('records another tab’s invalidation as tab', async () => {
    const mine = createDevtools();
    const other = createDevtools();
    const fetch = async (): Promise<Response> => json({});
    const a = client(mine.instrument({ ...base, fetch, broadcast: true, prefix: '/tab-test' }));
    client(other.instrument({ ...base, fetch, broadcast: true, prefix: '/tab-test' }));
    a.invalidate(['todos']);
    await vi.waitFor(() => expect(other.recorder.invalidations).toHaveLength(1));
    expect(other.recorder.invalidations[0]).toMatchObject({ source: 'tab', targets: ['todos'] });
    expect(mine.recorder.invalidations.map((i) => i.source)).toEqual(['app']);
  });
});

describe('instrument: requests', () => {
  it('records method, path, status and warnings through the caller’s fetch, each warning once', async () => {
    const devtools = createDevtools();
    const seen: string[] = [];
    const header = `${warning('todos')}, ${warning('users')}`;
    const fetch = async (url: string): Promise<Response> => {
      seen.push(url);
      return url.endsWith('/session/') ? json(session) : json({ result: 1 }, { 'x-mizan-warning': header });
    };
    const c = client(devtools.instrument({ ...base, fetch }));
    await c.call('add_todo', { title: 'x' });
    await c.call('add_todo', { title: 'y' });
    const requests = devtools.recorder.requests;
    expect(seen).toHaveLength(3);
    expect(requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
      'GET /api/mizan/session/ 200',
      'POST /api/mizan/call/add_todo/ 200',
      'POST /api/mizan/call/add_todo/ 200',
    ]);
    expect(requests[1]!.warnings).toEqual([warning('todos'), warning('users')]);
    expect(devtools.recorder.warnings.map((w) => `${w.kind}: ${w.text}`)).toEqual([
      `server: ${warning('todos')}`,
      `server: ${warning('users')}`,
    ]);
  });

  it('composes with devWarnings: the console still hears each warning once', async () => {
    const devtools = createDevtools();
    const warn = vi.fn();
    const inner = async (): Promise<Response> => json({ result: 1 }, { 'x-mizan-warning': warning('todos') });
    const c = client(devtools.instrument({ ...base, auth: { token: () => 'jwt' }, fetch: devWarnings(inner, warn) }));
    await c.call('a');
    await c.call('a');
    expect(warn.mock.calls).toEqual([[`[mizan] ${warning('todos')}`]]);
    expect(devtools.recorder.warnings).toHaveLength(1);
  });

  it('records a request without a response as status 0 with its error, and rethrows it', async () => {
    const devtools = createDevtools();
    const fetch = async (): Promise<Response> => {
      throw new TypeError('connection refused');
    };
    const c = client(devtools.instrument({ ...base, auth: { token: () => 'jwt' }, fetch }));
    await expect(c.call('a')).rejects.toMatchObject({ code: 'network' });
    expect(devtools.recorder.requests[0]).toMatchObject({ status: 0, error: 'connection refused', path: '/api/mizan/call/a/' });
  });

  it('warns of a schema change once, and the caller’s onSchemaChange still hears it', async () => {
    const devtools = createDevtools();
    const onSchemaChange = vi.fn();
    let served = 'aaa';
    const fetch = async (): Promise<Response> => json({ result: 1 }, { 'x-mizan-schema': served });
    const c = client(devtools.instrument({ ...base, auth: { token: () => 'jwt' }, fetch, schema: 'aaa', onSchemaChange }));
    await c.call('a');
    expect(devtools.recorder.warnings).toEqual([]);
    served = 'bbb';
    await c.call('a');
    await c.call('a');
    expect(devtools.recorder.warnings.map((w) => [w.kind, w.text])).toEqual([
      ['schema', 'The server runs schema bbb; this bundle was built for aaa (a deploy happened).'],
    ]);
    expect(onSchemaChange.mock.calls).toEqual([['bbb'], ['bbb']]);
  });

  it('says nothing of the schema when the client was given none', async () => {
    const devtools = createDevtools();
    const fetch = async (): Promise<Response> => json({ result: 1 }, { 'x-mizan-schema': 'bbb' });
    await client(devtools.instrument({ ...base, auth: { token: () => 'jwt' }, fetch })).call('a');
    expect(devtools.recorder.requests).toHaveLength(1);
    expect(devtools.recorder.warnings).toEqual([]);
  });
});

describe('instrument: WebSocket', () => {
  it('leaves the socket off when the options do', () => {
    const devtools = createDevtools();
    expect(devtools.instrument({}).websocket).toBeUndefined();
    expect(devtools.instrument({ websocket: false }).websocket).toBe(false);
    expect(typeof (devtools.instrument({ websocket: true }).websocket as { WebSocket: unknown }).WebSocket).toBe('function');
  });

  it('records connecting, open, frames both ways, a push, a close code and a reconnect, through the caller’s WebSocket', async () => {
    vi.useFakeTimers();
    const devtools = createDevtools();
    const url = 'ws://127.0.0.1:9/ws/';
    const options = { ...base, fetch: async () => json(session), websocket: { url, WebSocket: FakeSocketFactory, ping: 60_000 } };
    const instrumented = devtools.instrument(options);
    expect(instrumented.websocket).toMatchObject({ url, ping: 60_000 });
    const c = client(instrumented);
    const r = devtools.recorder;
    const [ws] = FakeSocket.all;
    expect(ws).toMatchObject({ url, protocol: 'mizan.v1' });
    expect(r.socket.state).toBe('connecting');
    ws!.serverOpen();
    expect(r.socket.state).toBe('open');
    c.subscribe('activity', () => {});
    expect(ws!.sent).toEqual(['{"op":"sub","id":"activity","channel":"activity"}']);
    ws!.serverSend({ op: 'invalidate', invalidate: ['todos'] });
    expect(r.invalidations.map((i) => [i.source, i.targets])).toEqual([['push', ['todos']]]);
    expect(r.socket.frames.map((f) => `${f.direction} ${f.data}`)).toEqual([
      'out {"op":"sub","id":"activity","channel":"activity"}',
      'in {"op":"invalidate","invalidate":["todos"]}',
    ]);
    ws!.serverClose(1012);
    expect(r.socket).toMatchObject({ state: 'closed', code: 1012, reconnects: 0 });
    await vi.advanceTimersByTimeAsync(31_000);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.serverOpen();
    expect(r.socket).toMatchObject({ state: 'open', reconnects: 1 });
  });

  it('constructs the global WebSocket for `websocket: true`, read when the client connects', () => {
    const devtools = createDevtools();
    vi.stubGlobal('WebSocket', FakeSocket);
    try {
      client(devtools.instrument({ ...base, fetch: async () => json(session), websocket: true }));
      expect(FakeSocket.all.map((s) => s.url)).toEqual(['ws://127.0.0.1:9/api/mizan/ws/?s=']);
      FakeSocket.all[0]!.serverOpen();
      expect(devtools.recorder.socket.state).toBe('open');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
