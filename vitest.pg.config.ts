import { defineConfig } from 'vitest/config';

/**
 * Multi-process suites that need a PostgreSQL server (DATABASE_URL, default 127.0.0.1:5432/test).
 * Their databases start empty on purpose: the server processes under test migrate them (one test
 * checks that two processes starting at once migrate exactly once), so no template here.
 */
export default defineConfig({
  test: {
    include: ['apps/*/test-pg/**/*.test.ts'],
    reporters: ['default', './apps/server/test/support/timing-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
