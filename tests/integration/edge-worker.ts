// The Cloudflare Worker edge (src/edge/worker/worker.js) under workerd, in
// front of a test server: `<todo> edge worker` writes worker.js and
// workerd.capnp into a fresh directory, and `workerd serve` runs them with
// the MWT secret and the purge token in its environment (docs/edge.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTodo } from './server.js';

/** workerd from the npm package (TRAPS.md: its binary is an optional platform dependency). */
const workerdBin = fileURLToPath(new URL('../../node_modules/.bin/workerd', import.meta.url));
/** How long workerd may take to compile the Worker and listen. */
const startupTimeoutMs = 30_000;
const stopTimeoutMs = 10_000;
const maxOutputChars = 64 * 1024;

/** What the Worker shares with its origin. */
export interface EdgeSecrets {
  /** MIZAN_MWT_SECRET of the origin: the Worker verifies MWTs with it. */
  readonly mwtSecret: string;
  /** MIZAN_EDGE_PURGE_TOKEN of the origin: the bearer token of its purges. */
  readonly purgeToken: string;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** One workerd process serving the generated Worker on `port`. */
export class EdgeWorker {
  readonly dir = mkdtempSync(join(tmpdir(), 'mizan-edge-'));
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private out = '';

  /**
   * @param port where workerd listens (the origin's MIZAN_EDGE_PURGE names it, so it is chosen first)
   * @param originPort the test server's port
   * @param dataDir the test server's data directory (the CLI runs on it)
   */
  constructor(
    readonly port: number,
    readonly originPort: number,
    readonly dataDir: string,
    readonly secrets: EdgeSecrets,
    /** MIZAN_EDGE_STORE: the generated config's in-isolate store, or Cloudflare's Cache API. */
    readonly store: 'memory' | 'cache' = 'memory',
  ) {}

  /** `http://127.0.0.1:PORT`: an Agent's origin that goes through the Worker. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The purge endpoint's URL. */
  get purgeUrl(): string {
    return `${this.origin}/__mizan/purge`;
  }

  /** What workerd wrote, for failure messages. */
  output(): string {
    return `--- workerd ---\n${this.out}`;
  }

  /** Writes the Worker with the CLI, starts workerd and waits until it answers. */
  async start(): Promise<void> {
    const generated = runTodo(
      ['edge', 'worker', '--out', this.dir, '--origin', `127.0.0.1:${this.originPort}`,
        '--listen', `127.0.0.1:${this.port}`],
      { dataDir: this.dataDir },
    );
    if (generated.status !== 0) {
      throw new Error(`todo edge worker failed (${generated.status}):\n${generated.stdout}\n${generated.stderr}`);
    }
    const config = join(this.dir, 'workerd.capnp');
    if (this.store !== 'memory') {
      const text = readFileSync(config, 'utf8');
      const bound = '(name = "MIZAN_EDGE_STORE", text = "memory")';
      if (!text.includes(bound)) throw new Error(`no MIZAN_EDGE_STORE binding in ${config}`);
      writeFileSync(config, text.replace(bound, `(name = "MIZAN_EDGE_STORE", text = "${this.store}")`));
    }
    const child = spawn(workerdBin, ['serve', config], {
      env: {
        ...process.env,
        MIZAN_MWT_SECRET: this.secrets.mwtSecret,
        MIZAN_EDGE_PURGE_TOKEN: this.secrets.purgeToken,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        live.delete(child);
        resolve();
      }),
    );
    const keep = (chunk: Buffer): void => void (this.out = (this.out + chunk.toString()).slice(-maxOutputChars));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + startupTimeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`workerd exited during start-up\n${this.output()}`);
      try {
        // The purge endpoint answers a GET itself (405) without the origin.
        const res = await fetch(this.purgeUrl);
        await res.arrayBuffer();
        if (res.status === 405) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`workerd did not answer within ${startupTimeoutMs} ms\n${this.output()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** True while workerd runs. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops workerd (SIGTERM, then SIGKILL) and removes the directory. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child!.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), stopTimeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
