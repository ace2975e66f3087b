import { flushSync } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMizanChannel } from '../createMizanChannel.svelte.js';
import { FakeWebSocket, setup } from './setup.js';

const activity = { channel: 'activity' } as { channel: string; __types?: { n: number } };

beforeEach(() => {
  FakeWebSocket.all = [];
});

describe('createMizanChannel', () => {
  it('listens while the component lives and shows a refusal as error', () => {
    const { withComponent } = setup({}, { websocket: { WebSocket: FakeWebSocket as never } });
    const seen: number[] = [];
    const { result, unmount } = withComponent(() => createMizanChannel(activity, (m) => seen.push(m.n)));
    flushSync();
    const ws = FakeWebSocket.last();
    ws.open();
    expect(ws.sent).toEqual([{ op: 'sub', id: 'activity', channel: 'activity' }]);
    ws.receive({ op: 'msg', channel: 'activity', data: { n: 1 } });
    expect(seen).toEqual([1]);
    ws.receive({ op: 'error', id: 'activity', error: { code: 'forbidden', message: 'x', status: 403 } });
    flushSync();
    expect(result.error).toMatchObject({ code: 'forbidden' });
    unmount();
    flushSync();
    expect(ws.sent.at(-1)).toEqual({ op: 'unsub', id: 'activity', channel: 'activity' });
  });
});
