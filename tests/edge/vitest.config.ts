// The Worker template's own logic (src/edge/worker/worker.js), run in Node
// against a stub origin: `tsc -p tests/edge && vitest run --config
// tests/edge/vitest.config.ts`. Under workerd, with the real origin, it is
// tests/integration/edge-worker.test.ts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: { environment: 'node', include: ['tests/edge/**/*.test.ts'] },
});
