import type { Client } from '@mizan/base';
import { getContext, setContext } from 'svelte';

const key = Symbol('mizan');

/**
 * Gives a client to the `createMizan…` functions of this component and its
 * children. Call it during component initialisation (in `<script>`).
 *
 * @param client the client, e.g. one per request for server rendering
 * @returns the client
 * @example <script>setMizanClient(createClient())</script>
 */
export function setMizanClient(client: Client): Client {
  return setContext(key, client);
}

/**
 * The client set by setMizanClient in this component or a parent. Call it
 * during component initialisation.
 *
 * @returns the Client
 * @throws Error when no client was set
 */
export function getMizanClient(): Client {
  const client = getContext<Client | undefined>(key);
  if (!client) throw new Error('mizan: no client: call setMizanClient(client) in a parent component');
  return client;
}
