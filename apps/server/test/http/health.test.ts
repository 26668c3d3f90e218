import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { signupOrg, type OrgFixture } from '../support/fixtures.ts';
import { expectError } from '../support/assertions.ts';

describe('health', () => {
  const t = useTestApp();
  let org: OrgFixture;

  beforeAll(async () => {
    org = await signupOrg(t);
  });

  it('answers /healthz 200 {"status":"healthy"} and /readyz 200 while the database answers', async () => {
    const health = await t.request('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.text).toBe('{"status":"healthy"}');
    const ready = await t.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('answers 503 once the database is gone, and API calls fail as JSON errors without a stack', async () => {
    await t.appCtx.database.close();
    const health = await t.request('GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'unhealthy' });
    expect((await t.request('GET', '/readyz')).status).toBe(503);

    const call = await t.request('GET', '/agent-accounts', { token: org.orgKey });
    expectError(call, 503, 'service_unavailable');
    expect(call.text).not.toMatch(/select|api_keys|key_hash|PGlite|pool/i);
  });
});
