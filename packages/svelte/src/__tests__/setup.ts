// A client over a fake fetch, and a helper that runs a `createMizan…` call in a mounted component.
import { createClient, type ClientOptions } from '@mizan/base';
import { render } from '@testing-library/svelte';
import { fakeFetch, json } from '../../../base/src/__tests__/fakes.js';
import Harness from './Harness.svelte';

export { FakeWebSocket, deferred, fail, json, tick } from '../../../base/src/__tests__/fakes.js';

export const todo = (id: number, title = `t${id}`) => ({ id, title, done: false });

export function setup(routes: Parameters<typeof fakeFetch>[0], options: ClientOptions = {}) {
  const net = fakeFetch({ 'session/': () => json({ user: null, csrf_token: 'tok' }), ...routes });
  const client = createClient({ fetch: net.fetch, ...options });
  const withComponent = <T>(use: () => T) => {
    let result!: T;
    const { unmount } = render(Harness<T>, { props: { client, use, expose: (r: T) => (result = r) } });
    return { result, unmount };
  };
  return { ...net, client, withComponent };
}
