// Usernames are one account whatever their case (a sign-up of `ALICE` when
// `Alice` exists is refused; `alice` signs in as `Alice`), and the guessing
// limit counts every spelling of one name together.
import { describe, expect, it } from 'vitest';
import { Agent, expectError, password, uniqueName } from './agent.js';
import { useServer } from './server.js';

const ctx = useServer();

describe('usernames ignore case', () => {
  it('refuses a sign-up that differs from an existing name only in case', async () => {
    const name = `Case${uniqueName()}`;
    await new Agent(ctx.server.origin).signup(name);
    for (const other of [name.toUpperCase(), name.toLowerCase()]) {
      const reply = await new Agent(ctx.server.origin).call('auth_signup', { username: other, password });
      expectError(reply, 422, 'validation', { username: ['A user with that username already exists.'] });
    }
  });

  it('signs in with any case, as the name was registered', async () => {
    const name = `Mixed${uniqueName()}`;
    const created = await new Agent(ctx.server.origin).signup(name);
    const user = await new Agent(ctx.server.origin).login(name.toLowerCase());
    expect(user.id).toBe(created.id);
    expect(user.username).toBe(name);
  });

  it('counts wrong guesses of every spelling of one name together', async () => {
    const name = `Guess${uniqueName()}`;
    await new Agent(ctx.server.origin).signup(name);
    const spellings = [name, name.toUpperCase(), name.toLowerCase(), name, name.toUpperCase()];
    for (const spelling of spellings) {
      const reply = await new Agent(ctx.server.origin).call('auth_login', { username: spelling, password: 'wrong password 1' });
      expectError(reply, 401, 'unauthenticated');
    }
    // The sixth guess, in yet another case, is over the limit of five.
    const sixth = await new Agent(ctx.server.origin).call('auth_login', { username: name.toLowerCase(), password });
    expectError(sixth, 429, 'rate_limited');
  });

  it('answers a name that cannot exist (not ASCII) like any wrong name', async () => {
    const reply = await new Agent(ctx.server.origin).call('auth_login', { username: 'K\u212Aelvin', password });
    expectError(reply, 401, 'unauthenticated');
  });
});
