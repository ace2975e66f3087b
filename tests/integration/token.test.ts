// Bearer tokens (PROTOCOL §3, simplejwt's conventions) and the MWT cookie
// (PROTOCOL §7), checked with node:crypto under the secrets the server keeps
// in its data directory.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent, expectError, privateEntries, signedIn, type CallBody, type TokenPair, type User } from './agent.js';
import { useServer } from './server.js';

const ctx = useServer();
let user: User;
let tokens: TokenPair;

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');
const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString());
const secret = (file: string): string => readFileSync(join(ctx.server.dataDir, file), 'utf8').split('\n')[0]!;

/** An HS256 JWT with the given header and claims, signed under `key`. */
function sign(header: Record<string, unknown> | string, claims: Record<string, unknown>, key: string): string {
  const h = typeof header === 'string' ? b64url(header) : b64url(JSON.stringify(header));
  const input = `${h}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

/** A bearer-only request: no cookie, no CSRF token. */
function bearer(token: string, path = '/api/mizan/ctx/todos/', body?: unknown) {
  const agent = new Agent(ctx.server.origin);
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body === undefined) return agent.request(path, { headers });
  return agent.request(path, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const now = (): number => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  ({ user } = await signedIn(ctx.server.origin));
  tokens = await new Agent(ctx.server.origin).ok<TokenPair>('auth_token', {
    username: user.username,
    password: 'correct horse battery',
  });
});

describe('JWT', () => {
  it('auth_token returns an HS256 access/refresh pair shaped like simplejwt', async () => {
    expect(Object.keys(tokens).sort()).toEqual(['access', 'expires_in', 'refresh']);
    expect(tokens.expires_in).toBe(300);
    const [h, p] = tokens.access.split('.');
    expect(decode(h!)).toMatchObject({ alg: 'HS256' });
    const access = decode(p!);
    expect(access).toMatchObject({ sub: String(user.id), token_type: 'access' });
    expect(Number(access['exp']) - Number(access['iat'])).toBe(300);
    const refresh = decode(tokens.refresh.split('.')[1]!);
    expect(refresh).toMatchObject({ sub: String(user.id), token_type: 'refresh' });
    expect(Number(refresh['exp']) - Number(refresh['iat'])).toBe(86400);
    // Signed with the secret key, which the test can therefore reproduce.
    expect(sign(decode(h!), access, secret('secret_key'))).toBe(tokens.access);
  });

  it('the access token works as Authorization: Bearer, without CSRF and without cookies', async () => {
    const list = await bearer(tokens.access);
    expect(list.status, list.text).toBe(200);
    expect(list.setCookies).toEqual([]);
    const add = await bearer(tokens.access, '/api/mizan/call/add_todo/', { title: 'by token' });
    expect(add.status, add.text).toBe(200);
    expect(privateEntries(add.json<CallBody<unknown>>().invalidate)).toEqual(['todos']);
    expect(add.setCookies).toEqual([]);
    const session = await bearer(tokens.access, '/api/mizan/session/');
    expect(session.json<{ user: User }>().user).toEqual(user);
    const csv = await bearer(tokens.access, '/todos/export.csv');
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('"by token"');
  });

  it('a refresh token is refused where an access token is expected, and vice versa', async () => {
    expectError(await bearer(tokens.refresh), 401, 'unauthenticated');
    expectError(await bearer(tokens.refresh, '/api/mizan/call/add_todo/', { title: 'x' }), 401, 'unauthenticated');
    expectError(
      await bearer(tokens.access, '/api/mizan/call/auth_refresh/', { refresh: tokens.access }),
      401,
      'unauthenticated',
    );
  });

  it('auth_refresh gives a new working pair', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a later iat, so the tokens differ
    const reply = await bearer(tokens.access, '/api/mizan/call/auth_refresh/', { refresh: tokens.refresh });
    expect(reply.status, reply.text).toBe(200);
    const pair = reply.json<CallBody<TokenPair>>().result;
    expect(pair.expires_in).toBe(300);
    expect(pair.access).not.toBe(tokens.access);
    expect(decode(pair.refresh.split('.')[1]!)).toMatchObject({ sub: String(user.id), token_type: 'refresh' });
    expect((await bearer(pair.access)).status).toBe(200);
  });

  it('a password change revokes every refresh token issued before it', async () => {
    const { agent, user: someone } = await signedIn(ctx.server.origin);
    const before = await new Agent(ctx.server.origin).ok<TokenPair>('auth_token', {
      username: someone.username,
      password: 'correct horse battery',
    });
    expect(decode(before.refresh.split('.')[1]!)['password_stamp']).toMatch(/^[0-9a-f]{16}$/);
    await agent.ok('auth_password_change', { old_password: 'correct horse battery', new_password: 'a new passphrase 2' });
    const refused = await bearer(before.access, '/api/mizan/call/auth_refresh/', { refresh: before.refresh });
    expectError(refused, 401, 'unauthenticated');
    // The access token lives out its minutes (300 s), as simplejwt's do.
    expect((await bearer(before.access)).status).toBe(200);
    const after = await new Agent(ctx.server.origin).ok<TokenPair>('auth_token', {
      username: someone.username,
      password: 'a new passphrase 2',
    });
    const renewed = await bearer(after.access, '/api/mizan/call/auth_refresh/', { refresh: after.refresh });
    expect(renewed.status, renewed.text).toBe(200);
  });

  it('refuses a signed refresh token without the stamp of the current password', async () => {
    const key = secret('secret_key');
    const claims = { sub: String(user.id), token_type: 'refresh', iat: now(), exp: now() + 300 };
    const stamp = decode(tokens.refresh.split('.')[1]!)['password_stamp'];
    const header = { alg: 'HS256', typ: 'JWT' };
    // Sanity: with the right stamp, a token the test signs itself is accepted.
    const good = await bearer(tokens.access, '/api/mizan/call/auth_refresh/', {
      refresh: sign(header, { ...claims, password_stamp: stamp }, key),
    });
    expect(good.status, good.text).toBe(200);
    for (const bad of [claims, { ...claims, password_stamp: '0000000000000000' }, { ...claims, password_stamp: 7 }]) {
      const reply = await bearer(tokens.access, '/api/mizan/call/auth_refresh/', { refresh: sign(header, bad, key) });
      expectError(reply, 401, 'unauthenticated');
    }
  });

  it('refuses tampered, foreign, expired and alg:none tokens with 401', async () => {
    const key = secret('secret_key');
    const claims = { sub: String(user.id), token_type: 'access', iat: now(), exp: now() + 300 };
    // Sanity: a token the test signs itself is accepted, so the refusals below mean something.
    expect((await bearer(sign({ alg: 'HS256', typ: 'JWT' }, claims, key))).status).toBe(200);

    const [h, p, s] = tokens.access.split('.') as [string, string, string];
    const forged = { ...decode(p), sub: String(user.id + 1) };
    const bad: Record<string, string> = {
      'payload changed': `${h}.${b64url(JSON.stringify(forged))}.${s}`,
      'signature changed': `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`,
      'signature dropped': `${h}.${p}.`,
      'two parts': `${h}.${p}`,
      'other key': sign({ alg: 'HS256', typ: 'JWT' }, claims, 'x'.repeat(32)),
      'cache secret': sign({ alg: 'HS256', typ: 'JWT' }, claims, secret('cache_secret')),
      expired: sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now() - 600, exp: now() - 60 }, key),
      'no exp': sign({ alg: 'HS256', typ: 'JWT' }, { sub: claims.sub, token_type: 'access', iat: now() }, key),
      'string exp': sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: String(now() + 300) }, key),
      'no token_type': sign({ alg: 'HS256', typ: 'JWT' }, { sub: claims.sub, iat: now(), exp: now() + 300 }, key),
      'unknown user': sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: '999999' }, key),
      'alg none': `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify(claims))}.`,
      'alg None': `${b64url('{"alg":"None","typ":"JWT"}')}.${b64url(JSON.stringify(claims))}.`,
      'alg none, signed': sign({ alg: 'none', typ: 'JWT' }, claims, key),
      'duplicate alg': sign('{"alg":"HS256","alg":"none"}', claims, key),
      'alg HS512': sign({ alg: 'HS512', typ: 'JWT' }, claims, key),
      'crit header': sign({ alg: 'HS256', typ: 'JWT', crit: ['exp'] }, claims, key),
      'aud unconfigured': sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'someone' }, key),
      garbage: 'not a token',
    };
    for (const [what, token] of Object.entries(bad)) {
      const reply = await bearer(token);
      expect(reply.status, `${what}: ${reply.text}`).toBe(401);
      expectError(reply, 401, 'unauthenticated');
      expectError(await bearer(token, '/api/mizan/call/add_todo/', { title: 'x' }), 401, 'unauthenticated');
    }
  });

  it('an invalid token is 401 on public endpoints too, never silently anonymous', async () => {
    for (const path of ['/api/mizan/session/', '/api/mizan/ctx/stats/', '/api/mizan/ctx/leaderboard/']) {
      // Once to fill the origin cache, once more to go through a cache hit.
      await new Agent(ctx.server.origin).request(path);
      expectError(await bearer('not a token', path), 401, 'unauthenticated');
      expectError(await bearer(tokens.refresh, path), 401, 'unauthenticated');
    }
  });
});

describe('MWT cookie', () => {
  it('is mwt1.{payload}.{signature}, HMAC-SHA256 under the MWT secret', async () => {
    const { agent, user: u } = await signedIn(ctx.server.origin);
    const mwt = agent.jar.get('mizan_mwt')!;
    const parts = mwt.split('.');
    expect(parts).toHaveLength(3);
    const [tag, payload, signature] = parts as [string, string, string];
    expect(tag).toBe('mwt1');
    expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const claims = decode(payload);
    expect(claims['sub']).toBe(String(u.id));
    // exp is when the session ends: 14 days from now.
    expect(Math.abs(Number(claims['exp']) - (now() + 14 * 86400))).toBeLessThan(120);
    const mwtSecret = secret('mwt_secret');
    expect(createHmac('sha256', mwtSecret).update(`mwt1.${payload}`).digest('base64url')).toBe(signature);
    // Three different secrets (PROTOCOL §6).
    expect(new Set([mwtSecret, secret('secret_key'), secret('cache_secret')]).size).toBe(3);
    expect(createHmac('sha256', secret('secret_key')).update(`mwt1.${payload}`).digest('base64url')).not.toBe(
      signature,
    );
  });
});
