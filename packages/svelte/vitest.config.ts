import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // svelteTesting resolves Svelte's browser build (mount, effects) and unmounts after each test.
  plugins: [svelte({ configFile: false }), svelteTesting()],
  // Test against the kernel's sources rather than its (possibly stale) build.
  resolve: { alias: { '@mizan/base': fileURLToPath(new URL('../base/src/index.ts', import.meta.url)) } },
  test: { environment: 'jsdom', include: ['src/**/*.test.ts'] },
});
