// A client over a fake fetch, and a mount helper that provides it.
import { createClient, type ClientOptions } from '@mizan/base';
import { mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { fakeFetch, json } from '../../../base/src/__tests__/fakes.js';
import { createMizan } from '../mizanKey.js';

export { FakeWebSocket, deferred, fail, json, tick } from '../../../base/src/__tests__/fakes.js';

export const todo = (id: number, title = `t${id}`) => ({ id, title, done: false });

export function setup(routes: Parameters<typeof fakeFetch>[0], options: ClientOptions = {}) {
  const net = fakeFetch({ 'session/': () => json({ user: null, csrf_token: 'tok' }), ...routes });
  const client = createClient({ fetch: net.fetch, ...options });
  /** Mounts a component whose setup runs `use` and exposes its result; renders nothing. */
  const withSetup = <T>(use: () => T) => {
    let result!: T;
    const wrapper = mount(
      defineComponent({
        setup() {
          result = use();
          return () => h('div');
        },
      }),
      { global: { plugins: [createMizan(client)] } },
    );
    return { result, wrapper };
  };
  return { ...net, client, withSetup };
}
