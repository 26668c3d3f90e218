import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { setupAgent, signupOrg, type OrgFixture } from '../support/fixtures.ts';

describe('listing agent accounts', () => {
  const t = useTestApp();
  let org: OrgFixture;
  beforeAll(async () => {
    org = await signupOrg(t);
  });

  it('shows each account with its own wallet balances per currency, across pages', async () => {
    const rich = await setupAgent(t, org, { balance: 5_000 });
    await t.request('POST', `/agent-accounts/${rich.agentId}/top-ups`, { token: org.orgKey, body: { amount: 700, currency: 'USD' } });
    const poor = await setupAgent(t, org, { balance: 0 });
    const mid = await setupAgent(t, org, { balance: 1_234 });

    const first = await t.request('GET', '/agent-accounts?limit=2', { token: org.orgKey });
    const second = await t.request('GET', `/agent-accounts?limit=2&starting_after=${first.body.next_cursor}`, { token: org.orgKey });
    const byId = new Map([...first.body.data, ...second.body.data].map((a: { id: string; wallet: { balances: unknown } }) => [a.id, a.wallet.balances]));
    expect(byId.get(rich.agentId)).toEqual([{ currency: 'INR', balance: 5_000 }, { currency: 'USD', balance: 700 }]);
    expect(byId.get(poor.agentId)).toEqual([]);
    expect(byId.get(mid.agentId)).toEqual([{ currency: 'INR', balance: 1_234 }]);
  });
});
