import { defineConfig } from 'vitest/config';

/** Multi-process suites that need a PostgreSQL server (DATABASE_URL, default 127.0.0.1:5432/test). */
export default defineConfig({
  test: {
    include: ['apps/*/test-pg/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
