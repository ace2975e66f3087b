import type { Client } from '@mizan/base';
import { inject } from 'vue';
import { mizanKey } from './mizanKey.js';

/**
 * The client provided by createMizan or provideMizan.
 *
 * @returns the Client
 * @throws Error when no client was provided, or when called outside `setup()`
 * @example const client = useMizanClient(); await client.call(add_todo, { title })
 */
export function useMizanClient(): Client {
  const client = inject(mizanKey, null);
  if (!client) throw new Error('mizan: no client: app.use(createMizan(client)) or provideMizan(client) in a parent');
  return client;
}
