import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationStream } from 'pino';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { issueMandate, loginToken, setupAgent, signupOrg } from '../support/fixtures.ts';

describe('logs', () => {
  let t: TestApp;
  const lines: string[] = [];
  const capture: DestinationStream = { write: (line: string) => void lines.push(line) };

  beforeAll(async () => {
    // The most verbose level: redaction must hold whatever the level.
    t = await startTestApp({ env: { LOG_LEVEL: 'trace' }, log: capture });
  });
  afterAll(async () => t.close());

  it('never contain API keys, passwords, session tokens or stack traces', async () => {
    const org = await signupOrg(t);
    const session = await loginToken(t, org.email, org.password);
    const agent = await setupAgent(t, org);
    const mandate = await issueMandate(t, agent, { amount: 100 });
    const executed = await t.request('POST', '/execute', { token: agent.agentKey, idempotencyKey: 'logged-key-0001', body: { mandate_id: mandate.body.id } });
    expect(executed.status).toBe(200);
    const seen = await t.request('GET', `/agent-accounts/${agent.agentId}`, { token: session });
    expect(seen.status).toBe(200);
    const failedLogin = await t.request('POST', '/auth/login', { body: { email: org.email, password: 'a wrong password, logged nowhere' } });
    expect(failedLogin.status).toBe(401);
    const badToken = await t.request('GET', '/agent-accounts', { token: 'fos_org_guessed-secret-value' });
    expect(badToken.status).toBe(401);

    const log = lines.join('');
    // The log did record these requests (so the checks below look at real output).
    for (const res of [executed, seen, failedLogin, badToken]) expect(log).toContain(res.headers['x-request-id'] as string);

    for (const secret of [org.orgKey, agent.agentKey, session, org.password, 'a wrong password, logged nowhere', 'fos_org_guessed-secret-value']) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain('    at ');
  });

  it('never echo the parameters of a failed query, which can carry emails and key or password hashes', async () => {
    const org = await signupOrg(t);
    await t.appCtx.database.close();
    lines.length = 0;
    const failedLogin = await t.request('POST', '/auth/login', { body: { email: org.email, password: org.password } });
    const failedCall = await t.request('GET', '/agent-accounts', { token: org.orgKey });
    expect([failedLogin.status, failedCall.status]).toEqual([503, 503]);

    const log = lines.join('');
    expect(log).toContain('request failed');
    expect(log).toMatch(/"cause":"[^"]+"/);
    expect(log).toContain(failedCall.headers['x-request-id'] as string);
    expect(log).not.toContain(org.email);
    expect(log).not.toContain(createHash('sha256').update(org.orgKey).digest('hex'));
    expect(log).not.toContain('    at ');
  });
});
