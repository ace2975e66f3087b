import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Test against the kernel's sources rather than its (possibly stale) build.
  resolve: { alias: { '@mizan/base': fileURLToPath(new URL('../base/src/index.ts', import.meta.url)) } },
  // The recorder and the wrappers need no DOM; the panel is tested in Chromium (tests/devtools).
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
