// The two pages of the reference app and their params, the same for the
// three front ends and for their server entries.

/** The pages of the app, each with the params its contexts are read with. */
export type Page = { readonly name: 'todos' } | { readonly name: 'leaderboard'; readonly limit: number };

/** `limit` of the leaderboard page when the query has none, or an invalid one. */
export const DEFAULT_LIMIT = 10;

/** An integer 1..100, given as a number (the server's params) or decimal digits (a query string). */
const limitOf = (value: unknown): number => {
  const n = typeof value == 'number' ? value : typeof value == 'string' && /^\d{1,3}$/.test(value) ? Number(value) : 0;
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : DEFAULT_LIMIT;
};

/**
 * The page at a path: `/leaderboard/` (or `/leaderboard`), anything else the
 * todos page. The server passes the page's params, the browser its query
 * string; both give the same `limit`, so the client finds the entries the
 * server rendered with (`leaderboard?limit=25`).
 *
 * @param path the URL's path, e.g. `/leaderboard/`
 * @param params the page's params (`{ limit: 25 }`) or the query's (`{ limit: '25' }`)
 * @returns the Page
 */
export function pageOf(path: string, params: Readonly<Record<string, unknown>>): Page {
  return /^\/leaderboard\/?$/.test(path) ? { name: 'leaderboard', limit: limitOf(params['limit']) } : { name: 'todos' };
}

/** The page of the browser's location. */
export const pageOfLocation = (): Page =>
  pageOf(location.pathname, Object.fromEntries(new URLSearchParams(location.search)));
