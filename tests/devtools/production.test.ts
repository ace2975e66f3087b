// The todo front ends mount @mizan/devtools only when `import.meta.env.DEV`:
// their production builds (`vite build`, as `npm run build`) must not carry
// any of it. A development build of one front end shows the markers do
// find the package when it is there, so the check cannot pass vacuously.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
const frameworks = ['react', 'vue', 'svelte'] as const;

// Strings only the devtools package holds, which minifiers keep: the panel's
// host attribute (mountPanel.ts) and the recorder's schema warning (instrument.ts).
const markers = ['data-mizan-devtools', 'this bundle was built for'];

const outs: string[] = [];
afterAll(() => outs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Builds a front end's browser bundle into a temporary directory; returns its JavaScript. */
async function bundle(fw: string, mode: 'production' | 'development'): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), `mizan-devtools-${fw}-`));
  outs.push(out);
  // Without the test runner's NODE_ENV=test, which Vite would take as not production.
  const { NODE_ENV, ...env } = process.env;
  const cwd = fileURLToPath(new URL(`../../examples/todo/web-${fw}/`, import.meta.url));
  const dev = mode == 'development' ? ['--mode', 'development'] : [];
  await run(process.execPath, [vite, 'build', ...dev, '--outDir', out], {
    cwd,
    env: mode == 'development' ? { ...env, NODE_ENV: 'development' } : env,
    maxBuffer: 1 << 24,
  });
  const assets = join(out, 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n');
}

const found = (js: string): string[] => markers.filter((m) => js.includes(m));

describe('@mizan/devtools in the front ends’ builds', () => {
  it.each(frameworks)('is not in the %s production build', async (fw) => {
    expect(found(await bundle(fw, 'production'))).toEqual([]);
  });

  it('is in a development build (the markers are right)', async () => {
    expect(found(await bundle('react', 'development'))).toEqual(markers);
  });
});
