import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { schema } from '@frameos/db';
import { useTestApp } from '../support/test-app.ts';
import { issueMandate, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError } from '../support/assertions.ts';
import { runIntegrityCheck } from '../../src/modules/integrity/integrity.service.ts';

describe('the daily receipt-chain integrity check', () => {
  const t = useTestApp();
  let org: OrgFixture;
  let other: OrgFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    org = await signupOrg(t);
    other = await signupOrg(t, 'Other');
    agent = await setupAgent(t, org);
    await setupAgent(t, other);
    for (const amount of [100, 200, 300]) {
      const mandate = await issueMandate(t, agent, { amount });
      expect((await t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandate.body.id } })).status).toBe(200);
    }
  });

  it('says not_run before the first check', async () => {
    const res = await t.request('GET', '/admin/integrity', { token: org.orgKey });
    expect(res.body).toMatchObject({ status: 'not_run', checked_at: null, broken: [] });
  });

  it('reports ok when every chain verifies', async () => {
    const run = await runIntegrityCheck(t.appCtx);
    expect(run.broken).toEqual([]);
    const res = await t.request('GET', '/admin/integrity', { token: org.orgKey });
    expect(res.body).toMatchObject({ status: 'ok', chains_checked: run.chains, broken: [] });
    expect(res.body.checked_at).toBe(run.checkedAt.toISOString());
  });

  it("flags a tampered chain to its own org only, with the first invalid seq", async () => {
    await t.appCtx.database.db
      .update(schema.receipts)
      .set({ body: sql`jsonb_set(${schema.receipts.body}, '{amount}', '5')` })
      .where(and(eq(schema.receipts.agentAccountId, agent.agentId), eq(schema.receipts.seq, 2)));
    const run = await runIntegrityCheck(t.appCtx);
    expect(run.broken).toEqual([{ agent_account_id: agent.agentId, org_id: org.orgId, first_invalid_seq: 2 }]);
    const mine = await t.request('GET', '/admin/integrity', { token: org.orgKey });
    expect(mine.body).toMatchObject({ status: 'broken', broken: [{ agent_account_id: agent.agentId, first_invalid_seq: 2 }] });
    const theirs = await t.request('GET', '/admin/integrity', { token: other.orgKey });
    expect(theirs.body).toMatchObject({ status: 'ok', broken: [] });
  });

  it('is for admins: an agent key gets 403', async () => {
    expectError(await t.request('GET', '/admin/integrity', { token: agent.agentKey }), 403, 'forbidden');
  });
});
