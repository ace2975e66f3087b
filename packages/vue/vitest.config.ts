import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Test against the kernel's sources rather than its (possibly stale) build.
  resolve: { alias: { '@mizan/base': fileURLToPath(new URL('../base/src/index.ts', import.meta.url)) } },
  test: { environment: 'jsdom', include: ['src/**/*.test.ts'] },
});
