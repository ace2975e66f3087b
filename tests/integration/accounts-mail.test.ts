// Password reset and email verification through a real SMTP server
// (aiosmtpd): links arrive by mail, tokens are single use and expire, the
// request tells nobody who has an account and cannot flood a mailbox, and a
// mail server that is down delays mail without delaying any answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, expectError, password, uniqueName, type User, type TokenPair } from './agent.js';
import { freePort, startServer, type TodoServer } from './server.js';
import { linkToken, SmtpSink } from './smtp-sink.js';

const newPassword = 'a brand new passphrase';
const resetSubject = 'Reset your password';
const verifySubject = 'Verify your email address';
let sink: SmtpSink;
let server: TodoServer;
let shortLived: TodoServer; // reset links that expire after a second

const mailEnv = (): Record<string, string> => ({
  MIZAN_SMTP_URL: sink.url,
  MIZAN_MAIL_FROM: 'accounts@example.com',
  MIZAN_PUBLIC_URL: 'https://app.example.com/',
});

beforeAll(async () => {
  sink = new SmtpSink(await freePort());
  await sink.start();
  server = await startServer(mailEnv());
  shortLived = await startServer({ ...mailEnv(), MIZAN_PASSWORD_RESET_TTL: '1' });
});

afterAll(async () => {
  await server?.dispose();
  await shortLived?.dispose();
  await sink?.dispose();
});

async function signupWithEmail(origin: string): Promise<{ agent: Agent; user: User; email: string }> {
  const agent = new Agent(origin);
  const username = uniqueName('mail');
  const email = `${username}@Example.com`;
  const user = (await agent.ok<{ user: User }>('auth_signup', { username, password, email })).user;
  return { agent, user, email };
}

async function resetToken(origin: string, email: string, count = 1): Promise<string> {
  const reply = await new Agent(origin).call('auth_password_reset_request', { email: email.toUpperCase() });
  expect(reply.status, reply.text).toBe(200);
  const resets = await sink.mailsTo(email, count, 10_000, resetSubject);
  expect(resets.length).toBeGreaterThanOrEqual(count);
  return linkToken(resets[count - 1]!, 'reset-password');
}

describe('password reset', () => {
  it('mails a link that sets a new password, signs the caller in and everyone else out', async () => {
    const { agent: other, user, email } = await signupWithEmail(server.origin);
    const stolen = await new Agent(server.origin).ok<TokenPair>('auth_token', { username: user.username, password });
    const token = await resetToken(server.origin, email);
    const [mail] = await sink.mailsTo(email, 1, 10_000, resetSubject);
    if (!mail) throw new Error('no reset mail');
    expect(mail.body).toContain(`https://app.example.com/reset-password?token=${token}`);
    expect(mail.raw).toMatch(/^From: accounts@example\.com\r$/m);

    const browser = new Agent(server.origin);
    const reset = await browser.call('auth_password_reset', { token, password: newPassword });
    expect(reset.status, reset.text).toBe(200);
    expect(reset.json<{ result: { user: User } }>().result.user.id).toBe(user.id);
    expect((await browser.session()).user?.id).toBe(user.id);
    expect((await other.session()).user).toBeNull();

    const old = await new Agent(server.origin).call('auth_login', { username: user.username, password });
    expectError(old, 401, 'unauthenticated');
    await new Agent(server.origin).login(user.username, newPassword);
    // A refresh token issued before the reset (a stolen one) is revoked too.
    const refreshed = await new Agent(server.origin).call('auth_refresh', { refresh: stolen.refresh });
    expectError(refreshed, 401, 'unauthenticated');
  });

  it('refuses a weak password and keeps the link usable', async () => {
    const { email } = await signupWithEmail(server.origin);
    const token = await resetToken(server.origin, email);
    const weak = await new Agent(server.origin).call('auth_password_reset', { token, password: '12345678' });
    expectError(weak, 422, 'validation', { password: ['This password is entirely numeric.'] });
    const ok = await new Agent(server.origin).call('auth_password_reset', { token, password: newPassword });
    expect(ok.status, ok.text).toBe(200);
  });

  it('takes each link once, even twice at the same moment', async () => {
    const { email } = await signupWithEmail(server.origin);
    const first = await resetToken(server.origin, email);
    expect((await new Agent(server.origin).call('auth_password_reset', { token: first, password: newPassword })).status).toBe(200);
    const again = await new Agent(server.origin).call('auth_password_reset', { token: first, password: newPassword });
    const error = expectError(again, 400, 'invalid_token');
    expect(error.message).toBe('This link is invalid or has expired.');

    const second = await resetToken(server.origin, email, 2);
    const both = await Promise.all(
      [1, 2].map(() => new Agent(server.origin).call('auth_password_reset', { token: second, password: newPassword })),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
    expectError(both.find((r) => r.status === 400)!, 400, 'invalid_token');
  });

  it('refuses a link issued before the password changed', async () => {
    const { agent, email } = await signupWithEmail(server.origin);
    const token = await resetToken(server.origin, email);
    await agent.ok('auth_password_change', { old_password: password, new_password: newPassword });
    const late = await new Agent(server.origin).call('auth_password_reset', { token, password: 'yet another one' });
    expectError(late, 400, 'invalid_token');
  });

  it('refuses an expired link, and unknown or malformed tokens', async () => {
    const { email } = await signupWithEmail(shortLived.origin);
    const token = await resetToken(shortLived.origin, email);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await new Agent(shortLived.origin).call('auth_password_reset', { token, password: newPassword });
    expectError(expired, 400, 'invalid_token');
    for (const bad of ['A'.repeat(43), 'not a token', `${token.slice(0, 42)}=`]) {
      const reply = await new Agent(server.origin).call('auth_password_reset', { token: bad, password: newPassword });
      expectError(reply, 400, 'invalid_token');
    }
  });

  it('answers an unknown address exactly as a known one, and mails nobody', async () => {
    const { email } = await signupWithEmail(server.origin);
    const known = await new Agent(server.origin).call('auth_password_reset_request', { email });
    const nobody = `${uniqueName('nobody')}@example.com`;
    const unknown = await new Agent(server.origin).call('auth_password_reset_request', { email: nobody });
    expect(unknown.status).toBe(known.status);
    expect(unknown.text).toBe(known.text);
    expect(known.json<{ result: unknown }>().result).toEqual({ sent: true });
    await sink.mailsTo(email, 1, 10_000, resetSubject);
    expect(await sink.mailsTo(nobody, 1, 1000)).toEqual([]);
  });

  it('mails one address at most three times an hour, answering the same every time', async () => {
    const { email } = await signupWithEmail(server.origin);
    const replies = [];
    for (let i = 0; i < 6; ++i) {
      replies.push(await new Agent(server.origin).call('auth_password_reset_request', { email }));
    }
    for (const reply of replies) expect(reply.text).toBe(replies[0]!.text);
    const resets = await sink.mailsTo(email, 4, 2000, resetSubject);
    expect(resets.length).toBe(3);
  });

  it('refuses a header injection in the address', async () => {
    for (const email of ['a@example.com\r\nBcc: victim@example.net', 'a@example.com\nBcc:victim@example.net']) {
      const reply = await new Agent(server.origin).call('auth_password_reset_request', { email });
      expect(reply.status, reply.text).toBe(422);
      expect(reply.json<{ error: { fields: Record<string, string[]> } }>().error.fields).toHaveProperty('email');
      const signup = await new Agent(server.origin).call('auth_signup', { username: uniqueName(), password, email });
      expect(signup.status, signup.text).toBe(422);
    }
    expect(sink.mails().filter((m) => m.raw.includes('victim@example.net'))).toEqual([]);
  });

  it('answers at once while the mail server is down, and the mail follows when it is back', async () => {
    const { email } = await signupWithEmail(server.origin);
    await sink.mailsTo(email, 1, 10_000, verifySubject);
    await sink.stop();
    const started = Date.now();
    const reply = await new Agent(server.origin).call('auth_password_reset_request', { email });
    expect(reply.status, reply.text).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await sink.start();
    const mails = await sink.mailsTo(email, 1, 20_000, resetSubject);
    expect(mails.length).toBe(1);
  }, 40_000);
});

describe('email verification', () => {
  it('mails a link at sign-up that marks the address verified', async () => {
    const { agent, email } = await signupWithEmail(server.origin);
    expect((await agent.session()).user?.email_verified).toBe(false);
    const [mail] = await sink.mailsTo(email, 1, 10_000, verifySubject);
    expect(mail?.body).toContain('https://app.example.com/verify-email?token=');
    const token = linkToken(mail!, 'verify-email');
    const verified = await agent.ok<{ user: User }>('auth_email_verify', { token });
    expect(verified.user.email_verified).toBe(true);
    expect((await agent.session()).user?.email_verified).toBe(true);
    expectError(await agent.call('auth_email_verify', { token }), 400, 'invalid_token');
  });

  it('sends another link on request, and refuses an account without an address', async () => {
    const { agent, email } = await signupWithEmail(server.origin);
    await agent.ok('auth_email_verify_request');
    const mails = await sink.mailsTo(email, 2, 10_000, verifySubject);
    expect(mails.length).toBe(2);
    // Followed in another browser, signed out: verified, and no user to show.
    const anonymous = await new Agent(server.origin).ok<{ user: User | null }>('auth_email_verify', {
      token: linkToken(mails[1]!, 'verify-email'),
    });
    expect(anonymous.user).toBeNull();
    expect((await agent.session()).user?.email_verified).toBe(true);

    const bare = new Agent(server.origin);
    await bare.signup();
    expectError(await bare.call('auth_email_verify_request'), 422, 'validation', {
      email: ['Your account has no email address.'],
    });
  });
});
