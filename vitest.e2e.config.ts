import { defineConfig } from 'vitest/config';

/**
 * `npm run test:e2e`: the web app in Debian's Chromium (playwright-core) against a real server on a
 * fresh embedded database (apps/web/e2e, docs/testing.md). Not part of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['apps/web/e2e/**/*.e2e.ts'],
    globalSetup: ['apps/web/e2e/support/global-setup.ts'],
    // One server and one browser: two files at a time keep the 2-core machine busy without starving the server.
    maxWorkers: 2,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
