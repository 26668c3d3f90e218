import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { issueMandate, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';

/**
 * Concurrent changes of one policy queue on its row lock. On PostgreSQL (CI runs this suite with
 * DATABASE_URL) the requests really overlap; a locking read that joined on the current version used
 * to drop the row when a concurrent update moved it, and answered 404 for a policy that exists.
 */
describe('policies: concurrent updates', () => {
  let org: OrgFixture;
  let agent: AgentFixture;

  const t = useTestApp();

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org);
  });

  it('applies every one of 10 parallel PATCHes as its own version, in three rounds', async () => {
    let expectedVersion = 1;
    for (let round = 0; round < 3; round++) {
      const caps = Array.from({ length: 10 }, (_, i) => 1_000 + round * 100 + i);
      const results = await Promise.all(caps.map((per_tx_cap) => t.request('PATCH', `/policies/${agent.policyId}`, { token: org.orgKey, body: { per_tx_cap } })));
      expect(results.map((r) => r.status), results.map((r) => r.text).join('\n')).toEqual(caps.map(() => 200));
      const versions = results.map((r) => r.body.version).sort((a, b) => a - b);
      expect(versions).toEqual(caps.map((_, i) => expectedVersion + 1 + i));
      expectedVersion += caps.length;
      const last = results.find((r) => r.body.version === expectedVersion)!;
      expect((await t.request('GET', `/policies/${agent.policyId}`, { token: org.orgKey })).body).toMatchObject({ version: expectedVersion, per_tx_cap: last.body.per_tx_cap });
    }
  });

  it('lets mandates and executes race policy updates without a 404 or a 500', async () => {
    const patches = Array.from({ length: 5 }, (_, i) => t.request('PATCH', `/policies/${agent.policyId}`, { token: org.orgKey, body: { per_tx_cap: 40_000 + i } }));
    const flows = Array.from({ length: 5 }, async () => {
      const mandate = await issueMandate(t, agent, { amount: 100 });
      expect(mandate.status, mandate.text).toBe(201);
      return t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandate.body.id } });
    });
    const [patched, executed] = await Promise.all([Promise.all(patches), Promise.all(flows)]);
    expect(patched.map((r) => r.status)).toEqual(patched.map(() => 200));
    expect(executed.map((r) => r.status), executed.map((r) => r.text).join('\n')).toEqual(executed.map(() => 200));
  });
});
