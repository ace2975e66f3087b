// @mizan/devtools beyond its unit tests: its panel in Chromium
// (panel.test.ts, npm run test:e2e-devtools) and its absence from the
// front ends' production builds (production.test.ts, npm run test:devtools-build).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: { alias: { '@mizan/base': fileURLToPath(new URL('../../packages/base/src/index.ts', import.meta.url)) } },
  test: {
    environment: 'node',
    include: ['tests/devtools/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
