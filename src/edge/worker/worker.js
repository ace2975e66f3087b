// Mizan's edge cache as a Cloudflare Worker (docs/edge.md). `<app> edge worker`
// writes this file after `const MIZAN = {...};`, the policy read from the
// edge manifest (PROTOCOL.md §8): the prefix, the MWT cookie's name, the purge
// path, and per context its path, ttl, privacy, rev, whether an edge may keep
// it, and the regular expression of its canonical queries.
//
// A GET of a cacheable context, canonical query, no Authorization header is
// looked up (private contexts: keyed by the user of a valid MWT, §7); all else
// goes to the origin unchanged. The origin marks what may be kept with
// `Cache-Tag` and purges by tag at `POST {purge_path}` after each mutation, in
// Cloudflare's purge-by-tag shape, so the same origin setting drives either
// this Worker or Cloudflare's own cache.
//
// The store is in-isolate memory (workerd runs one isolate per Worker, so one
// store sees every purge). On Cloudflare, where a Worker runs in many
// isolates, set MIZAN_EDGE_STORE=cache: entries then go to `caches.default`
// and the origin purges through Cloudflare's API instead of this endpoint.

const MAX_ENTRIES = 10_000;
const MAX_BYTES = 64 * 1024 * 1024;
const MAX_PURGE_TAGS = 1_000;
const MAX_TAG_BYTES = 1_024;
const MAX_PURGE_BODY = 4 * 1024 * 1024;

const encoder = new TextEncoder();
const byPath = new Map(MIZAN.contexts.filter((c) => c.cacheable).map((c) => [c.path, c]));
const patterns = new Map([...byPath.values()].map((c) => [c.name, new RegExp(c.canonical_query)]));

// ---- the in-isolate store: a Map in insertion order is the LRU list --------

const entries = new Map(); // key -> {status, headers, body, expires, stored, tags}
const tagIndex = new Map(); // lower-cased tag -> Set of keys
let storedBytes = 0;
// Bumped by every purge: a fetch that a purge overlapped may have read the
// very value the purge retired, so its answer is not kept.
let purges = 0;

function forget(key) {
  const entry = entries.get(key);
  if (!entry) return;
  entries.delete(key);
  storedBytes -= entry.body.byteLength;
  for (const tag of entry.tags) {
    const keys = tagIndex.get(tag);
    keys?.delete(key);
    if (keys?.size === 0) tagIndex.delete(tag);
  }
}

function lookup(key, now) {
  const entry = entries.get(key);
  if (!entry) return undefined;
  if (entry.expires <= now) {
    forget(key);
    return undefined;
  }
  entries.delete(key); // most recently used goes last
  entries.set(key, entry);
  return entry;
}

function keep(key, entry) {
  if (entry.body.byteLength > MAX_BYTES) return;
  forget(key);
  entries.set(key, entry);
  storedBytes += entry.body.byteLength;
  for (const tag of entry.tags) {
    if (!tagIndex.has(tag)) tagIndex.set(tag, new Set());
    tagIndex.get(tag).add(key);
  }
  for (const oldest of entries.keys()) {
    if (entries.size <= MAX_ENTRIES && storedBytes <= MAX_BYTES) break;
    forget(oldest);
  }
}

function purgeTags(tags) {
  purges += 1;
  for (const tag of tags) {
    const keys = tagIndex.get(tag.toLowerCase());
    if (keys) for (const key of [...keys]) forget(key);
  }
}

// ---- constant-time comparison, strict base64url, the MWT (PROTOCOL §7) ------

async function sameSecret(a, b) {
  // Digests first, so neither the length nor the first differing byte shows.
  const [x, y] = await Promise.all([a, b].map((s) => crypto.subtle.digest('SHA-256', encoder.encode(s))));
  const u = new Uint8Array(x);
  const v = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < u.length; i++) diff |= u[i] ^ v[i];
  return diff === 0;
}

function base64urlEncode(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of `text`, or null unless it is the one canonical unpadded spelling. */
function base64urlDecode(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  let binary;
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return null;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  // Unused low bits of the last character give other spellings of the same bytes.
  return base64urlEncode(bytes) === text ? bytes : null;
}

const mwtKeys = new Map(); // secret -> Promise<CryptoKey>
function mwtKey(secret) {
  if (!mwtKeys.has(secret)) {
    mwtKeys.set(
      secret,
      crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']),
    );
  }
  return mwtKeys.get(secret);
}

/** The user id (`sub`) of a valid MWT, else null. */
async function mwtSubject(token, secret, nowSeconds) {
  if (typeof secret !== 'string' || secret === '' || typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'mwt1') return null;
  const payloadBytes = base64urlDecode(parts[1]);
  const signature = base64urlDecode(parts[2]);
  if (!payloadBytes || !signature) return null;
  const signed = encoder.encode(`mwt1.${parts[1]}`);
  if (!(await crypto.subtle.verify('HMAC', await mwtKey(secret), signature, signed))) return null;
  let claims;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
  const { sub, exp } = claims;
  if (typeof sub !== 'string' || sub === '') return null;
  if (!Number.isSafeInteger(exp) || exp <= nowSeconds) return null;
  return sub;
}

/** The value of cookie `name`; null when absent or sent more than once (ambiguous). */
function cookie(header, name) {
  let found = null;
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    if (found !== null) return null;
    found = pair.slice(eq + 1).trim();
  }
  return found;
}

// ---- requests ---------------------------------------------------------------

function labelled(response, label) {
  if (response.status === 101 || response.webSocket) return response;
  const out = new Response(response.body, response);
  out.headers.delete('Cache-Tag');
  out.headers.set('X-Mizan-Edge', label);
  return out;
}

/** What an edge may key this request by, or null (pass to the origin). */
async function cacheKey(request, url, env) {
  if (request.method !== 'GET' || request.headers.has('Authorization')) return null;
  const context = byPath.get(url.pathname);
  if (!context) return null;
  const query = url.search.slice(1);
  if (!patterns.get(context.name).test(query === '' ? '' : `&${query}`)) return null;
  let scope = 'public';
  if (context.private) {
    const token = cookie(request.headers.get('Cookie'), MIZAN.mwt_cookie);
    const sub = await mwtSubject(token, env.MIZAN_MWT_SECRET, Math.floor(Date.now() / 1000));
    if (sub === null) return null;
    scope = `user:${sub}`;
  }
  return { context, key: `${context.name}\n${context.rev}\n${query}\n${scope}` };
}

const dropped = new Set(['cache-tag', 'set-cookie', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

function fromEntry(request, entry, now) {
  const headers = new Headers(entry.headers);
  headers.set('Age', String(Math.floor((now - entry.stored) / 1000)));
  headers.set('X-Mizan-Edge', 'hit');
  const etag = headers.get('ETag');
  const match = request.headers.get('If-None-Match');
  if (etag && match && match.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(entry.body, { status: entry.status, headers });
}

// Misses of one key in flight: key -> { purges, entry: Promise<entry | null> }.
const flights = new Map();

function missed(request, entry) {
  const out = fromEntry(request, entry, entry.stored);
  out.headers.delete('Age');
  out.headers.set('X-Mizan-Edge', 'miss');
  return out;
}

async function cached(request, env, ctx, { context, key }) {
  const now = Date.now();
  if (env.MIZAN_EDGE_STORE === 'cache') return cachedByCacheApi(request, ctx, context, key);
  const entry = lookup(key, now);
  if (entry) return fromEntry(request, entry, now);
  // Concurrent misses of one key fetch once, as Varnish's waiting list does,
  // so a purge costs the origin one request, not one per connection. Not a
  // fetch that began before the last purge: it may bring the purged value.
  const flight = flights.get(key);
  if (flight && flight.purges === purges) {
    const shared = await flight.entry;
    if (shared) return missed(request, shared);
  }
  let settle = () => {};
  const mine = { purges, entry: new Promise((resolve) => (settle = resolve)) };
  flights.set(key, mine);
  try {
    const stored = await fetchToKeep(request, context, key, now);
    settle(stored.entry);
    return stored.response;
  } finally {
    settle(null);
    if (flights.get(key) === mine) flights.delete(key);
  }
}

// Fetches a miss; keeps the answer when the origin vouches for it and no
// purge ran meanwhile. Returns the response and the entry others may share.
async function fetchToKeep(request, context, key, now) {
  const before = purges;
  // A full 200 to keep: the Worker answers If-None-Match itself, from the entry.
  const forward = new Request(request);
  forward.headers.delete('If-None-Match');
  const response = await fetch(forward);
  const tags = response.headers.get('Cache-Tag');
  if (response.status !== 200 || !tags || response.headers.has('Set-Cookie')) {
    return { response: labelled(response, 'miss'), entry: null };
  }
  const body = await response.arrayBuffer();
  const headers = [...response.headers].filter(([name]) => !dropped.has(name.toLowerCase()));
  const stored = {
    status: 200,
    headers,
    body,
    stored: now,
    expires: now + context.ttl * 1000,
    tags: [...new Set(tags.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))],
  };
  if (purges !== before) return { response: missed(request, stored), entry: null };
  keep(key, stored);
  return { response: missed(request, stored), entry: stored };
}

// Cloudflare's own cache, for a deployment over many isolates: Cloudflare's
// purge-by-tag finds the entries by the Cache-Tag kept on the put. workerd
// without a cache service throws "No Cache was configured", so locally this
// mode can only be seen to pass requests through.
async function cachedByCacheApi(request, ctx, context, key) {
  // Under the purge path, which the Worker answers itself: no client request
  // can name an entry's URL.
  const cacheUrl = `${new URL(request.url).origin}${MIZAN.purge_path}/entry/${encodeURIComponent(key)}`;
  let hit;
  try {
    hit = await caches.default.match(cacheUrl);
  } catch {
    return labelled(await fetch(request), 'pass');
  }
  if (hit) return labelled(hit, 'hit');
  const response = await fetch(request);
  if (response.status !== 200 || !response.headers.get('Cache-Tag') || response.headers.has('Set-Cookie')) {
    return labelled(response, 'miss');
  }
  const body = await response.arrayBuffer();
  // The stored copy only: the client keeps the origin's Cache-Control (a
  // private context's `private` must reach the browser as it was).
  const stored = new Response(body, response);
  stored.headers.set('Cache-Control', `max-age=${context.ttl}`);
  ctx.waitUntil(caches.default.put(cacheUrl, stored).catch(() => {}));
  return labelled(new Response(body, response), 'miss');
}

function cloudflareAnswer(status, error) {
  const body = error
    ? { success: false, errors: [{ code: status, message: error }], messages: [], result: null }
    : { success: true, errors: [], messages: [], result: { id: crypto.randomUUID().replace(/-/g, '') } };
  return Response.json(body, { status, headers: { 'X-Mizan-Edge': 'purge' } });
}

async function purge(request, env) {
  if (request.method !== 'POST') {
    return new Response(null, { status: 405, headers: { Allow: 'POST' } });
  }
  const configured = env.MIZAN_PURGE_TOKEN;
  const given = /^Bearer (.+)$/.exec(request.headers.get('Authorization') ?? '')?.[1];
  if (typeof configured !== 'string' || configured === '' || !given || !(await sameSecret(given, configured))) {
    return cloudflareAnswer(403, 'Authentication error');
  }
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  if (declared > MAX_PURGE_BODY) return cloudflareAnswer(413, 'Request body too large');
  const raw = await request.arrayBuffer();
  if (raw.byteLength > MAX_PURGE_BODY) return cloudflareAnswer(413, 'Request body too large');
  let body;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    return cloudflareAnswer(400, 'Malformed JSON');
  }
  const tags = body?.tags;
  if (!Array.isArray(tags) || tags.length === 0 || tags.length > MAX_PURGE_TAGS) {
    return cloudflareAnswer(400, `tags: a list of 1 to ${MAX_PURGE_TAGS} tags`);
  }
  if (!tags.every((t) => typeof t === 'string' && t !== '' && encoder.encode(t).length <= MAX_TAG_BYTES)) {
    return cloudflareAnswer(400, `tags: each a non-empty string of at most ${MAX_TAG_BYTES} bytes`);
  }
  purgeTags(tags);
  return cloudflareAnswer(200);
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === MIZAN.purge_path) return purge(request, env);
    if (url.pathname.startsWith(`${MIZAN.purge_path}/`)) return new Response(null, { status: 404 });
    const key = await cacheKey(request, url, env);
    if (key) return cached(request, env, ctx, key);
    return labelled(await fetch(request), 'pass');
  },
};

