import type { SSRData } from './types.js';

// JSON inside <script> must not contain `</script>`, `<!--`, or the two line
// separators older engines reject in string literals (as Django's json_script).
const UNSAFE = /[<>&\u2028\u2029]/g;

/**
 * The `<script>` element that hands server-rendered data to the browser's
 * client (read from `window.__MIZAN_SSR_DATA__` at `createClient`).
 *
 * @param data usually `dehydrate(client)` after the server's `client.load(...)` calls
 * @param nonce CSP nonce; characters outside base64 are dropped
 * @returns HTML to put before the application's script
 * @example res.write(ssrScript(dehydrate(client), nonce))
 */
export const ssrScript = (data: SSRData, nonce?: string): string =>
  `<script${nonce ? ` nonce="${nonce.replace(/[^\w+/=-]/g, '')}"` : ''}>window.__MIZAN_SSR_DATA__=${JSON.stringify(
    data,
  ).replace(UNSAFE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))}</script>`;
