// Sessions and CSRF over HTTP (PROTOCOL §3 "CSRF and authentication", and the
// decisions on anonymous tokens and rotation in docs/protocol.md).
import { describe, expect, it } from 'vitest';
import { Agent, attributes, expectError, password, privateEntries, signedIn, uniqueName, type CallBody, type Reply, type User } from './agent.js';
import { startServer, TodoServer, useServer } from './server.js';

const ctx = useServer();
const hex64 = /^[0-9a-f]{64}$/;

describe('GET session/', () => {
  it('gives an anonymous caller a signed CSRF token in the mizan_csrf cookie', async () => {
    const a = new Agent(ctx.server.origin);
    const reply = await a.request('/api/mizan/session/');
    expect(reply.status).toBe(200);
    expect(reply.header('Content-Type')).toMatch(/^application\/json/);
    expect(reply.header('Cache-Control')).toBe('no-store');
    const body = reply.json<{ user: null; csrf_token: string }>();
    expect(Object.keys(body).sort()).toEqual(['csrf_token', 'user']);
    expect(body.user).toBeNull();
    expect(body.csrf_token).toMatch(hex64);
    const cookie = reply.setCookie('mizan_csrf');
    expect(cookie).toBe(`mizan_csrf=${body.csrf_token}; Path=/; SameSite=Lax; HttpOnly`);

    // The same browser keeps its token; no new cookie is needed.
    const again = await a.request('/api/mizan/session/');
    expect(again.json<{ csrf_token: string }>().csrf_token).toBe(body.csrf_token);
    expect(again.setCookie('mizan_csrf')).toBeUndefined();
  });

  it('replaces a made-up mizan_csrf cookie with a genuine token', async () => {
    const a = new Agent(ctx.server.origin);
    a.jar.set('mizan_csrf', 'f'.repeat(64));
    const body = await a.session();
    expect(body.csrf_token).not.toBe('f'.repeat(64));
    expect(a.jar.get('mizan_csrf')).toBe(body.csrf_token);
  });

  it('returns the signed-in user and the session token', async () => {
    const { agent, user } = await signedIn(ctx.server.origin);
    const csrf = agent.csrf;
    const body = await agent.session();
    expect(body.user).toEqual(user);
    expect(Object.keys(body.user!).sort()).toEqual([
      'email',
      'email_verified',
      'id',
      'is_staff',
      'is_superuser',
      'username',
    ]);
    expect(body.csrf_token).toBe(csrf);
  });
});

/**
 * At most five of `guesses` (all wrong) were checked against the password
 * (401); the others were refused before (429). Each attempt commits once, so
 * on a loaded machine one may wait out SQLite's busy timeout: 503 with
 * Retry-After, never a sixth check.
 */
function expectAtMostFiveChecked(guesses: Reply[]): void {
  const statuses = guesses.map((g) => g.status);
  const checked = statuses.filter((s) => s === 401).length;
  expect(checked, statuses.join(' ')).toBeLessThanOrEqual(5);
  expect(statuses.every((s) => s === 401 || s === 429 || s === 503), statuses.join(' ')).toBe(true);
  for (const g of guesses.filter((r) => r.status === 503)) expect(g.header('Retry-After')).not.toBeNull();
  // Unless the database was that busy, exactly five were checked.
  if (!statuses.includes(503)) expect(checked, statuses.join(' ')).toBe(5);
}

describe('sign-up, login and logout', () => {
  it('sign-up sets the session, MWT and CSRF cookies and invalidates every private context', async () => {
    const a = new Agent(ctx.server.origin);
    const anonymousToken = (await a.session()).csrf_token;
    const username = uniqueName();
    const reply = await a.call('auth_signup', { username, password, email: 'a@example.com' });
    expect(reply.status, reply.text).toBe(200);
    const body = reply.json<CallBody<{ user: User }>>();
    expect(body.result.user).toMatchObject({ username, email: 'a@example.com', is_staff: false, is_superuser: false });
    expect(privateEntries(body.invalidate).sort()).toEqual(['todo', 'todos']);

    const session = attributes(reply.setCookie('mizan_session'));
    expect(session).toEqual(expect.arrayContaining(['Path=/', 'SameSite=Lax', 'HttpOnly', 'Max-Age=1209600']));
    expect(reply.setCookie('mizan_session')).toMatch(/^mizan_session=[0-9a-f]{64};/);
    expect(attributes(reply.setCookie('mizan_mwt'))).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly']));
    expect(reply.setCookie('mizan_mwt')).toMatch(/^mizan_mwt=mwt1\.[\w-]+\.[\w-]+;/);
    // The new token travels in the response header and the cookie.
    const token = reply.header('X-CSRF-Token');
    expect(token).toMatch(hex64);
    expect(token).not.toBe(anonymousToken);
    expect(reply.setCookie('mizan_csrf')).toBe(`mizan_csrf=${token}; Path=/; SameSite=Lax; HttpOnly`);
    expect((await a.session()).user?.username).toBe(username);
  });

  it('rotates the session id and token at login; the old cookie and token stop working', async () => {
    const { agent: a, user } = await signedIn(ctx.server.origin);
    const oldSession = a.jar.get('mizan_session')!;
    const oldToken = a.csrf;
    const reply = await a.call('auth_login', { username: user.username, password });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json<CallBody<unknown>>().invalidate.slice().sort()).toEqual(['todo', 'todos']);
    const newSession = a.jar.get('mizan_session')!;
    expect(newSession).toMatch(hex64);
    expect(newSession).not.toBe(oldSession);
    expect(a.csrf).not.toBe(oldToken);

    const stale = new Agent(ctx.server.origin);
    stale.jar.set('mizan_session', oldSession);
    expect((await stale.session()).user).toBeNull();
    expectError(await stale.context('todos'), 401, 'unauthenticated');
    // The old token is refused for the new session too.
    expectError(await a.call('add_todo', { title: 'x' }, { 'X-CSRF-Token': oldToken }), 403, 'csrf_failed');
    expect((await a.session()).user?.id).toBe(user.id);
  });

  it('logout clears the cookies, rotates the token and ends the old session', async () => {
    const { agent: a } = await signedIn(ctx.server.origin);
    const oldSession = a.jar.get('mizan_session')!;
    const reply = await a.call('auth_logout');
    expect(reply.status, reply.text).toBe(200);
    const body = reply.json<CallBody<{ user: null }>>();
    expect(body.result).toEqual({ user: null });
    expect(body.invalidate.slice().sort()).toEqual(['todo', 'todos']);
    expect(reply.setCookie('mizan_session')).toMatch(/^mizan_session=; Path=\/; Max-Age=0;/);
    expect(reply.setCookie('mizan_mwt')).toMatch(/^mizan_mwt=; Path=\/; Max-Age=0;/);
    expect(reply.header('X-CSRF-Token')).toMatch(hex64);
    expect(a.jar.has('mizan_session')).toBe(false);

    const stale = new Agent(ctx.server.origin);
    stale.jar.set('mizan_session', oldSession);
    expect((await stale.session()).user).toBeNull();
    expectError(await stale.context('todos'), 401, 'unauthenticated');
    // Signed out, the browser is anonymous again with its new token.
    expectError(await a.call('add_todo', { title: 'x' }), 401, 'unauthenticated');
  });

  it('a password change rotates the session and keeps the user signed in', async () => {
    const { agent: a, user } = await signedIn(ctx.server.origin);
    const oldSession = a.jar.get('mizan_session')!;
    const wrong = await a.call('auth_password_change', { old_password: 'nope nope', new_password: 'another horse 2' });
    expectError(wrong, 422, 'validation', { old_password: ['Your old password was entered incorrectly.'] });
    const reply = await a.call('auth_password_change', { old_password: password, new_password: 'another horse 2' });
    expect(reply.status, reply.text).toBe(200);
    expect(a.jar.get('mizan_session')).not.toBe(oldSession);
    expect((await a.session()).user?.id).toBe(user.id);
    const b = new Agent(ctx.server.origin);
    expectError(await b.call('auth_login', { username: user.username, password }), 401, 'unauthenticated');
    expect((await b.login(user.username, 'another horse 2')).id).toBe(user.id);
  });

  it("a password change ends the user's other sessions, as in Django", async () => {
    const { agent: a, user } = await signedIn(ctx.server.origin);
    const other = new Agent(ctx.server.origin);
    await other.login(user.username);
    expect((await other.session()).user?.id).toBe(user.id);
    const reply = await a.call('auth_password_change', { old_password: password, new_password: 'another horse 3' });
    expect(reply.status, reply.text).toBe(200);
    // A session opened with the old password (perhaps by whoever stole it) must not survive.
    expect((await other.session()).user).toBeNull();
    expectError(await other.context('todos'), 401, 'unauthenticated');
  });

  it('bad credentials are 401 with the Django wording', async () => {
    const { user } = await signedIn(ctx.server.origin);
    const a = new Agent(ctx.server.origin);
    const e = expectError(
      await a.call('auth_login', { username: user.username, password: 'wrong password' }),
      401,
      'unauthenticated',
    );
    expect(e.message).toBe('Invalid username or password.');
    expectError(await a.call('auth_login', { username: 'nobody_here', password }), 401, 'unauthenticated');
  });

  it('password guessing is refused with 429 after five failures, per username', async () => {
    const { user } = await signedIn(ctx.server.origin);
    const { user: bystander } = await signedIn(ctx.server.origin);
    const a = new Agent(ctx.server.origin);
    for (let i = 0; i < 5; i++) {
      expectError(await a.call('auth_login', { username: user.username, password: `guess ${i}` }), 401, 'unauthenticated');
    }
    // Locked now, even with the right password and through the token endpoint.
    const refused = await a.call('auth_login', { username: user.username, password });
    const e = expectError(refused, 429, 'rate_limited');
    expect(e.message).toBe('Too many failed sign-ins. Try again later.');
    const wait = Number(refused.header('Retry-After'));
    expect(Number.isInteger(wait) && wait > 0 && wait <= 900, `Retry-After ${wait}`).toBe(true);
    expectError(await a.call('auth_token', { username: user.username, password }), 429, 'rate_limited');
    // Another account is not affected.
    const b = new Agent(ctx.server.origin);
    expect((await b.call('auth_login', { username: bystander.username, password })).status).toBe(200);
  });

  it('concurrent guesses beyond the workers: no more than five are checked against the password', async () => {
    const { user } = await signedIn(ctx.server.origin);
    const guesses = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        new Agent(ctx.server.origin).call('auth_login', { username: user.username, password: `guess ${i}` }),
      ),
    );
    expectAtMostFiveChecked(guesses);
    expectError(await new Agent(ctx.server.origin).call('auth_login', { username: user.username, password }), 429, 'rate_limited');
  });

  it('concurrent guesses through two processes sharing the database: still no more than five checked', async () => {
    // A second server process on the same database, as behind a load balancer.
    const second = new TodoServer(ctx.server.dataDir);
    await second.start();
    try {
      const { user } = await signedIn(ctx.server.origin);
      const guesses = await Promise.all(
        Array.from({ length: 32 }, (_, i) =>
          new Agent(i % 2 ? second.origin : ctx.server.origin).call('auth_login', {
            username: user.username,
            password: `guess ${i}`,
          }),
        ),
      );
      expectAtMostFiveChecked(guesses);
    } finally {
      await second.stop();
    }
  });

  it('a sign-out through one process is seen by the very next request to another sharing the database', async () => {
    const second = new TodoServer(ctx.server.dataDir);
    await second.start();
    try {
      const { agent } = await signedIn(ctx.server.origin);
      const other = new Agent(second.origin);
      for (const [name, value] of agent.jar) other.jar.set(name, value);
      // Twice: the second read may be answered from what the process
      // remembers of signed-in sessions (on SQLite).
      expect((await other.request('/api/mizan/ctx/todos/')).status).toBe(200);
      expect((await other.request('/api/mizan/ctx/todos/')).status).toBe(200);
      expect((await agent.call('auth_logout')).status).toBe(200);
      expectError(await other.request('/api/mizan/ctx/todos/'), 401, 'unauthenticated');
    } finally {
      await second.stop();
    }
  });

  it('a successful sign-in clears the failures before the limit', async () => {
    const { user } = await signedIn(ctx.server.origin);
    const a = new Agent(ctx.server.origin);
    for (let i = 0; i < 4; i++) {
      expectError(await a.call('auth_login', { username: user.username, password: `guess ${i}` }), 401, 'unauthenticated');
    }
    expect((await a.call('auth_login', { username: user.username, password })).status).toBe(200);
    const b = new Agent(ctx.server.origin);
    for (let i = 0; i < 4; i++) {
      expectError(await b.call('auth_login', { username: user.username, password: `again ${i}` }), 401, 'unauthenticated');
    }
    expect((await b.call('auth_login', { username: user.username, password })).status).toBe(200);
  });

  it('sign-up validates like Django', async () => {
    const a = new Agent(ctx.server.origin);
    expectError(await a.call('auth_signup', { username: '', password: 'short' }), 422, 'validation', {
      username: ['This field is required.'],
      password: ['Ensure this field has at least 8 characters.'],
    });
    const taken = await signedIn(ctx.server.origin);
    const dup = await a.call('auth_signup', { username: taken.user.username, password });
    expectError(dup, 422, 'validation', { username: ['A user with that username already exists.'] });
    expectError(await a.call('auth_signup', { username: 'bad name!', password }), 422, 'validation', {
      username: ['Enter a valid username: up to 150 letters, digits and @/./+/-/_ characters.'],
    });
    expectError(await a.call('auth_signup', { username: uniqueName(), password: '12345678901' }), 422, 'validation', {
      password: ['This password is entirely numeric.'],
    });
    expectError(
      await a.call('auth_signup', { username: uniqueName(), password, email: 'not-an-email' }),
      422,
      'validation',
      { email: ['Enter a valid email address.'] },
    );
  });
});
