import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chromium`: the server's tests that drive Debian's Chromium (`ctx.browser.read`,
 * LinkedIn Outreach on the platform; apps/server/test/chromium, docs/testing.md). Kept out of
 * `npm test`, which needs nothing but Node.js; `.ci/run` installs Chromium and runs them.
 */
export default defineConfig({
  test: {
    include: ['apps/server/test/chromium/**/*.test.ts'],
    globalSetup: ['apps/server/test/support/global-setup.ts'],
    maxWorkers: 2,
    isolate: false,
    sequence: { hooks: 'stack' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
