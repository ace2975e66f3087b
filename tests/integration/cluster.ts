// A scale-out deployment of the reference application for one test file:
// one PostgreSQL cluster and one database, one redis-server, N todo
// instances sharing both (and the same three secrets), and HAProxy in front,
// configured by scripts/lib/haproxy.cfg.sh exactly as scripts/run-cluster.sh
// configures it. Every instance listens on a port fixed at start, so
// restartInstance() brings it back where HAProxy looks for it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster as startPgCluster, type PgCluster } from './postgres.js';
import { startService, type ChildExit } from './child.js';
import { startRedis, type RedisServer } from './redis.js';
import { freePort, freshDataDir, todoBin, TodoServer, type ExitInfo } from './server.js';

const cfg_script = fileURLToPath(new URL('../../scripts/lib/haproxy.cfg.sh', import.meta.url));
const pg_script = fileURLToPath(new URL('../../scripts/pg-cluster.sh', import.meta.url));
/** The path HAProxy checks (200 while serving, 503 while draining). */
export const healthPath = '/api/mizan/health/';
/** The response header naming the instance that answered (`i0`, `i1`...). */
export const instanceHeader = 'x-mizan-instance';
/** How often the waits look (HAProxy checks every 500 ms; a change takes 2 checks). */
const poll_ms = 100;
/** How long an instance's own health check may take to answer. */
const check_timeout_ms = 2_000;
/** How long HAProxy may take to see a change (several checks on a loaded machine). */
const state_timeout_ms = 20_000;
/** How long an instance may take to bind its port again after a kill. */
const rebind_timeout_ms = 10_000;
/** Output kept for failure messages. */
const max_output_chars = 32 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The PostgreSQL clusters of running Clusters: postgres.ts stops only the file's own at exit. */
const livePg = new Set<PgCluster>();
process.on('exit', () => {
  for (const pg of livePg) pg.stop();
});

// Vitest ends a worker with SIGTERM, so 'exit' handlers do not run when a
// file's afterAll never came (a hang, a timeout). HAProxy, Redis and the
// instances therefore die with this process (PR_SET_PDEATHSIG, via
// setpriv), and a reaper removes what they leave: it reads the PostgreSQL
// cluster ("pg DIR") and the directories ("rm DIR") on its stdin and acts
// when the pipe closes, i.e. when this process is gone, however it ended.
const reaper_script = `trap '' INT TERM HUP
pg=() rm=()
while read -r kind path; do
  case $kind in pg) pg+=("$path") ;; rm) rm+=("$path") ;; esac
done
for d in "\${pg[@]}"; do "$0" stop "$d" >/dev/null 2>&1; done
rm -rf -- "\${rm[@]}"`;

/** Starts the reaper; note(kind, dir) tells it what to clean. stop() with SIGKILL once cleaned normally. */
function startReaper(): { note: (kind: 'pg' | 'rm', dir: string) => void; stop: () => void } {
  const child = spawn('bash', ['-c', reaper_script, pg_script], { stdio: ['pipe', 'ignore', 'ignore'] });
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  child.stdin!.on('error', () => undefined); // a killed reaper: nothing left to tell it
  return {
    note: (kind, dir) => child.stdin!.write(`${kind} ${dir}\n`),
    stop: () => child.kill('SIGKILL'),
  };
}

/** `sh` quoting of one word. */
const shellWord = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/** Options of startCluster(). */
export interface ClusterOptions {
  /** How many todo instances (default 3). */
  readonly instances?: number;
  /** Environment added to every instance's, after the cluster's own. */
  readonly extraEnv?: Record<string, string>;
  /** The path HAProxy checks; default healthPath. */
  readonly checkPath?: string;
}

/** The name HAProxy (and the X-Mizan-Instance header) gives instance `i`. */
export function instanceName(i: number): string {
  return `i${i}`;
}

/** True once something accepts TCP connections on 127.0.0.1:port. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** HAProxy in the foreground (-db), with a stats socket for the servers' states. */
class Balancer {
  private readonly out: () => string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<ChildExit>;
  readonly statsSocket: string;

  /** Writes the config (haproxy.cfg.sh) into `dir`, checks it (`haproxy -c`) and starts HAProxy. */
  constructor(dir: string, servers: readonly string[], port: number, checkPath: string) {
    const cfgFile = join(dir, 'haproxy.cfg');
    this.statsSocket = join(dir, 'haproxy.sock');
    const args = ['--stats-socket', this.statsSocket, '--check-path', checkPath, String(port), ...servers];
    writeFileSync(cfgFile, execFileSync(cfg_script, args, { encoding: 'utf8' }));
    execFileSync('haproxy', ['-c', '-q', '-f', cfgFile], { encoding: 'utf8' }); // throws with its message
    const service = startService('haproxy', ['-f', cfgFile, '-db'], max_output_chars);
    this.child = service.child;
    this.exited = service.exited;
    this.out = service.output;
  }

  output(): string {
    return `--- haproxy ---\n${this.out()}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `show stat` on the stats socket: the status of each server of backend `todo` ('UP', 'DOWN', 'UP 1/2'...). */
  statuses(): Promise<Map<string, string>> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.statsSocket);
      let text = '';
      socket.setTimeout(5_000, () => socket.destroy(new Error('the haproxy stats socket did not answer')));
      socket.once('error', reject);
      socket.once('connect', () => socket.write('show stat\n'));
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.once('close', () => {
        const [header = '', ...rows] = text.split('\n').filter(Boolean);
        const columns = header.replace(/^# /, '').split(',');
        const [proxy, server, status] = ['pxname', 'svname', 'status'].map((c) => columns.indexOf(c));
        const map = new Map<string, string>();
        for (const cells of rows.map((row) => row.split(','))) {
          if (cells[proxy!] === 'todo') map.set(cells[server!]!, cells[status!]!);
        }
        resolve(map);
      });
    });
  }

  /** SIGTERM (a hard stop: HAProxy drops its connections) and waits; SIGKILL after 10 s. */
  async stop(): Promise<ChildExit> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }
}

/** A running cluster; stop() takes it all down. */
export class Cluster {
  /** Instances a test killed: their exit status is not a failure. */
  private readonly killed = new Set<number>();

  constructor(
    /** Holds HAProxy's config and stats socket; removed by stop(). */
    readonly dir: string,
    /** The load balancer's port. */
    readonly port: number,
    readonly pg: PgCluster,
    readonly redis: RedisServer,
    /** Each instance, addressable directly through `.origin` and `.url()`. */
    readonly instances: readonly TodoServer[],
    private readonly balancer: Balancer,
    /** The path HAProxy checks. */
    readonly checkPath: string,
    private readonly reaper: { stop: () => void },
  ) {}

  /** `http://127.0.0.1:PORT` of the load balancer: what a browser would use. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Absolute URL of a path, through the load balancer. */
  url(path: string): string {
    return this.origin + path;
  }

  /** Every process's output but PostgreSQL's, for failure messages. */
  output(): string {
    const instances = this.instances.map((s, i) => `=== ${instanceName(i)} ===\n${s.output()}`);
    return [this.balancer.output(), this.redis.output(), ...instances].join('\n');
  }

  /** HAProxy's view of each instance, by index: 'UP', 'DOWN', 'UP 1/2' (going down)... */
  async statuses(): Promise<string[]> {
    const map = await this.balancer.statuses();
    return this.instances.map((_, i) => map.get(instanceName(i)) ?? 'unknown');
  }

  /** SIGKILLs instance `i`. HAProxy notices after 2 failed checks (waitDown). */
  async killInstance(i: number): Promise<void> {
    this.killed.add(i);
    await this.instanceAt(i).stop('SIGKILL');
  }

  /** Stops instance `i` (SIGTERM, if it runs), starts it again on its port and waits until it is healthy. */
  async restartInstance(i: number): Promise<void> {
    const server = this.instanceAt(i);
    await server.stop();
    this.killed.delete(i);
    const deadline = Date.now() + rebind_timeout_ms;
    for (;;) {
      try {
        await server.start();
        break;
      } catch (e) {
        // Just after a kill the port may still be busy; any other failure is final.
        if (!/in use/i.test(String(e)) || Date.now() > deadline) throw e;
        await sleep(poll_ms);
      }
    }
    await this.waitHealthy(i);
  }

  /** Waits until HAProxy has instance `i` (or every one) UP and it answers its health check with 200. */
  async waitHealthy(which: number | 'all'): Promise<void> {
    await this.waitFor(which, 'UP', async (server) => {
      const res = await fetch(server.url(this.checkPath), { signal: AbortSignal.timeout(check_timeout_ms) });
      await res.arrayBuffer();
      return res.status === 200;
    });
  }

  /** Waits until HAProxy has marked instance `i` (or every one) DOWN. */
  async waitDown(which: number | 'all'): Promise<void> {
    await this.waitFor(which, 'DOWN', () => Promise.resolve(true));
  }

  private async waitFor(which: number | 'all', status: string, ok: (s: TodoServer) => Promise<boolean>): Promise<void> {
    const indexes = which === 'all' ? this.instances.map((_, i) => i) : [which];
    const deadline = Date.now() + state_timeout_ms;
    for (;;) {
      // The stats socket may appear a moment after HAProxy's port.
      const now = await this.statuses().catch((e: unknown) => this.instances.map(() => String(e)));
      let done = indexes.every((i) => now[i] === status);
      for (const i of indexes) done &&= await ok(this.instanceAt(i)).catch(() => false);
      if (done) return;
      if (Date.now() > deadline) {
        const what = `instance(s) ${indexes.join(',')} not ${status} after ${state_timeout_ms} ms`;
        throw new Error(`${what}: ${now.join(',')}\n${this.output()}`);
      }
      await sleep(poll_ms);
    }
  }

  private instanceAt(i: number): TodoServer {
    const server = this.instances[i];
    if (!server) throw new Error(`no instance ${i} (the cluster has ${this.instances.length})`);
    return server;
  }

  /**
   * Stops HAProxy, the instances (SIGTERM), Redis and PostgreSQL, and
   * removes every temporary directory. Throws, with the outputs, if an
   * instance the test did not kill exited non-zero (a crash, a sanitizer
   * report).
   */
  async stop(): Promise<void> {
    const failures: string[] = [];
    await this.balancer.stop();
    await Promise.all(
      this.instances.map(async (server, i) => {
        if (!this.killed.has(i)) {
          await server.dispose().catch((e: unknown) => failures.push(`${instanceName(i)}: ${String(e)}`));
        } else rmSync(server.dataDir, { recursive: true, force: true });
      }),
    );
    await this.redis.stop();
    livePg.delete(this.pg);
    this.pg.stop();
    rmSync(this.dir, { recursive: true, force: true });
    this.reaper.stop();
    if (failures.length) throw new Error(`${failures.join('\n')}\n${this.balancer.output()}`);
  }
}

/** Three different secrets, shared by every instance of one cluster. */
function clusterSecrets(): Record<string, string> {
  const secret = (): string => randomBytes(32).toString('hex');
  return { MIZAN_SECRET_KEY: secret(), MIZAN_CACHE_SECRET: secret(), MIZAN_MWT_SECRET: secret() };
}

/**
 * Starts PostgreSQL, Redis, `instances` todo servers and HAProxy, in that
 * order, and waits until HAProxy has every instance UP. On failure,
 * everything already started is stopped again.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const bin = todoBin(); // fail before starting anything
  const dir = mkdtempSync(join(tmpdir(), 'mizan-cluster-'));
  const reaper = startReaper();
  reaper.note('rm', dir);
  const undo: (() => unknown)[] = [reaper.stop, () => rmSync(dir, { recursive: true, force: true })];
  try {
    // The instances run through it, so that they die with this process.
    const wrapper = join(dir, 'todo.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec setpriv --pdeathsig SIGKILL -- ${shellWord(bin)} "$@"\n`, { mode: 0o755 });
    const lbPort = await freePort();
    const pg = startPgCluster();
    reaper.note('pg', pg.dir);
    livePg.add(pg);
    undo.push(() => {
      livePg.delete(pg);
      pg.stop();
    });
    const redis = await startRedis();
    reaper.note('rm', redis.dir);
    undo.push(() => redis.stop());
    const env: Record<string, string> = {
      ...clusterSecrets(),
      MIZAN_DATABASE_URL: pg.url, // one database for all (not one per data directory)
      MIZAN_REDIS_URL: redis.url,
      MIZAN_ALLOWED_ORIGINS: `http://127.0.0.1:${lbPort}`,
    };
    const instances: TodoServer[] = [];
    for (let i = 0; i < (options.instances ?? 3); i++) {
      // A fixed port, so that a restarted instance is where HAProxy looks.
      const bind = `127.0.0.1:${await freePort()}`;
      const server = new TodoServer(freshDataDir(), { ...env, MIZAN_BIND: bind, ...options.extraEnv }, () => wrapper);
      reaper.note('rm', server.dataDir);
      undo.push(() => server.stop('SIGKILL').then(() => rmSync(server.dataDir, { recursive: true, force: true })));
      await server.start(); // one at a time: the first one creates the schema
      instances.push(server);
    }
    const checkPath = options.checkPath ?? healthPath;
    const names = instances.map((s, i) => `${instanceName(i)}=127.0.0.1:${s.port}`);
    const balancer = new Balancer(dir, names, lbPort, checkPath);
    undo.push(() => balancer.stop());
    const deadline = Date.now() + state_timeout_ms;
    while (!(await accepting(lbPort))) {
      if (!balancer.running || Date.now() > deadline) throw new Error(`haproxy did not start\n${balancer.output()}`);
      await sleep(poll_ms);
    }
    const cluster = new Cluster(dir, lbPort, pg, redis, instances, balancer, checkPath, reaper);
    await cluster.waitHealthy('all');
    return cluster;
  } catch (e) {
    for (const step of undo.reverse()) await Promise.resolve().then(step).catch(() => undefined);
    throw e;
  }
}
