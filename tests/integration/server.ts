// Starts the reference application (examples/todo) as a child process for a
// test file: ephemeral port, fresh data directory, cheap password hashing.
// CI passes the binary (an ASan+UBSan build) in MIZAN_TODO_BIN. The database
// engine comes from MIZAN_TEST_DATABASE (the vitest project sets it): SQLite
// in the data directory, or a fresh database per data directory in the
// file's own PostgreSQL cluster (postgres.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { databaseFor, usePostgres } from './postgres.js';

/** How long a server may take to print its address (ASan builds start slowly). */
const startup_timeout_ms = 30_000;
/** How long a server may take to exit after SIGTERM. */
const stop_timeout_ms = 20_000;
/** Output kept per stream for failure messages. */
const max_output_chars = 64 * 1024;

/** A database engine the reference application runs on. */
export type Engine = 'sqlite' | 'postgresql';

/** The engine of this run, from MIZAN_TEST_DATABASE (default sqlite). */
export const engine: Engine = (() => {
  const name = process.env['MIZAN_TEST_DATABASE'] ?? 'sqlite';
  if (name !== 'sqlite' && name !== 'postgresql')
    throw new Error(`MIZAN_TEST_DATABASE=${name}: expected sqlite or postgresql`);
  return name;
})();

// On PostgreSQL every file that starts servers gets its own cluster.
if (engine === 'postgresql') usePostgres();

/**
 * The database URL of the servers on `dataDir`: SQLite's default file in it,
 * or on PostgreSQL the database created for it (one per data directory, so
 * servers and commands on one data directory share it).
 */
export function databaseUrl(dataDir: string): string {
  return engine === 'postgresql' ? databaseFor(dataDir) : `sqlite:///${join(dataDir, 'mizan.sqlite3')}`;
}

/** The executable named by environment variable `name`; throws a clear message if unusable. */
function binaryFrom(name: string, hint: string): string {
  const bin = process.env[name];
  if (!bin) throw new Error(`${name} is not set: ${hint}`);
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`${name}=${bin} is not an executable file`);
  }
  return bin;
}

/** The application binary from MIZAN_TODO_BIN. */
export function todoBin(): string {
  return binaryFrom(
    'MIZAN_TODO_BIN',
    'point it at the todo binary, e.g. MIZAN_TODO_BIN=$PWD/build/asan/examples/todo/server/todo npm run test:integration',
  );
}

/**
 * The environment every test server gets, on top of the caller's extras. On
 * PostgreSQL it names the data directory's database unless the extras set
 * MIZAN_DATABASE_URL themselves.
 */
export function baseEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('MIZAN_')) delete env[key];
  const database: Record<string, string> =
    engine === 'postgresql' && extra['MIZAN_DATABASE_URL'] === undefined
      ? { MIZAN_DATABASE_URL: databaseUrl(dataDir) }
      : {};
  return {
    ...env,
    MIZAN_BIND: '127.0.0.1:0',
    MIZAN_DATA_DIR: dataDir,
    MIZAN_PASSWORD_HASHING: 'fast',
    MIZAN_ACCESS_LOG: '0',
    MIZAN_THREADS: '2',
    ...database,
    ...extra,
  };
}

/** A fresh, empty data directory. */
export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'mizan-integ-'));
}

/** How a server process ended. */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** One running (or stopped) server process. */
export class TodoServer {
  port = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });
  private out = '';
  private err = '';

  constructor(
    readonly dataDir: string,
    private readonly extraEnv: Record<string, string> = {},
    private readonly bin: () => string = todoBin,
  ) {}

  /** The process id while it runs. */
  get pid(): number {
    if (this.child?.pid === undefined) throw new Error('the server is not running');
    return this.child.pid;
  }

  /** The database it runs on (MIZAN_DATABASE_URL). */
  get databaseUrl(): string {
    return this.extraEnv['MIZAN_DATABASE_URL'] ?? databaseUrl(this.dataDir);
  }

  /** `http://127.0.0.1:PORT` of the running process. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Absolute URL of a path. */
  url(path: string): string {
    return this.origin + path;
  }

  /** What the process wrote to stdout and stderr, for failure messages. */
  output(): string {
    return `--- stdout ---\n${this.out}\n--- stderr ---\n${this.err}`;
  }

  /** Starts the process and waits until it prints the address it serves. */
  async start(): Promise<void> {
    this.out = '';
    this.err = '';
    const child = spawn(this.bin(), [], {
      env: baseEnv(this.dataDir, this.extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(child);
        resolve({ code, signal });
      }),
    );
    const keep = (text: string, chunk: Buffer): string => (text + chunk.toString()).slice(-max_output_chars);
    child.stderr!.on('data', (chunk: Buffer) => (this.err = keep(this.err, chunk)));
    this.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`todo did not start within ${startup_timeout_ms} ms\n${this.output()}`));
      }, startup_timeout_ms);
      child.stdout!.on('data', (chunk: Buffer) => {
        this.out = keep(this.out, chunk);
        const m = /Mizan serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(this.out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      void this.exited.then((info) => {
        clearTimeout(timer);
        reject(new Error(`todo exited during start-up (${JSON.stringify(info)})\n${this.output()}`));
      });
    });
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo> {
    if (!this.running) return this.exited;
    this.child!.kill(signal);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`todo ignored ${signal}\n${this.output()}`)), stop_timeout_ms).unref(),
    );
    try {
      return await Promise.race([this.exited, timeout]);
    } catch (e) {
      this.child!.kill('SIGKILL');
      throw e;
    }
  }

  /** Stops (if needed) and starts again on the same data directory. */
  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.start();
  }

  /**
   * Stops the process and removes the data directory. Throws, with the
   * process output, if the server did not exit cleanly (a crash, or a
   * sanitizer report at exit in an ASan build).
   */
  async dispose(): Promise<void> {
    let info: ExitInfo;
    try {
      info = await this.stop();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
    if (info.code !== 0) throw new Error(`todo exited with ${JSON.stringify(info)}\n${this.output()}`);
  }
}

/**
 * A port that was free a moment ago. Only for servers that must know their
 * port before they start (a browser's Origin must match the configured one).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The release build of the todo binary, from MIZAN_TODO_RELEASE_BIN: memory
 * figures need glibc's allocator, not ASan's (which holds freed memory in
 * quarantine). scripts/test.sh builds it.
 */
export function releaseTodoBin(): string {
  return binaryFrom(
    'MIZAN_TODO_RELEASE_BIN',
    'point it at the release build, build/release/examples/todo/server/todo (scripts/test.sh builds it)',
  );
}

/** Starts the release build with a fresh data directory. */
export async function startReleaseServer(extraEnv: Record<string, string> = {}): Promise<TodoServer> {
  releaseTodoBin();
  const server = new TodoServer(freshDataDir(), extraEnv, releaseTodoBin);
  await server.start();
  return server;
}

/** Starts a server with a fresh data directory. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<TodoServer> {
  todoBin(); // fail before creating anything
  const server = new TodoServer(freshDataDir(), extraEnv);
  await server.start();
  return server;
}

/**
 * One server for the calling test file: started in beforeAll, stopped and
 * cleaned in afterAll. Read `.server` inside tests and hooks.
 */
export function useServer(extraEnv: Record<string, string> = {}): { readonly server: TodoServer } {
  let current: TodoServer | undefined;
  beforeAll(async () => {
    current = await startServer(extraEnv);
  });
  afterAll(async () => {
    await current?.dispose();
  });
  return {
    get server(): TodoServer {
      if (!current) throw new Error('the server has not started');
      return current;
    },
  };
}

/** Result of running the binary with a subcommand (schema, manifest, createuser...). */
export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `todo <args>` to completion. */
export function runTodo(
  args: readonly string[],
  options: { dataDir?: string; env?: Record<string, string>; input?: string } = {},
): CommandResult {
  const bin = todoBin();
  const dataDir = options.dataDir ?? freshDataDir();
  const r = spawnSync(bin, args, {
    env: baseEnv(dataDir, options.env ?? {}),
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: startup_timeout_ms,
  });
  if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
