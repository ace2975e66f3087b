import { createClient } from '@mizan/base';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMizan } from '../mizanKey.js';
import { useMizanChannel } from '../useMizanChannel.js';
import { FakeWebSocket, setup } from './setup.js';

const activity = { channel: 'activity' } as { channel: string; __types?: { n: number } };

beforeEach(() => {
  FakeWebSocket.all = [];
});

describe('useMizanChannel', () => {
  it('listens for the life of the component and shows a refusal as error', () => {
    const { withSetup } = setup({}, { websocket: { WebSocket: FakeWebSocket as never } });
    const seen: number[] = [];
    const { result, wrapper } = withSetup(() => useMizanChannel(activity, (m) => seen.push(m.n)));
    const ws = FakeWebSocket.last();
    ws.open();
    expect(ws.sent).toEqual([{ op: 'sub', id: 'activity', channel: 'activity' }]);
    ws.receive({ op: 'msg', channel: 'activity', data: { n: 1 } });
    expect(seen).toEqual([1]);
    ws.receive({ op: 'error', id: 'activity', error: { code: 'unauthenticated', message: 'x', status: 401 } });
    expect(result.error.value).toMatchObject({ code: 'unauthenticated' });
    wrapper.unmount();
    expect(ws.sent.at(-1)).toEqual({ op: 'unsub', id: 'activity', channel: 'activity' });
  });

  it('listens to nothing during server rendering, where the client has no socket', async () => {
    const client = createClient({ websocket: false, broadcast: false, fetch: () => Promise.reject(new Error('no')) });
    const Panel = defineComponent({
      setup() {
        const { error } = useMizanChannel(activity, () => {});
        return () => h('p', error.value ? 'refused' : 'listening');
      },
    });
    expect(await renderToString(createSSRApp(Panel).use(createMizan(client)))).toBe('<p>listening</p>');
  });
});
