// Cross-process tests against the real reference server, and the browser
// test. Run from the repository root: npm run test:integration. Two
// projects, one per database engine (server.ts reads MIZAN_TEST_DATABASE);
// `--project sqlite` or `--project postgresql` runs one.
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const integration = 'tests/integration/**/*.test.ts';
const browser = 'tests/e2e/**/*.test.ts';
/** Fault injection into the PostgreSQL server itself; the scale-out cluster (one shared PostgreSQL). */
const postgresqlOnly = [
  'tests/integration/postgres-faults.test.ts',
  'tests/integration/postgres-stalls.test.ts',
  'tests/integration/cluster-smoke.test.ts',
  'tests/integration/cluster.test.ts',
  'tests/integration/cluster-faults.test.ts',
];
/**
 * What does not depend on the database runs once, on SQLite (README.md says
 * why for each): HTTP framing and hostile bytes, static files, the WebSocket
 * handshake, memory per connection, server-rendered pages and their renderers,
 * an edge cache that dies or freezes, deploy skew (refused before any query).
 */
const once = [
  'tests/integration/hostile.test.ts',
  'tests/integration/static.test.ts',
  'tests/integration/websocket-handshake.test.ts',
  'tests/integration/memory.test.ts',
  'tests/integration/ssr.test.ts',
  'tests/integration/edge-faults.test.ts',
  'tests/integration/schema-skew.test.ts',
  'tests/e2e/deploy-skew.test.ts',
];

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    // Each file starts its own server (an ASan build in CI), and on
    // PostgreSQL its own cluster, on a 2-core machine: two files at a time
    // at most (across both projects), and generous timeouts.
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: [integration, browser],
          exclude: [...configDefaults.exclude, ...postgresqlOnly],
          env: { MIZAN_TEST_DATABASE: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgresql',
          include: [integration, browser],
          exclude: [...configDefaults.exclude, ...once],
          env: { MIZAN_TEST_DATABASE: 'postgresql' },
        },
      },
    ],
  },
});
