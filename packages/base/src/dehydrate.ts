import type { Client, SSRData } from './types.js';

/**
 * Data of every instance a client holds that has some, keyed for `ssrData`:
 * what a server that rendered a page with this client inlines into it. Kept
 * out of `createClient`, so browser bundles, which never dehydrate, do not
 * carry it.
 *
 * @example res.write(ssrScript(dehydrate(client), nonce))
 */
export function dehydrate(client: Client): SSRData {
  const out: SSRData = {};
  for (const e of client.cache.values()) if (e.state.data !== undefined) out[e.key] = e.state.data;
  return out;
}
