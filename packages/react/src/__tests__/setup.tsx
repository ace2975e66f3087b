// A client over a fake fetch, and a wrapper that provides it.
import { createClient, type ClientOptions } from '@mizan/base';
import type { ReactNode } from 'react';
import { fakeFetch, json } from '../../../base/src/__tests__/fakes.js';
import { MizanProvider } from '../MizanProvider.js';

export { FakeWebSocket, deferred, fail, flush, json, tick } from '../../../base/src/__tests__/fakes.js';

export const todo = (id: number, title = `t${id}`) => ({ id, title, done: false });

export function setup(routes: Parameters<typeof fakeFetch>[0], options: ClientOptions = {}) {
  const net = fakeFetch({ 'session/': () => json({ user: null, csrf_token: 'tok' }), ...routes });
  const client = createClient({ fetch: net.fetch, ...options });
  const wrapper = ({ children }: { children: ReactNode }) => <MizanProvider client={client}>{children}</MizanProvider>;
  return { ...net, client, wrapper };
}
