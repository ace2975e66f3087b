// Bundles @mizan/base and @tanstack/query-core the same way (esbuild, ESM,
// browser, minified, every export kept) and prints minified and gzip -9 sizes.
// Exits 1 if the kernel is over its budget, so CI can run it as a check.
//
//   npm run bench:size            (from the repository root)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BUDGET = 5000; // bytes, gzip -9
const here = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(import.meta.url);

const version = (pkg) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;

const targets = [
  { name: '@mizan/base', entry: fileURLToPath(new URL('../../packages/base/src/index.ts', import.meta.url)) },
  { name: '@tanstack/query-core', entry: '@tanstack/query-core', version: version('@tanstack/query-core') },
];

const measure = async (entry) => {
  const result = await build({
    stdin: { contents: `export * from ${JSON.stringify(entry)};`, resolveDir: here, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
};

const rows = [];
for (const t of targets) rows.push({ ...t, ...(await measure(t.entry)) });

const kb = (n) => (n / 1024).toFixed(2).padStart(6) + ' kB';
console.log('package                          minified    gzip -9');
for (const r of rows) {
  const label = r.version ? `${r.name}@${r.version}` : r.name;
  console.log(`${label.padEnd(32)} ${kb(r.min)}  ${kb(r.gzip)}  (${r.gzip} B)`);
}
const [mizan, tanstack] = rows;
console.log(`@mizan/base is ${((mizan.gzip / tanstack.gzip) * 100).toFixed(0)}% of query-core; budget ${BUDGET} B gzip.`);
if (mizan.gzip > BUDGET) {
  console.error(`@mizan/base is over budget by ${mizan.gzip - BUDGET} B`);
  process.exit(1);
}
