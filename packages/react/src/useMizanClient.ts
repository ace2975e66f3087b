import { createClient, type Client } from '@mizan/base';
import { createContext, useContext } from 'react';

/** The client MizanProvider gives its subtree; null outside any provider. */
export const ClientContext = createContext<Client | null>(null);

let fallback: Client | undefined;

/**
 * The client of the nearest MizanProvider. In a browser the provider is
 * optional: without one, a default `createClient()` (same origin, session
 * auth, seeded from `window.__MIZAN_SSR_DATA__`) is created once and shared.
 *
 * @returns the Client
 * @throws Error during server rendering without a provider: a shared default
 *   would mix different users' data, so SSR needs one client per request
 * @example const client = useMizanClient(); await client.call(add_todo, { title })
 */
export function useMizanClient(): Client {
  const client = useContext(ClientContext);
  if (client) return client;
  if (typeof document == 'undefined') {
    throw new Error('mizan: wrap the app in <MizanProvider client={...}> when rendering on the server');
  }
  return (fallback ??= createClient());
}
