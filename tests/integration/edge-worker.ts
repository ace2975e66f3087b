// The Cloudflare Worker edge (src/edge/worker/worker.js) under workerd, in
// front of a test server: `<todo> edge worker` writes worker.js and
// workerd.capnp into a fresh directory, and `workerd serve` runs them with
// the MWT secret and the purge token in its environment (docs/edge.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgeProcess } from './edge-shared.js';

/** workerd from the npm package (TRAPS.md: its binary is an optional platform dependency). */
const workerdBin = fileURLToPath(new URL('../../node_modules/.bin/workerd', import.meta.url));

/** What the Worker shares with its origin. */
export interface EdgeSecrets {
  /** MIZAN_MWT_SECRET of the origin: the Worker verifies MWTs with it. */
  readonly mwtSecret: string;
  /** MIZAN_EDGE_PURGE_TOKEN of the origin: the bearer token of its purges. */
  readonly purgeToken: string;
}

/** One workerd process serving the generated Worker on `port`. */
export class EdgeWorker extends EdgeProcess {
  /**
   * @param port where workerd listens (the origin's MIZAN_EDGE_PURGE names it, so it is chosen first)
   * @param originPort the test server's port
   * @param dataDir the test server's data directory (the CLI runs on it)
   */
  constructor(
    port: number,
    originPort: number,
    dataDir: string,
    readonly secrets: EdgeSecrets,
    /** MIZAN_EDGE_STORE: the generated config's in-isolate store, or Cloudflare's Cache API. */
    readonly store: 'memory' | 'cache' = 'memory',
  ) {
    super('workerd', 'mizan-edge-', port, originPort, dataDir);
  }

  /** The purge endpoint's URL. */
  get purgeUrl(): string {
    return `${this.origin}/__mizan/purge`;
  }

  /** Writes the Worker with the CLI, starts workerd and waits until it answers. */
  async start(): Promise<void> {
    this.generate(['worker', '--out', this.dir, '--origin', `127.0.0.1:${this.originPort}`,
      '--listen', `127.0.0.1:${this.port}`]);
    const config = join(this.dir, 'workerd.capnp');
    if (this.store !== 'memory') {
      const text = readFileSync(config, 'utf8');
      const bound = '(name = "MIZAN_EDGE_STORE", text = "memory")';
      if (!text.includes(bound)) throw new Error(`no MIZAN_EDGE_STORE binding in ${config}`);
      writeFileSync(config, text.replace(bound, `(name = "MIZAN_EDGE_STORE", text = "${this.store}")`));
    }
    const env = { ...process.env, MIZAN_MWT_SECRET: this.secrets.mwtSecret, MIZAN_EDGE_PURGE_TOKEN: this.secrets.purgeToken };
    // The purge endpoint answers a GET itself (405) without the origin.
    await this.launch(workerdBin, ['serve', config], env, async () => {
      const res = await fetch(this.purgeUrl);
      await res.arrayBuffer();
      return res.status === 405;
    });
  }
}
