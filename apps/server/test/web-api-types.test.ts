import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_PATH, renderWebApiTypes } from '../../../scripts/web-api-types.ts';
import { startTestApp, type TestApp } from './support/test-app.ts';

describe('the generated API types (packages/client/src/schema.ts, used by the client and the web app)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('match the OpenAPI document the server generates (run npm run web:api-types after changing a route)', async () => {
    const expected = await renderWebApiTypes(t.app.swagger());
    const committed = await readFile(API_TYPES_PATH, 'utf8');
    // A line-level diff names the first drift instead of printing 400 kB.
    const want = expected.split('\n');
    const have = committed.split('\n');
    const line = want.findIndex((text, i) => text !== have[i]);
    expect(line === -1 && want.length === have.length ? 'in sync' : `differs from line ${line + 1}: expected ${JSON.stringify(want[line])}, found ${JSON.stringify(have[line])}`).toBe('in sync');
  });
});
