import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    // Builds the migrated database once per run; every test database is a copy (docs/testing.md).
    globalSetup: ['apps/server/test/support/global-setup.ts'],
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
