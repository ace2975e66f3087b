// The front ends' server entries, built and run in Node (entries.test.ts), and
// their server markup hydrated in Chromium (hydration.test.ts). Run from the
// repository root: npm run test:ssr.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['tests/ssr/**/*.test.ts'],
    // Each file builds the three front ends first.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
