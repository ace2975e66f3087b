// A throwaway PostgreSQL 15 cluster per test file (scripts/pg-cluster.sh),
// and a fresh database in it for every data directory a test uses, so that
// servers of one file see each other's data only when they share a data
// directory (as two processes on one SQLite file do).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/pg-cluster.sh', import.meta.url));
/** initdb, start and stop take a few seconds; a stuck one must not hang the file. */
const script_timeout_ms = 60_000;
/** psql must fail, not wait, when the cluster is down or frozen. */
const psql_timeout_ms = 15_000;

/** Runs `pg-cluster.sh <command> <dir>` and returns its output. */
function clusterScript(command: 'start' | 'stop', dir: string): string {
  return execFileSync(script, [command, dir], { encoding: 'utf8', timeout: script_timeout_ms }).trim();
}

/** Runs a program without blocking the event loop (clients under test keep running). */
function run(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  timeout = script_timeout_ms,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', timeout, env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

const psqlEnv = (): NodeJS.ProcessEnv => ({ ...process.env, PGCONNECT_TIMEOUT: '5' });
/** Quiet, unaligned, tuples only, stop at the first error; no ~/.psqlrc. */
const psqlArgs = (url: string, sql: string): string[] => [
  ...['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'],
  ...['-d', url, '-c', sql],
];

/** One running cluster: role `mizan` (a superuser), database `mizan`. */
export class PgCluster {
  private databases = 0;
  private stopped = false;

  constructor(
    /** Data, socket and log; removed by stop(). */
    readonly dir: string,
    /** `postgresql://mizan:mizan@127.0.0.1:PORT/mizan`, as printed by `start`. */
    readonly url: string,
  ) {}

  /** The URL of database `name` on this cluster, with `options` as its query. */
  urlOf(name: string, options: Record<string, string | number> = {}): string {
    const url = new URL(this.url);
    url.pathname = `/${name}`;
    for (const [key, value] of Object.entries(options)) url.searchParams.set(key, String(value));
    return url.toString();
  }

  /**
   * Runs `sql` through psql in `database` and returns the unaligned,
   * tuples-only output. Throws with psql's message on any error.
   */
  psql(sql: string, database = 'mizan'): string {
    const r = spawnSync('psql', psqlArgs(this.urlOf(database), sql), {
      encoding: 'utf8',
      timeout: psql_timeout_ms,
      env: psqlEnv(),
    });
    if (r.status !== 0) {
      throw new Error(`psql ${JSON.stringify(sql)} failed (${r.status ?? r.signal}): ${r.stderr}${r.error ?? ''}`);
    }
    return r.stdout.trim();
  }

  /** psql() without blocking the event loop. */
  query(sql: string, database = 'mizan'): Promise<string> {
    return run('psql', psqlArgs(this.urlOf(database), sql), psqlEnv(), psql_timeout_ms);
  }

  /** Creates an empty database and returns its URL (with `options` as its query). */
  freshDatabase(options: Record<string, string | number> = {}): string {
    this.databases += 1;
    const name = `t_${this.databases}`;
    this.psql(`CREATE DATABASE ${name} OWNER mizan`);
    return this.urlOf(name, options);
  }

  /** The postmaster's process id. */
  postmasterPid(): number {
    return Number(readFileSync(join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** The postmaster and every process it started (backends, checkpointer...). */
  processes(): number[] {
    const postmaster = this.postmasterPid();
    const r = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' });
    const children = r.stdout.split('\n').filter(Boolean).map(Number);
    return [postmaster, ...children];
  }

  /** SIGSTOPs the whole server: it accepts TCP connections but answers nothing. */
  freeze(): void {
    for (const pid of this.processes()) process.kill(pid, 'SIGSTOP');
  }

  /** SIGCONTs what freeze() stopped. */
  thaw(): void {
    for (const pid of this.processes()) process.kill(pid, 'SIGCONT');
  }

  /** SIGKILLs the server (`pg-cluster.sh kill`); restart() brings it back. */
  async kill(): Promise<void> {
    await run(script, ['kill', this.dir]);
  }

  /** Stops it immediately (if it runs) and starts it again on the same data and port. */
  async restart(): Promise<void> {
    await run(script, ['restart', this.dir]);
  }

  /** Stops the server and removes its directory; idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.thaw(); // a frozen postmaster would ignore the stop request
    } catch {
      // not running
    }
    clusterScript('stop', this.dir);
  }
}

/** Starts a cluster in a new directory directly under the temporary directory (its owner becomes `postgres`). */
export function startCluster(): PgCluster {
  const dir = mkdtempSync(join(tmpdir(), 'mizan-pg-'));
  let url: string;
  try {
    url = clusterScript('start', dir).split('\n').at(-1)!;
  } catch (e) {
    spawnSync(script, ['stop', dir], { timeout: script_timeout_ms });
    throw e;
  }
  if (!url.startsWith('postgresql://')) throw new Error(`pg-cluster.sh start printed no URL: ${url}`);
  return new PgCluster(dir, url);
}

let current: PgCluster | undefined;
let registered = false;
// A file that dies without its afterAll must not leave a postmaster behind.
process.on('exit', () => current?.stop());

/**
 * One cluster for the calling test file: started in beforeAll, stopped (and
 * its directory removed) in afterAll and at process exit. Registers its
 * hooks once however often it is called; read `.cluster` inside tests and hooks.
 */
export function usePostgres(): { readonly cluster: PgCluster } {
  if (!registered) {
    registered = true;
    beforeAll(() => {
      current ??= startCluster();
    }, script_timeout_ms);
    afterAll(() => {
      const cluster = current;
      current = undefined;
      cluster?.stop();
    }, script_timeout_ms);
  }
  return {
    get cluster(): PgCluster {
      return runningCluster();
    },
  };
}

/** The cluster of this file; throws if usePostgres()'s beforeAll has not run. */
export function runningCluster(): PgCluster {
  if (!current) throw new Error('the PostgreSQL cluster has not started (usePostgres() registers it in beforeAll)');
  return current;
}

/** Each data directory's database: servers on one data directory share it. */
const byDataDir = new Map<string, string>();

/** The database URL of `dataDir`, created on first use. */
export function databaseFor(dataDir: string): string {
  let url = byDataDir.get(dataDir);
  if (!url) {
    url = runningCluster().freshDatabase();
    byDataDir.set(dataDir, url);
  }
  return url;
}
