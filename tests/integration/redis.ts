// A throwaway redis-server (Debian's Redis 7.0) for a test file or a single
// test: a free loopback port, its own temporary directory, nothing saved to
// disk, and the faults the scale-out tests inject (kill, restart on the same
// port, freeze). Readiness is a PING over a raw socket: no client library.
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ChildExit } from './child.js';
import { freePort } from './server.js';

/** How long redis-server may take to answer its first PING. */
const startup_timeout_ms = 10_000;
/** How long it may take to exit after SIGTERM (it saves nothing). */
const stop_timeout_ms = 10_000;
/** Start attempts on one port: after a kill, the port may be busy for a moment. */
const bind_attempts = 20;

/** True if a RESP PING to 127.0.0.1:port is answered with +PONG within `timeout_ms`. */
export function ping(port: number, timeout_ms = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeout_ms, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One redis-server process on a fixed port; restart() keeps the port. */
export class RedisServer {
  private child: ChildProcess | undefined;
  private exited: Promise<ChildExit> = Promise.resolve({ code: null, signal: null });
  private out: () => string = () => '';
  private stopped = false;

  constructor(
    /** Its working directory; removed by stop(). */
    readonly dir: string,
    readonly port: number,
  ) {}

  /** `redis://127.0.0.1:PORT/0`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** The process id while it runs. */
  get pid(): number {
    if (this.child?.pid === undefined) throw new Error('redis-server is not running');
    return this.child.pid;
  }

  /** True while the process runs (frozen counts as running). */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the process wrote (stdout and stderr together), for failure messages. */
  output(): string {
    return `--- redis-server on port ${this.port} ---\n${this.out()}`;
  }

  /** Starts the process and waits until it answers PING; retries while the port is busy. */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const error = await this.startOnce();
      if (error === undefined) return;
      if (!/Address already in use/.test(this.out()) || attempt >= bind_attempts) throw error;
      await sleep(250);
    }
  }

  /** One attempt: undefined once it answers, else why it did not. */
  private async startOnce(): Promise<Error | undefined> {
    const args = [
      ...['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir],
      ...['--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''],
    ];
    const service = startService('redis-server', args);
    const child = service.child;
    this.child = child;
    this.exited = service.exited;
    this.out = service.output;

    const deadline = Date.now() + startup_timeout_ms;
    let exit: ChildExit | undefined;
    void this.exited.then((info) => (exit = info));
    while (Date.now() < deadline) {
      if (exit !== undefined) {
        return new Error(`redis-server exited during start-up (${JSON.stringify(exit)})\n${this.output()}`);
      }
      // Only ours: another process may hold the port that this one could not bind.
      if ((await ping(this.port)) && this.running) return undefined;
      await sleep(50);
    }
    child.kill('SIGKILL');
    return new Error(`redis-server did not answer PING within ${startup_timeout_ms} ms\n${this.output()}`);
  }

  /** SIGKILLs the process and waits for the exit; restart() brings it back. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGCONT');
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** Kills it (if it runs) and starts it again, empty, on the same port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** SIGSTOPs it: connections stay open (and new ones are accepted by the kernel) but nothing is answered. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  /** SIGCONTs what freeze() stopped. */
  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  /** Stops the process (SIGTERM, then SIGKILL) and removes its directory; idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      if (this.running) {
        this.child!.kill('SIGCONT');
        this.child!.kill('SIGTERM');
        const timer = setTimeout(() => this.child?.kill('SIGKILL'), stop_timeout_ms);
        await this.exited;
        clearTimeout(timer);
      }
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** Starts a redis-server on a free loopback port in a new temporary directory. */
export async function startRedis(): Promise<RedisServer> {
  const server = new RedisServer(mkdtempSync(join(tmpdir(), 'mizan-redis-')), await freePort());
  try {
    await server.start();
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}
