import { canonicalParams, type Params } from './canonicalParams.js';

/**
 * One invalidation entry as the server sends it (PROTOCOL §3): a context name
 * for every instance of it, or a context with the params an instance must
 * contain to be affected.
 */
export type InvalidateEntry = string | { readonly context: string; readonly params?: Params };

/**
 * An entry reduced to what matching needs: the context and the canonical
 * `key=value` pairs an instance must all have. Plain arrays, so targets can
 * also cross a BroadcastChannel unchanged.
 */
export type Target = [context: string, pairs: string[]];

/** Splits a canonical query string into its `key=value` pairs. */
export const pairsOf = (canon: string): string[] => (canon ? canon.split('&') : []);

/** The target of a JSON entry. */
export const toTarget = (entry: InvalidateEntry): Target =>
  typeof entry == 'string' ? [entry, []] : [entry.context, pairsOf(canonicalParams(entry.params))];

// Header params are canonical already; decoding and re-encoding makes the
// comparison immune to a server that escapes more than encodeURIComponent.
const recode = (s: string): string => {
  try {
    return encodeURIComponent(decodeURIComponent(s));
  } catch {
    return s;
  }
};

/**
 * The targets of an `X-Mizan-Invalidate` header (PROTOCOL §4), e.g.
 * `todos, todo?id=5`: comma-separated, each a context name optionally
 * followed by `?` and canonical params.
 */
export const parseInvalidateHeader = (header: string | null): Target[] =>
  (header ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [context = '', query = ''] = s.split('?');
      return [context, pairsOf(query).map((p) => p.split('=').map(recode).join('='))];
    });

/** Whether an instance (context and canonical pairs) is affected by a target. */
export const matches = ([context, pairs]: Target, ctx: string, instance: string[]): boolean =>
  context == ctx && pairs.every((p) => instance.includes(p));
