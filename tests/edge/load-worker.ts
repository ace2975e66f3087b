// Loads src/edge/worker/worker.js in Node as `<app> edge worker` writes it
// (`const MIZAN = ...;` first), each call a fresh module with an empty store,
// and exposes its internals to the tests.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The policy object the generator embeds. */
export interface Policy {
  readonly prefix: string;
  readonly mwt_cookie: string;
  readonly purge_path: string;
  readonly contexts: readonly {
    readonly name: string;
    readonly path: string;
    readonly ttl: number;
    readonly private: boolean;
    readonly rev: number;
    readonly cacheable: boolean;
    readonly canonical_query: string;
  }[];
}

/** The bindings the workerd config gives the Worker. */
export interface Env {
  MIZAN_MWT_SECRET?: string | null;
  MIZAN_PURGE_TOKEN?: string | null;
  MIZAN_EDGE_STORE?: string;
}

/** What a test can reach inside one loaded module. */
export interface Loaded {
  readonly worker: {
    fetch(request: Request, env: Env, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<Response>;
  };
  readonly base64urlDecode: (text: string) => Uint8Array | null;
  readonly mwtSubject: (token: string | null, secret: string, now: number) => Promise<string | null>;
  readonly cookie: (header: string | null, name: string) => string | null;
  readonly sameSecret: (a: string, b: string) => Promise<boolean>;
  readonly keep: (key: string, entry: { body: ArrayBuffer; tags: string[]; expires: number }) => void;
  readonly entries: Map<string, unknown>;
  readonly tagIndex: Map<string, Set<string>>;
  readonly storedBytes: () => number;
  readonly MAX_ENTRIES: number;
  readonly MAX_BYTES: number;
}

const template = readFileSync(new URL('../../src/edge/worker/worker.js', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'mizan-worker-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let count = 0;

/** A fresh instance of the Worker with `policy` embedded. */
export async function loadWorker(policy: Policy): Promise<Loaded> {
  const file = join(dir, `worker${++count}.mjs`);
  const source = `const MIZAN = ${JSON.stringify(policy)};\n${template.replace('export default', 'const worker =')}
export const loaded = { worker, base64urlDecode, mwtSubject, cookie, sameSecret, keep, entries, tagIndex,
  storedBytes: () => storedBytes, MAX_ENTRIES, MAX_BYTES };\n`;
  writeFileSync(file, source);
  const mod = (await import(pathToFileURL(file).href)) as { loaded: Loaded };
  return mod.loaded;
}
