import type { Client } from '@mizan/base';
import type { ReactNode } from 'react';
import { ClientContext } from './useMizanClient.js';

/** Props of MizanProvider. */
export interface MizanProviderProps {
  /** The client the hooks below use: its options configure them, its `ssrData` seeds them. */
  readonly client: Client;
  readonly children?: ReactNode;
}

/**
 * Gives a client to the hooks of its subtree. Optional in a browser (see
 * useMizanClient); required for server rendering, with one client per request.
 *
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8000' })
 * root.render(<MizanProvider client={client}><App /></MizanProvider>)
 */
export function MizanProvider({ client, children }: MizanProviderProps): ReactNode {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}
