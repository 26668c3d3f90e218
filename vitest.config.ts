import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'agents/*/test/**/*.test.ts', 'agents/test/**/*.test.ts'],
    // Tests that drive Chromium run in `npm run test:chromium` (vitest.chromium.config.ts): npm test needs only Node.js.
    exclude: [...configDefaults.exclude, 'apps/server/test/chromium/**'],
    // Builds the migrated database once per run; every test database is a copy (docs/testing.md).
    globalSetup: ['apps/server/test/support/global-setup.ts'],
    reporters: ['default', ['./apps/server/test/support/timing-reporter.ts', { budgetSeconds: 120 }]],
    // vitest's default is one worker fewer than the cores: a single worker on the 2-core CI machine.
    maxWorkers: Math.max(2, availableParallelism()),
    // Test files of one worker share its module cache instead of importing the server again per
    // file (~2 s each). Every file starts its own apps on its own databases; nothing in the server
    // keeps state at module level that a test reads (docs/testing.md lists what to watch).
    isolate: false,
    // beforeAll hooks in the order they are registered, afterAll in reverse: useTestApp relies on it.
    sequence: { hooks: 'stack' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['packages/domain/src/**/*.ts'],
      reporter: ['text', 'html', 'json-summary'],
      thresholds: { lines: 90, functions: 90, branches: 85, statements: 90 },
    },
  },
});
