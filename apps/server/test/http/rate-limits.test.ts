import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { randomIp, signupOrg } from '../support/fixtures.ts';

describe('rate limits', () => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it('limits each API key on its own, whichever IP it comes from', async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
    const a = await signupOrg(t, 'A');
    const b = await signupOrg(t, 'B');
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.request('GET', '/agent-accounts', { token: a.orgKey, ip: `10.0.0.${i + 1}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await t.request('GET', '/agent-accounts', { token: a.orgKey });
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.request('GET', '/agent-accounts', { token: b.orgKey })).status).toBe(200);
  });

  it('limits each client IP before authentication, so guessing keys is bounded too', async () => {
    t = await startTestApp({ env: { IP_RATE_LIMIT_PER_MINUTE: '3' } });
    // Fresh addresses: with REDIS_URL the per-IP counters outlive the test app for a minute.
    const [ip, other] = [randomIp(), randomIp()];
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.request('GET', '/agent-accounts', { token: `fos_org_guess${i}`, ip })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await t.request('GET', '/agent-accounts', { token: 'fos_org_guess', ip: other })).status).toBe(401);
  });

  it('limits signup and login per IP more tightly', async () => {
    t = await startTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '2' } });
    const body = { email: 'nobody@example.com', password: 'wrong password!!' };
    const statuses = [];
    const ip = randomIp();
    for (let i = 0; i < 3; i++) statuses.push((await t.request('POST', '/auth/login', { body, ip })).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});
