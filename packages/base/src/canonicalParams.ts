/** A context param value (PROTOCOL §2): scalars only; null and undefined are dropped. */
export type ParamValue = string | number | boolean | null | undefined;

/** Context params as passed to an observer. */
export type Params = { readonly [key: string]: ParamValue };

// UTF-8 byte order is code point order. Plain `<` compares UTF-16 units, which
// puts U+10000.. (surrogates) before U+E000..U+FFFF; comparing code points at
// the first differing unit fixes exactly that case.
const byCodePoint = (a: string, b: string): number => {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return (a.codePointAt(i) ?? -1) - (b.codePointAt(i) ?? -1);
};

/**
 * The canonical query string of context params (PROTOCOL §2), used for URLs,
 * cache keys and invalidation matching; identical to the server's.
 *
 * @param params scalar values; null and undefined are dropped
 * @returns `key=value` pairs sorted by UTF-8 bytes, URI-encoded, joined by `&`
 * @throws TypeError for arrays, objects and non-finite numbers (the server
 *   would answer 400); URIError for lone surrogates
 * @example canonicalParams({ q: 'a b', id: 5, done: true, x: null }) // 'done=true&id=5&q=a%20b'
 */
export function canonicalParams(params: Params = {}): string {
  return Object.keys(params)
    .filter((k) => params[k] != null)
    .sort(byCodePoint)
    .map((k) => {
      const v = params[k];
      if (!(typeof v == 'string' || typeof v == 'boolean' || Number.isFinite(v))) {
        throw new TypeError('mizan: bad param ' + k);
      }
      return encodeURIComponent(k) + '=' + encodeURIComponent(String(v));
    })
    .join('&');
}
