import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { API_TYPES_PATHS, renderWebApiTypes } from '../../../scripts/web-api-types.ts';
import { startTestApp, type TestApp } from './support/test-app.ts';

describe('the generated API types (apps/web/src/api/schema.d.ts, packages/client/src/schema.ts)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it.each(API_TYPES_PATHS.map((p) => [fileURLToPath(p).split('/').slice(-4).join('/'), p] as const))('%s matches the OpenAPI document the server generates (run npm run web:api-types after changing a route)', async (_name, path) => {
    const expected = await renderWebApiTypes(t.app.swagger());
    const committed = await readFile(path, 'utf8');
    // A line-level diff names the first drift instead of printing 400 kB.
    const want = expected.split('\n');
    const have = committed.split('\n');
    const line = want.findIndex((text, i) => text !== have[i]);
    expect(line === -1 && want.length === have.length ? 'in sync' : `differs from line ${line + 1}: expected ${JSON.stringify(want[line])}, found ${JSON.stringify(have[line])}`).toBe('in sync');
  });
});
