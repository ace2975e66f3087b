/**
 * A fetch for development builds that prints the server's debug warnings
 * (`X-Mizan-Warning`, sent with `MIZAN_DEBUG=1`: a mutation that writes a
 * table a context reads without declaring `affects`) to the console, each
 * warning once. Kept out of `createClient`, so production bundles that do
 * not import it pay nothing.
 *
 * @param inner the fetch to wrap (default: the global one)
 * @param warn where warnings go (default: `console.warn`)
 * @returns a fetch for `createClient({ fetch })`
 * @example createClient({ fetch: import.meta.env.DEV ? devWarnings() : undefined })
 */
export function devWarnings(
  inner: (url: string, init: RequestInit) => Promise<Response> = (url, init) => fetch(url, init),
  warn: (message: string) => void = (message) => console.warn(message),
): (url: string, init: RequestInit) => Promise<Response> {
  const seen = new Set<string>();
  return async (url, init) => {
    const response = await inner(url, init);
    // Fetch joins repeated headers with ", "; each warning is one sentence.
    const header = response.headers.get('X-Mizan-Warning');
    for (const warning of header ? header.split(/, (?=\S+ writes table )/) : []) {
      if (seen.has(warning)) continue;
      seen.add(warning);
      warn(`[mizan] ${warning}`);
    }
    return response;
  };
}
