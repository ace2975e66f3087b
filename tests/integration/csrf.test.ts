// CSRF (PROTOCOL §3 "CSRF and authentication"), cookie tossing and Secure
// cookies over HTTP; sessions themselves are in session.test.ts.
import { describe, expect, it } from 'vitest';
import { Agent, attributes, expectError, password, signedIn, uniqueName, type User } from './agent.js';
import { startServer, useServer } from './server.js';

const ctx = useServer();

describe('CSRF', () => {
  it('refuses an unsafe call without a token', async () => {
    const a = new Agent(ctx.server.origin);
    await a.session();
    const reply = await a.request('/api/mizan/call/auth_signup/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: uniqueName(), password }),
    });
    expectError(reply, 403, 'csrf_failed');
    const { agent } = await signedIn(ctx.server.origin);
    expectError(await agent.call('add_todo', { title: 'x' }, { 'X-CSRF-Token': '' }), 403, 'csrf_failed');
  });

  it('refuses a wrong token, signed in or not', async () => {
    const a = new Agent(ctx.server.origin);
    await a.session();
    const wrong = a.csrf.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expectError(
      await a.call('auth_signup', { username: uniqueName(), password }, { 'X-CSRF-Token': wrong }),
      403,
      'csrf_failed',
    );
    const { agent } = await signedIn(ctx.server.origin);
    expectError(await agent.call('add_todo', { title: 'x' }, { 'X-CSRF-Token': wrong }), 403, 'csrf_failed');
  });

  it("refuses another browser's token", async () => {
    const a = new Agent(ctx.server.origin);
    const b = new Agent(ctx.server.origin);
    await a.session();
    await b.session();
    expectError(
      await b.call('auth_signup', { username: uniqueName(), password }, { 'X-CSRF-Token': a.csrf }),
      403,
      'csrf_failed',
    );
    const signedA = await signedIn(ctx.server.origin);
    const signedB = await signedIn(ctx.server.origin);
    expectError(
      await signedB.agent.call('add_todo', { title: 'x' }, { 'X-CSRF-Token': signedA.agent.csrf }),
      403,
      'csrf_failed',
    );
  });

  it('refuses a made-up cookie planted with a matching header', async () => {
    const a = new Agent(ctx.server.origin);
    a.jar.set('mizan_csrf', 'a'.repeat(64));
    a.csrf = 'a'.repeat(64);
    expectError(await a.call('auth_signup', { username: uniqueName(), password }), 403, 'csrf_failed');
  });

  it('checks Origin against the allowed origins', async () => {
    const { agent } = await signedIn(ctx.server.origin);
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${ctx.server.port + 1}`]) {
      expectError(await agent.call('add_todo', { title: 'x' }, { Origin: origin }), 403, 'csrf_failed');
    }
    for (const origin of [ctx.server.origin, `http://localhost:${ctx.server.port}`]) {
      const reply = await agent.call('add_todo', { title: 'from an allowed origin' }, { Origin: origin });
      expect(reply.status, reply.text).toBe(200);
    }
  });
});

describe('cookie tossing (several cookies of one name)', () => {
  const sessionOf = (agent: Agent): string => agent.jar.get('mizan_session') ?? '';

  it("a planted second session cookie of another user signs nobody in, not the planter's session", async () => {
    const victim = await signedIn(ctx.server.origin);
    const attacker = await signedIn(ctx.server.origin);
    for (const header of [
      `mizan_session=${sessionOf(attacker.agent)}; mizan_session=${sessionOf(victim.agent)}`,
      `mizan_session=${sessionOf(victim.agent)}; mizan_session=${sessionOf(attacker.agent)}`,
    ]) {
      const reply = await victim.agent.request('/api/mizan/session/', { headers: { Cookie: header } });
      expect(reply.json<{ user: User | null }>().user).toBeNull();
      expectError(await victim.agent.context('todos', '', { Cookie: header }), 401, 'unauthenticated');
    }
  });

  it('a stale or made-up second session cookie does not sign the user out', async () => {
    const { agent, user } = await signedIn(ctx.server.origin);
    const header = `mizan_session=${'f'.repeat(64)}; mizan_session=${sessionOf(agent)}`;
    const reply = await agent.request('/api/mizan/session/', { headers: { Cookie: header } });
    expect(reply.json<{ user: User | null }>().user?.id).toBe(user.id);
  });

  it('two different CSRF cookies are refused, even with a header matching one of them', async () => {
    const a = new Agent(ctx.server.origin);
    const b = new Agent(ctx.server.origin);
    await a.session();
    await b.session();
    const header = `mizan_csrf=${b.csrf}; mizan_csrf=${a.csrf}`;
    for (const token of [a.csrf, b.csrf]) {
      expectError(
        await a.call('auth_signup', { username: uniqueName(), password }, { Cookie: header, 'X-CSRF-Token': token }),
        403,
        'csrf_failed',
      );
    }
  });
});

describe('Secure cookies', () => {
  it('take the __Host- prefix (session and CSRF), which a sibling subdomain cannot set', async () => {
    const server = await startServer({ MIZAN_SECURE_COOKIES: '1' });
    try {
      const a = new Agent(server.origin);
      const first = await a.request('/api/mizan/session/');
      expect(attributes(first.setCookie('__Host-mizan_csrf'))).toEqual(expect.arrayContaining(['Path=/', 'Secure']));
      expect(first.setCookie('mizan_csrf')).toBeUndefined();
      await a.session();
      const user = await a.signup();
      expect(a.jar.has('__Host-mizan_session')).toBe(true);
      expect(a.jar.has('mizan_mwt')).toBe(true);
      expect((await a.session()).user?.id).toBe(user.id);
      // The unprefixed name means nothing here: planting it signs nobody in.
      const planted = `mizan_session=${a.jar.get('__Host-mizan_session')}`;
      const reply = await a.request('/api/mizan/session/', { headers: { Cookie: planted } });
      expect(reply.json<{ user: User | null }>().user).toBeNull();
    } finally {
      await server.dispose();
    }
  });
});
