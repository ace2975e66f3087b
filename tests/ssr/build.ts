// Builds a front end the way its `build` script does, into a temporary
// directory, so that a test never disturbs the dist/ another process serves.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

export const frameworks = ['react', 'vue', 'svelte'] as const;
export type Framework = (typeof frameworks)[number];

/** The front end's directory. */
export const appDir = (fw: Framework): string =>
  fileURLToPath(new URL(`../../examples/todo/web-${fw}/`, import.meta.url));

/** The server entry's source, as the package's `build` script names it. */
const entryOf = (fw: Framework): string => (fw == 'react' ? 'src/entry-server.tsx' : 'src/entry-server.ts');

/** What a server entry exports (src/entry-server.*). */
export interface Entry {
  render(
    input: { route: string; path: string; params: Record<string, unknown>; data: Record<string, unknown> },
    options?: { fetch?: (url: string, init: RequestInit) => Promise<Response> },
  ): Promise<{ head: string; body: string }>;
}

/**
 * Runs `vite build --ssr` (and, with `client`, `vite build`) in the front
 * end's directory with its vite.config.ts.
 *
 * @returns the directory holding `server/entry-server.js` (and `client/index.html`)
 */
export async function build(fw: Framework, client = false): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), `mizan-ssr-${fw}-`));
  // Without the test runner's NODE_ENV=test: a production build, as `npm run build`.
  const { NODE_ENV, ...env } = process.env;
  const opts = { cwd: appDir(fw), env, maxBuffer: 1 << 24 };
  const jobs = [run(process.execPath, [vite, 'build', '--ssr', entryOf(fw), '--outDir', join(out, 'server')], opts)];
  if (client) jobs.push(run(process.execPath, [vite, 'build', '--outDir', join(out, 'client')], opts));
  await Promise.all(jobs);
  return out;
}

/** Imports a built server entry. */
export const importEntry = async (out: string): Promise<Entry> =>
  (await import(join(out, 'server', 'entry-server.js'))) as Entry;
