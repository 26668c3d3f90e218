import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { signupOrg } from '../support/fixtures.ts';
import { expectError } from '../support/assertions.ts';

describe('production mode', () => {
  const t = useTestApp({ env: { NODE_ENV: 'production' } });

  it('refuses test-mode wallet top-ups with 403 top_ups_disabled and moves no money', async () => {
    const org = await signupOrg(t);
    const agent = await t.request('POST', '/agent-accounts', { token: org.orgKey, body: { name: 'prod agent', risk_tier: 'LOW' } });
    expect(agent.status).toBe(201);
    const topUp = await t.request('POST', `/agent-accounts/${agent.body.id}/top-ups`, { token: org.orgKey, body: { amount: 1_000, currency: 'USD' } });
    expectError(topUp, 403, 'top_ups_disabled');
    const account = await t.request('GET', `/agent-accounts/${agent.body.id}`, { token: org.orgKey });
    expect(account.body.wallet.balances).toEqual([]);
  });
});
