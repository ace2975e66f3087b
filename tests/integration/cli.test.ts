// The binary's subcommands (PROTOCOL §8, §10): schema and manifest print
// deterministic JSON describing the reference application of §9; createuser
// reads the password from standard input.
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Agent, expectError, privateEntries } from './agent.js';
import { freshDataDir, runTodo, startServer, TodoServer } from './server.js';

interface SchemaFunction {
  name: string;
  kind: string;
  context: string | null;
  auth: string;
  private: boolean;
  websocket: boolean;
  session: boolean;
  route: string | null;
  methods: string[];
  rev: number;
  cache: number | null;
  affects: { context: string; scoped: boolean }[];
  fields: { name: string; rules: Record<string, unknown> }[];
}
interface Schema {
  functions: SchemaFunction[];
  contexts: { name: string; functions: string[]; private: boolean; cache: number | null }[];
  types: Record<string, { kind: string; fields?: { name: string }[] }>;
}
interface Manifest {
  prefix: string;
  contexts: {
    name: string;
    path: string;
    params: { name: string; type: string; optional: boolean }[];
    ttl: number | null;
    private: boolean;
    rev: number;
  }[];
  mutations: { name: string; path: string; affects: { context: string; scoped: boolean }[] }[];
  routes: { pattern: string; methods: string[]; function: string; affects: { context: string; scoped: boolean }[] }[];
}

function printed<T>(command: 'schema' | 'manifest'): { text: string; json: T } {
  const r = runTodo([command]);
  expect(r.status, r.stderr).toBe(0);
  return { text: r.stdout, json: JSON.parse(r.stdout) as T };
}

/** Affected contexts, sorted, `?` marking scoped ones; public contexts left out (see privateEntries). */
const affects = (list: { context: string; scoped: boolean }[]): string[] =>
  privateEntries(list.map((a) => (a.scoped ? `${a.context}?` : a.context))).map(String).sort();

describe('schema', () => {
  let text = '';
  let schema: Schema;
  beforeAll(() => {
    ({ text, json: schema } = printed<Schema>('schema'));
  });
  const fn = (name: string): SchemaFunction => {
    const f = schema.functions.find((x) => x.name === name);
    expect(f, name).toBeDefined();
    return f!;
  };

  it('is deterministic', () => {
    expect(printed('schema').text).toBe(text);
  });

  it('describes every function of PROTOCOL §9 with its options', () => {
    const expected: [string, Partial<SchemaFunction>][] = [
      ['list_todos', { context: 'todos', auth: 'user', private: true }],
      ['todo_stats', { context: 'todos', auth: 'user', private: true }],
      ['get_todo', { context: 'todo', auth: 'user', private: true, cache: 60 }],
      ['add_todo', { context: null, auth: 'user', kind: 'mutation' }],
      ['toggle_todo', { auth: 'user', websocket: true, kind: 'mutation' }],
      ['delete_todo', { auth: 'user', kind: 'mutation' }],
      ['public_stats', { context: 'stats', auth: 'none', private: false, cache: 5 }],
      ['leaderboard', { context: 'leaderboard', auth: 'none', private: false, cache: 5 }],
      ['admin_overview', { context: 'admin', auth: 'staff' }],
      ['export_csv', { route: '/todos/export.csv', methods: ['GET'], auth: 'user', kind: 'view' }],
      ['clear_done', { route: '/todos/clear-done/', methods: ['POST'], auth: 'user', kind: 'view' }],
    ];
    for (const [name, options] of expected) expect(fn(name), name).toMatchObject({ rev: 0, ...options });
    expect(affects(fn('add_todo').affects)).toEqual(['todos']);
    expect(affects(fn('toggle_todo').affects)).toEqual(['todo?', 'todos']);
    expect(affects(fn('delete_todo').affects)).toEqual(['todo?', 'todos']);
    expect(affects(fn('clear_done').affects)).toEqual(['todo', 'todos']);
    // Declared by the application on a function the accounts module registers.
    expect(fn('auth_signup').affects.filter((a) => !a.scoped).map((a) => a.context)).toEqual(
      expect.arrayContaining(['stats', 'leaderboard', 'todo', 'todos']),
    );
    for (const name of [
      'auth_signup',
      'auth_login',
      'auth_logout',
      'auth_token',
      'auth_refresh',
      'auth_password_change',
      'auth_password_reset_request',
      'auth_password_reset',
      'auth_email_verify_request',
      'auth_email_verify',
    ])
      fn(name);
    // The functions that change who is signed in, which clients learn from the
    // schema (registered .affects_private_contexts()); a password change or
    // reset rotates the session, a verified address changes the session's user.
    expect(schema.functions.filter((f) => f.session).map((f) => f.name)).toEqual([
      'auth_email_verify',
      'auth_login',
      'auth_logout',
      'auth_password_change',
      'auth_password_reset',
      'auth_signup',
    ]);
    expect(fn('add_todo').fields).toEqual([{ name: 'title', rules: { required: true, max_length: 200 } }]);
    expect(fn('leaderboard').fields).toEqual([
      { name: 'limit', rules: { min: 1, max: 100 } },
      { name: 'min_done', rules: { min: 0 } },
    ]);
  });

  it('names every context and type', () => {
    expect(schema.contexts.map((c) => c.name).sort()).toEqual(['admin', 'leaderboard', 'stats', 'todo', 'todos']);
    expect(schema.contexts.find((c) => c.name === 'todos')?.functions).toEqual(['list_todos', 'todo_stats']);
    expect(schema.types['Todo']?.fields?.map((f) => f.name)).toEqual(['id', 'title', 'done', 'created_at']);
  });
});

describe('manifest', () => {
  let text = '';
  let manifest: Manifest;
  beforeAll(() => {
    ({ text, json: manifest } = printed<Manifest>('manifest'));
  });

  it('is deterministic', () => {
    expect(printed('manifest').text).toBe(text);
  });

  it("lists every context's path, params, ttl, privacy and revision", () => {
    expect(manifest.prefix).toBe('/api/mizan');
    const byName = Object.fromEntries(manifest.contexts.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['admin', 'leaderboard', 'stats', 'todo', 'todos']);
    expect(byName['todos']).toMatchObject({
      path: '/api/mizan/ctx/todos/',
      params: [],
      ttl: null,
      private: true,
      rev: 0,
    });
    expect(byName['todo']).toMatchObject({ path: '/api/mizan/ctx/todo/', ttl: 60, private: true });
    expect(byName['todo']?.params.map((p) => [p.name, p.type, p.optional])).toEqual([['id', 'int', false]]);
    expect(byName['stats']).toMatchObject({ ttl: 5, private: false });
    expect(byName['leaderboard']).toMatchObject({ ttl: 5, private: false });
    expect(byName['leaderboard']?.params.map((p) => [p.name, p.optional])).toEqual([
      ['limit', true],
      ['min_done', true],
    ]);
  });

  it("lists every mutation's affects and every view route", () => {
    const mutation = (name: string) => manifest.mutations.find((m) => m.name === name);
    expect(mutation('add_todo')).toMatchObject({ path: '/api/mizan/call/add_todo/' });
    expect(affects(mutation('toggle_todo')!.affects)).toEqual(['todo?', 'todos']);
    expect(affects(mutation('auth_login')!.affects)).toEqual(['todo', 'todos']);
    expect(mutation('auth_signup')!.affects.map((a) => a.context).sort()).toEqual([
      'leaderboard',
      'stats',
      'todo',
      'todos',
    ]);
    expect(manifest.routes.map((r) => [r.pattern, r.methods, r.function, affects(r.affects)])).toEqual([
      ['/todos/clear-done/', ['POST'], 'clear_done', ['todo', 'todos']],
      ['/todos/export.csv', ['GET'], 'export_csv', []],
    ]);
  });
});

describe('createuser', () => {
  it('creates staff and superusers from standard input; refuses bad input', async () => {
    const dataDir = freshDataDir();
    try {
      const ok = runTodo(['createuser', 'root', '--email', 'root@example.com', '--superuser'], {
        dataDir,
        input: 'correct horse battery\n',
      });
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toBe('created user root (id 1)\n');
      const again = runTodo(['createuser', 'root'], { dataDir, input: 'correct horse battery\n' });
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/username/);
      const short = runTodo(['createuser', 'other'], { dataDir, input: 'short\n' });
      expect(short.status).toBe(1);
      expect(short.stderr).toMatch(/password/);
      const none = runTodo(['createuser', 'other'], { dataDir });
      expect(none.status).not.toBe(0);
      expect(runTodo(['createuser'], { dataDir }).status).not.toBe(0);

      const server = new TodoServer(dataDir);
      await server.start();
      try {
        const user = await new Agent(server.origin).login('root');
        expect(user).toEqual({
          id: 1,
          username: 'root',
          email: 'root@example.com',
          // --superuser implies staff, as Django's createsuperuser does.
          is_staff: true,
          is_superuser: true,
          email_verified: false,
        });
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('serve options', () => {
  it('serves the schema only in debug mode, identical to `todo schema`', async () => {
    const printedSchema = printed<Schema>('schema').json;
    const plain = await startServer();
    const debug = await startServer({ MIZAN_DEBUG: '1' });
    try {
      expectError(await new Agent(plain.origin).request('/api/mizan/schema/'), 404, 'not_found');
      const reply = await new Agent(debug.origin).request('/api/mizan/schema/');
      expect(reply.status).toBe(200);
      expect(reply.json()).toEqual(printedSchema);
    } finally {
      await plain.dispose();
      await debug.dispose();
    }
  });

  it('MIZAN_ACCESS_LOG=1 writes one line per request: remote method target status bytes ms', async () => {
    const server = await startServer({ MIZAN_ACCESS_LOG: '1' });
    try {
      const reply = await new Agent(server.origin).request('/api/mizan/ctx/leaderboard/?limit=3');
      const line = new RegExp(`127\\.0\\.0\\.1 GET /api/mizan/ctx/leaderboard/\\?limit=3 200 ${reply.text.length} \\d+`);
      const deadline = Date.now() + 3000;
      while (!line.test(server.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(server.output()).toMatch(line);
    } finally {
      await server.dispose();
    }
  });
});
