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

// The kernel is what a page ships that uses no forms: the client and what it
// imports (bundlers drop the rest). Forms are measured, and budgeted, apart.
const BUDGET = 5000; // bytes, gzip -9, the kernel
const FORMS_BUDGET = 1500; // bytes, gzip -9, createForm and validateField alone
const here = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(import.meta.url);

const version = (pkg) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;

const base = fileURLToPath(new URL('../../packages/base/src/index.ts', import.meta.url));
const targets = [
  { name: '@mizan/base kernel', entry: base, names: 'createClient' },
  { name: '@tanstack/query-core', entry: '@tanstack/query-core', version: version('@tanstack/query-core') },
  { name: '@mizan/base forms', entry: base, names: 'createForm, validateField', budget: FORMS_BUDGET },
  { name: '@mizan/base (everything)', entry: base },
];

const measure = async (entry, names) => {
  const result = await build({
    stdin: { contents: `export ${names ? `{ ${names} }` : '*'} from ${JSON.stringify(entry)};`, resolveDir: here, loader: 'js' },
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
for (const t of targets) rows.push({ ...t, ...(await measure(t.entry, t.names)) });

const kb = (n) => (n / 1024).toFixed(2).padStart(6) + ' kB';
console.log('package                          minified    gzip -9');
for (const r of rows) {
  const label = r.version ? `${r.name}@${r.version}` : r.name;
  console.log(`${label.padEnd(34)} ${kb(r.min)}  ${kb(r.gzip)}  (${r.gzip} B)`);
}
const [mizan, tanstack, forms] = rows;
console.log(`The kernel is ${((mizan.gzip / tanstack.gzip) * 100).toFixed(0)}% of query-core; budget ${BUDGET} B gzip.`);
let over = false;
for (const [row, budget] of [[mizan, BUDGET], [forms, FORMS_BUDGET]]) {
  if (row.gzip <= budget) continue;
  console.error(`${row.name} is over its budget of ${budget} B by ${row.gzip - budget} B`);
  over = true;
}
if (over) process.exit(1);
