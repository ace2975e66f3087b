import { act, renderHook } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { useMizanChannel } from '../useMizanChannel.js';
import { FakeWebSocket, setup } from './setup.js';

const activity = { channel: 'activity' } as { channel: string; __types?: { n: number } };
const socket = () => setup({}, { websocket: { WebSocket: FakeWebSocket as never } });

beforeEach(() => {
  FakeWebSocket.all = [];
});

describe('useMizanChannel', () => {
  it('listens while mounted, calling the latest callback, and stops at unmount', () => {
    const { wrapper } = socket();
    const seen: string[] = [];
    const { rerender, unmount } = renderHook(
      ({ tag }) => useMizanChannel(activity, (m) => seen.push(`${tag}${m.n}`)),
      { wrapper, initialProps: { tag: 'a' } },
    );
    const ws = FakeWebSocket.last();
    act(() => ws.open());
    expect(ws.sent).toEqual([{ op: 'sub', id: 'activity', channel: 'activity' }]);
    act(() => ws.receive({ op: 'msg', channel: 'activity', data: { n: 1 } }));
    rerender({ tag: 'b' });
    act(() => ws.receive({ op: 'msg', channel: 'activity', data: { n: 2 } }));
    expect(seen).toEqual(['a1', 'b2']);
    expect(ws.sent).toHaveLength(1); // a new callback is not a new subscription
    unmount();
    expect(ws.sent.at(-1)).toEqual({ op: 'unsub', id: 'activity', channel: 'activity' });
  });

  it('shows a refused subscription as error', () => {
    const { wrapper } = socket();
    const { result } = renderHook(() => useMizanChannel(activity, () => {}), { wrapper });
    const ws = FakeWebSocket.last();
    act(() => ws.open());
    expect(result.current.error).toBeUndefined();
    act(() => ws.receive({ op: 'error', id: 'activity', error: { code: 'forbidden', message: 'No.', status: 403 } }));
    expect(result.current.error).toMatchObject({ code: 'forbidden', status: 403 });
  });
});
