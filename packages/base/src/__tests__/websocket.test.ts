import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../createClient.js';
import type { ClientOptions, FunctionRef } from '../types.js';
import { FakeWebSocket, fakeFetch, flush, json, tick } from './fakes.js';

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.all = [];
  vi.spyOn(Math, 'random').mockReturnValue(1);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const toggle: FunctionRef<{ id: number }, { id: number; done: boolean }> = { fn: 'toggle_todo', websocket: true };

const setup = (options: ClientOptions = {}) => {
  const net = fakeFetch({
    'session/': () => json({ user: null, csrf_token: 't' }),
    'ctx/': () => json({}),
    'call/': () => json({ result: 'http', invalidate: [] }),
  });
  const client = createClient({
    fetch: net.fetch,
    baseUrl: 'https://app.test',
    staleTime: Infinity,
    websocket: { WebSocket: FakeWebSocket as never },
    ...options,
  });
  const mount = (ctx: string, params = {}) => client.observe(ctx, params).subscribe(() => {});
  return { ...net, client, mount };
};

describe('WebSocket', () => {
  it('connects to {prefix}/ws/ with the mizan.v1 subprotocol only when configured', () => {
    setup();
    expect(FakeWebSocket.all).toHaveLength(1);
    expect(FakeWebSocket.last()).toMatchObject({ url: 'wss://app.test/api/mizan/ws/?s=', protocol: 'mizan.v1' });
    setup({ websocket: false });
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it('names the schema it was built from in the URL, so that a newer server refuses its calls', () => {
    setup({ schema: '0123456789abcdef' });
    expect(FakeWebSocket.last().url).toBe('wss://app.test/api/mizan/ws/?s=0123456789abcdef');
  });

  it('applies pushed invalidations like any other (whole and scoped)', async () => {
    const { mount, count } = setup();
    mount('todos');
    mount('todo', { id: 5 });
    mount('todo', { id: 6 });
    await flush();
    const ws = FakeWebSocket.last();
    ws.open();
    ws.receive({ op: 'invalidate', invalidate: ['todos', { context: 'todo', params: { id: 5 } }] });
    await tick(10);
    expect([count('ctx/todos/'), count('todo/?id=5'), count('todo/?id=6')]).toEqual([2, 2, 1]);
  });

  it('refetches once when the call reply and the push of one mutation arrive a few ms apart', async () => {
    const { client, mount, count } = setup();
    mount('todos');
    await flush();
    const ws = FakeWebSocket.last();
    ws.open();
    client.invalidate(['todos']); // as from the HTTP reply of add_todo
    await tick(5);
    ws.receive({ op: 'invalidate', invalidate: ['todos'] }); // the server's push of the same change
    await tick(50);
    expect(count('ctx/todos/')).toBe(2);
  });

  it('ignores frames that are not JSON or not understood', async () => {
    const { mount, count } = setup();
    mount('todos');
    await flush();
    const ws = FakeWebSocket.last();
    ws.open();
    ws.receive('not json');
    ws.receive({ op: 'msg', channel: 'x', data: 1 });
    ws.receive({ op: 'result', id: 99, result: 1 });
    await tick(10);
    expect(count('ctx/todos/')).toBe(1);
  });

  it('reconnects with backoff and then refetches what it may have missed', async () => {
    const { client, mount, count } = setup();
    mount('todos');
    await flush();
    FakeWebSocket.last().open();
    await tick(10);
    expect(count('ctx/todos/')).toBe(1); // the first connection missed nothing
    FakeWebSocket.last().drop();
    await tick(999);
    expect(FakeWebSocket.all).toHaveLength(1);
    await tick(1);
    expect(FakeWebSocket.all).toHaveLength(2);
    FakeWebSocket.last().drop();
    await tick(1999);
    expect(FakeWebSocket.all).toHaveLength(2);
    await tick(1);
    expect(FakeWebSocket.all).toHaveLength(3);
    const unmounted = client.observe('todo', { id: 1 });
    unmounted.subscribe(() => {})();
    await flush();
    FakeWebSocket.last().open();
    await tick(10);
    expect(count('ctx/todos/')).toBe(2);
    // Unmounted entries are only marked stale: they refetch at their next mount.
    expect(count('ctx/todo/')).toBe(1);
    unmounted.subscribe(() => {});
    await flush();
    expect(count('ctx/todo/')).toBe(2);
  });

  it('pings, and replaces a connection that stays silent for a whole interval', async () => {
    setup({ websocket: { WebSocket: FakeWebSocket as never, ping: 1000 } });
    const ws = FakeWebSocket.last();
    ws.open();
    await tick(1000);
    expect(ws.sent).toEqual([{ op: 'ping' }]);
    ws.receive({ op: 'pong' });
    await tick(1000);
    expect(ws.sent).toHaveLength(2);
    expect(ws.closed).toBe(false);
    await tick(1000); // no pong for the second ping
    expect(ws.closed).toBe(true);
    await tick(1000);
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it('sends calls of websocket functions over the socket while connected', async () => {
    const { client, mount, count } = setup();
    mount('todos');
    await flush();
    const ws = FakeWebSocket.last();
    ws.open();
    const p = client.call(toggle, { id: 5 });
    await flush();
    expect(ws.sent).toEqual([{ op: 'call', id: 1, fn: 'toggle_todo', args: { id: 5 } }]);
    ws.receive({ op: 'result', id: 1, result: { id: 5, done: true }, invalidate: ['todos'] });
    expect(await p).toEqual({ id: 5, done: true });
    await tick(10);
    expect(count('ctx/todos/')).toBe(2);
    expect(count('call/')).toBe(0);
  });

  it('turns an error frame into a MizanError', async () => {
    const { client } = setup();
    const ws = FakeWebSocket.last();
    ws.open();
    const p = client.call(toggle, { id: 5 });
    ws.receive({ op: 'error', id: 1, error: { code: 'not_found', message: 'No todo', status: 404 } });
    await expect(p).rejects.toMatchObject({ name: 'MizanError', code: 'not_found', status: 404, message: 'No todo' });
  });

  it('falls back to HTTP while disconnected, and fails calls in flight when the socket drops', async () => {
    const { client, count } = setup();
    expect(await client.call(toggle, { id: 1 })).toBe('http');
    expect(count('call/toggle_todo/')).toBe(1);
    FakeWebSocket.last().open();
    const p = client.call(toggle, { id: 1 });
    FakeWebSocket.last().drop();
    await expect(p).rejects.toMatchObject({ code: 'network', status: 0 });
    expect(await client.call('toggle_todo', { id: 1 }, { websocket: false })).toBe('http');
  });

  it('keeps working over HTTP when the runtime has no WebSocket', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const { client, count } = setup({ websocket: true });
    expect(await client.call(toggle, { id: 1 })).toBe('http');
    expect(count('call/')).toBe(1);
  });

  it('retries later when constructing the WebSocket throws', async () => {
    let attempts = 0;
    const Throwing = function () {
      attempts++;
      throw new Error('blocked by CSP');
    };
    const { client } = setup({ websocket: { WebSocket: Throwing as never } });
    expect(attempts).toBe(1);
    await tick(1000);
    expect(attempts).toBe(2);
    expect(await client.call(toggle, { id: 1 })).toBe('http');
    client.destroy();
    await tick(60_000);
    expect(attempts).toBe(2);
  });

  it('reconnects at once when the browser comes back online', async () => {
    const target = new EventTarget();
    vi.stubGlobal('addEventListener', target.addEventListener.bind(target));
    setup();
    FakeWebSocket.last().drop();
    await tick(500);
    target.dispatchEvent(new Event('online'));
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it('closes for good on destroy', async () => {
    const { client } = setup();
    const ws = FakeWebSocket.last();
    ws.open();
    client.destroy();
    expect(ws.closed).toBe(true);
    await tick(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it('refetches every mounted context when the server says it dropped pushes', async () => {
    const { mount, count } = setup();
    mount('todos');
    mount('stats');
    await flush();
    FakeWebSocket.last().open();
    FakeWebSocket.last().receive({ op: 'refetch' });
    await tick(10);
    expect([count('ctx/todos/'), count('ctx/stats/')]).toEqual([2, 2]);
  });

  it('forgets private data and the session when the server ends the socket with 4001', async () => {
    const { client, count } = setup();
    const todos = client.observe({ context: 'todos', private: true }, {});
    todos.subscribe(() => {});
    const board = client.observe('leaderboard', {});
    board.subscribe(() => {});
    await client.session();
    await flush();
    FakeWebSocket.last().open();
    FakeWebSocket.last().drop(4001);
    await tick(10);
    expect(count('ctx/todos/')).toBe(2); // refetched as whoever is signed in now
    expect(count('ctx/leaderboard/')).toBe(1); // public data stays
    await client.session();
    expect(count('session/')).toBe(2);
  });
});

describe('WebSocket and who is signed in', () => {
  it('reconnects at once after a sign-in, so the handshake carries the new session', async () => {
    const { client } = setup();
    const first = FakeWebSocket.last();
    first.open();
    await client.call({ fn: 'auth_login', session: true }, { username: 'ann', password: 'x' });
    expect(first.closed).toBe(true);
    expect(FakeWebSocket.all).toHaveLength(2);
    // The old socket's late close does not disturb the new one.
    first.drop();
    FakeWebSocket.last().open();
    await tick(5000);
    expect(FakeWebSocket.all).toHaveLength(2);
  });
});

describe('WebSocket in token mode', () => {
  const withToken = (t: string | null) => setup({ auth: { token: () => t } });

  it('authenticates with a first frame and calls over HTTP until it is answered', async () => {
    const { client, count } = withToken('jwt-1');
    const ws = FakeWebSocket.last();
    ws.open();
    await flush();
    expect(ws.sent).toEqual([{ op: 'auth', id: 0, token: 'jwt-1' }]);
    expect(ws.url).not.toContain('jwt-1'); // never in the URL
    expect(await client.call(toggle, { id: 1 })).toBe('http');
    expect(count('call/')).toBe(1);
    ws.receive({ op: 'auth', id: 0, user: { id: 1, username: 'ann' } });
    const p = client.call(toggle, { id: 1 });
    expect(ws.sent[1]).toMatchObject({ op: 'call', fn: 'toggle_todo' });
    ws.receive({ op: 'result', id: ws.sent[1].id, result: 'ws' });
    expect(await p).toBe('ws');
  });

  it('uses the socket anonymously when the token is refused or absent', async () => {
    const refused = withToken('expired');
    const ws = FakeWebSocket.last();
    ws.open();
    await flush();
    ws.receive({ op: 'error', id: 0, error: { code: 'unauthenticated', message: 'x' } });
    void refused.client.call(toggle, { id: 1 });
    expect(ws.sent.at(-1)).toMatchObject({ op: 'call' });
    const none = withToken(null);
    FakeWebSocket.last().open();
    await flush();
    void none.client.call(toggle, { id: 1 });
    expect(FakeWebSocket.last().sent).toEqual([expect.objectContaining({ op: 'call' })]);
  });
});

describe('channels', () => {
  it('subscribes once connected, delivers messages to every listener, and unsubscribes after the last', async () => {
    const { client } = setup();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const stopA = client.subscribe<{ n: number }>({ channel: 'activity' }, (m) => a.push(m.n));
    const stopB = client.subscribe('activity', (m) => b.push(m));
    const ws = FakeWebSocket.last();
    ws.open();
    expect(ws.sent).toEqual([{ op: 'sub', id: 'activity', channel: 'activity' }]);
    ws.receive({ op: 'msg', channel: 'activity', data: { n: 1 } });
    ws.receive({ op: 'msg', channel: 'other', data: { n: 2 } });
    expect(a).toEqual([1]);
    expect(b).toEqual([{ n: 1 }]);
    stopA();
    stopA(); // twice is harmless
    expect(ws.sent).toHaveLength(1);
    stopB();
    expect(ws.sent.at(-1)).toEqual({ op: 'unsub', id: 'activity', channel: 'activity' });
    ws.receive({ op: 'msg', channel: 'activity', data: { n: 3 } });
    expect(a).toEqual([1]);
  });

  it('subscribes again after a reconnect', async () => {
    const { client } = setup();
    client.subscribe('activity', () => {});
    FakeWebSocket.last().open();
    FakeWebSocket.last().drop();
    await tick(1000);
    const again = FakeWebSocket.last();
    again.open();
    expect(again.sent).toEqual([{ op: 'sub', id: 'activity', channel: 'activity' }]);
  });

  it('reports a refused subscription to its listeners', async () => {
    const { client } = setup();
    const errors: unknown[] = [];
    client.subscribe('staff_only', () => {}, (e) => errors.push(e));
    const ws = FakeWebSocket.last();
    ws.open();
    ws.receive({ op: 'error', id: 'staff_only', error: { code: 'forbidden', message: 'no', status: 403 } });
    expect(errors).toEqual([expect.objectContaining({ name: 'MizanError', code: 'forbidden', status: 403 })]);
  });

  it('needs the websocket option', () => {
    const { client } = setup({ websocket: false });
    expect(() => client.subscribe('activity', () => {})).toThrow(/websocket/);
  });
});
