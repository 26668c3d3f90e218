import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { schema } from '@frameos/db';
import { useTestApp } from '../support/test-app.ts';
import { issueMandate, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { verifyAllChains } from '../../src/modules/receipts/receipts.service.ts';

describe('receipt chains', () => {
  const t = useTestApp();
  let org: OrgFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org);
    for (const amount of [100, 200, 300, 400]) {
      const mandate = await issueMandate(t, agent, { amount });
      const res = await t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandate.body.id } });
      expect(res.status).toBe(200);
    }
  });

  it('pages through the chain in seq order with after_seq', async () => {
    const first = await t.request('GET', `/receipts?agent_account_id=${agent.agentId}&limit=3`, { token: org.orgKey });
    expect(first.body.data.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3]);
    expect(first.body).toMatchObject({ has_more: true, next_after_seq: 3 });
    const second = await t.request('GET', `/receipts?agent_account_id=${agent.agentId}&after_seq=3`, { token: org.orgKey });
    expect(second.body.data.map((r: { seq: number }) => r.seq)).toEqual([4]);
    expect(second.body.data[0].prev_hash).toBe(first.body.data[2].hash);
    expect(second.body.has_more).toBe(false);
  });

  it('reports the first tampered receipt, through the API and the nightly verifier', async () => {
    const db = t.appCtx.database.db;
    const valid = await t.request('GET', `/receipts/verify?agent_account_id=${agent.agentId}`, { token: org.orgKey });
    expect(valid.body).toMatchObject({ valid: true, length: 4, first_invalid_seq: null });

    // An attacker with database access lowers the amount of the second receipt.
    await db
      .update(schema.receipts)
      .set({ body: sql`jsonb_set(${schema.receipts.body}, '{amount}', '1')` })
      .where(and(eq(schema.receipts.agentAccountId, agent.agentId), eq(schema.receipts.seq, 2)));

    const broken = await t.request('GET', `/receipts/verify?agent_account_id=${agent.agentId}`, { token: org.orgKey });
    expect(broken.body).toMatchObject({ valid: false, first_invalid_seq: 2 });
    const all = await verifyAllChains(db);
    expect(all.find((c) => c.agent_account_id === agent.agentId)).toMatchObject({ valid: false, first_invalid_seq: 2 });
  });

  it('reports a receipt re-hashed by an attacker, because its signature no longer matches', async () => {
    const other = await setupAgent(t, org);
    const mandate = await issueMandate(t, other, { amount: 500 });
    await t.request('POST', '/execute', { token: other.agentKey, body: { mandate_id: mandate.body.id } });
    const db = t.appCtx.database.db;
    const [row] = await db.select().from(schema.receipts).where(eq(schema.receipts.agentAccountId, other.agentId));
    const { receiptHash } = await import('@frameos/domain');
    const forgedBody = { ...row!.body, amount: 1 };
    const forgedHash = receiptHash(forgedBody);
    await db.update(schema.receipts).set({ body: forgedBody, hash: forgedHash }).where(eq(schema.receipts.id, row!.id));
    const res = await t.request('GET', `/receipts/verify?agent_account_id=${other.agentId}`, { token: org.orgKey });
    expect(res.body).toMatchObject({ valid: false, first_invalid_seq: 1 });
  });

  it('finds receipts deleted from the end of a chain by comparing with the chain head', async () => {
    const db = t.appCtx.database.db;
    const lonely = await setupAgent(t, org);
    for (const amount of [10, 20]) {
      const mandate = await issueMandate(t, lonely, { amount });
      await t.request('POST', '/execute', { token: lonely.agentKey, body: { mandate_id: mandate.body.id } });
    }
    await db.delete(schema.receipts).where(and(eq(schema.receipts.agentAccountId, lonely.agentId), eq(schema.receipts.seq, 2)));
    const all = await verifyAllChains(db);
    expect(all.find((c) => c.agent_account_id === lonely.agentId)).toMatchObject({ valid: false, length: 1, first_invalid_seq: 2 });
  });
});
