// {{name}} across processes: starts the built server (APP_BIN) on a free
// port with an empty data directory, then checks the public count, sign-up,
// adding a note (which makes both contexts stale), that its author sees it
// and that nobody else does, and a password reset through the link the
// server writes to its log (no SMTP server is configured). APP_STATIC_DIR,
// when set, is served at `/`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

const bin = process.env.APP_BIN;
if (!bin) throw new Error('APP_BIN: the built server (./test.sh sets it)');
let server;
let api;
let origin;
let log = ''; // the server's standard error, where mail goes without MIZAN_SMTP_URL
const dataDir = mkdtempSync(join(tmpdir(), '{{name}}-test-'));

before(async () => {
  const env = { ...process.env, MIZAN_BIND: '127.0.0.1:0', MIZAN_DATA_DIR: dataDir };
  if (process.env.APP_STATIC_DIR) env.MIZAN_STATIC_DIR = process.env.APP_STATIC_DIR;
  server = spawn(bin, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.on('data', (chunk) => {
    log += chunk;
    process.stderr.write(chunk);
  });
  origin = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no 'Mizan serving' line in 30 s: ${out}`)), 30_000);
    server.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${out}`)));
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /^Mizan serving (http:\S+?)\/?$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  api = `${origin}/api/mizan`;
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** A browser stand-in: its cookies and its CSRF token. */
class Visitor {
  cookies = new Map();

  async fetch(path, init = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(`${api}/${path}`, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }

  async context(name) {
    const response = await this.fetch(`ctx/${name}/`);
    return { status: response.status, body: await response.json() };
  }

  /** Calls a function with the session's CSRF token; returns the JSON answer. */
  async call(name, args) {
    const session = await (await this.fetch('session/')).json();
    const response = await this.fetch(`call/${name}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
      body: JSON.stringify(args),
    });
    const body = await response.json();
    assert.equal(response.status, 200, `${name}: ${JSON.stringify(body)}`);
    return body;
  }
}

const ann = new Visitor();
const bob = new Visitor();

test('the public count starts at zero', async () => {
  const stats = await new Visitor().context('stats');
  assert.equal(stats.status, 200);
  assert.deepEqual(stats.body, { public_stats: { users: 0, notes: 0 } });
});

test('the notes need a signed-in user', async () => {
  const notes = await new Visitor().context('notes');
  assert.equal(notes.status, 401);
  assert.equal(notes.body.error.code, 'unauthenticated');
});

test('signing up signs in and counts the user', async () => {
  const answer = await ann.call('auth_signup', { username: 'ann', password: 'correct horse' });
  assert.equal(answer.result.user.username, 'ann');
  assert.ok(answer.invalidate.includes('stats'), JSON.stringify(answer.invalidate));
  assert.deepEqual((await ann.context('notes')).body, { list_notes: [] });
  assert.equal((await ann.context('stats')).body.public_stats.users, 1);
});

test('adding a note makes both contexts stale, and its author sees it', async () => {
  const answer = await ann.call('add_note', { text: 'buy milk' });
  assert.equal(answer.result.text, 'buy milk');
  assert.ok(answer.invalidate.includes('notes'), JSON.stringify(answer.invalidate));
  assert.ok(answer.invalidate.includes('stats'), JSON.stringify(answer.invalidate));
  const notes = await ann.context('notes');
  assert.equal(notes.status, 200);
  assert.deepEqual(
    notes.body.list_notes.map((n) => n.text),
    ['buy milk'],
  );
  assert.deepEqual((await new Visitor().context('stats')).body, { public_stats: { users: 1, notes: 1 } });
});

test('another user sees none of it', async () => {
  await bob.call('auth_signup', { username: 'bob', password: 'battery staple' });
  assert.deepEqual((await bob.context('notes')).body, { list_notes: [] });
  assert.deepEqual((await bob.context('stats')).body, { public_stats: { users: 2, notes: 1 } });
});

test('an empty note is refused with the field named', async () => {
  const session = await (await ann.fetch('session/')).json();
  const response = await ann.fetch('call/add_note/', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
    body: JSON.stringify({ text: '' }),
  });
  assert.equal(response.status, 422);
  const body = await response.json();
  assert.ok(body.error.fields?.text, JSON.stringify(body));
});

test('the web front end is served at /', { skip: !process.env.APP_STATIC_DIR }, async () => {
  const response = await fetch(`${origin}/`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /<div id="app">/);
});

test('a password reset link goes to the log without SMTP, and signs in with the new password', async () => {
  await new Visitor().call('auth_signup', { username: 'cat', password: 'correct horse', email: 'cat@example.com' });
  const known = await new Visitor().call('auth_password_reset_request', { email: 'CAT@example.com' });
  assert.deepEqual(known.result, { sent: true });
  const unknown = await new Visitor().call('auth_password_reset_request', { email: 'nobody@example.com' });
  assert.deepEqual(unknown, known, 'the same answer whoever has the address');
  let token;
  for (let i = 0; i < 100 && !token; ++i) {
    token = /\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(log)?.[1];
    if (!token) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(token, `no reset link in the server's log:\n${log}`);
  const cat = new Visitor();
  const reset = await cat.call('auth_password_reset', { token, password: 'a new passphrase' });
  assert.equal(reset.result.user.username, 'cat');
  const session = await (await cat.fetch('session/')).json();
  assert.equal(session.user?.username, 'cat');
  assert.equal(session.user?.email_verified, false);
});
