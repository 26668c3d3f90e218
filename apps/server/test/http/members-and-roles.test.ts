import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { issueMandate, loginToken, setupAgent, signupOrg, type OrgFixture } from '../support/fixtures.ts';

const PASSWORD = 'a long enough password';

describe('members and roles', () => {
  const t = useTestApp();
  let org: OrgFixture;
  let ownerToken: string;
  const tokens: Record<'admin' | 'member' | 'viewer', string> = { admin: '', member: '', viewer: '' };
  const ids: Record<'admin' | 'member' | 'viewer', string> = { admin: '', member: '', viewer: '' };

  beforeAll(async () => {
    org = await signupOrg(t);
    ownerToken = await loginToken(t, org.email, org.password);
    for (const role of ['admin', 'member', 'viewer'] as const) {
      const email = `${role}-${randomUUID()}@example.com`;
      const res = await t.request('POST', '/members', { token: ownerToken, body: { email, password: PASSWORD, role } });
      expect(res.status).toBe(201);
      ids[role] = res.body.user_id;
      tokens[role] = await loginToken(t, email, PASSWORD);
    }
  });

  it('lists the owner and the three members with their roles', async () => {
    const res = await t.request('GET', '/members', { token: tokens.viewer });
    expect(res.status).toBe(200);
    expect(res.body.data.map((m: { role: string }) => m.role).sort()).toEqual(['admin', 'member', 'owner', 'viewer']);
  });

  it('lets a viewer read but refuses every change with 403 forbidden', async () => {
    expect((await t.request('GET', '/agent-accounts', { token: tokens.viewer })).status).toBe(200);
    const create = await t.request('POST', '/agent-accounts', { token: tokens.viewer, body: { name: 'x', risk_tier: 'LOW' } });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('forbidden');
  });

  it('lets a member approve but not administer', async () => {
    const agent = await setupAgent(t, org, { policy: { approval_threshold: 1_000 } });
    const mandate = await issueMandate(t, agent, { amount: 5_000 });
    expect(mandate.body.status).toBe('pending_approval');
    const policy = await t.request('POST', '/policies', { token: tokens.member, body: { agent_account_id: agent.agentId, name: 'p', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 10, daily_limit: 10 } });
    expect(policy.status).toBe(403);
    const approved = await t.request('POST', `/mandates/${mandate.body.id}/approve`, { token: tokens.member });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('active');
  });

  it('refuses approval by a viewer and by the org key', async () => {
    const agent = await setupAgent(t, org, { riskTier: 'HIGH' });
    const mandate = await issueMandate(t, agent, { amount: 100 });
    expect(mandate.body.status).toBe('pending_approval');
    expect((await t.request('POST', `/mandates/${mandate.body.id}/approve`, { token: tokens.viewer })).status).toBe(403);
    expect((await t.request('POST', `/mandates/${mandate.body.id}/approve`, { token: org.orgKey })).status).toBe(403);
  });

  it('lets an admin create agent accounts but not make owners', async () => {
    expect((await t.request('POST', '/agent-accounts', { token: tokens.admin, body: { name: 'a', risk_tier: 'LOW' } })).status).toBe(201);
    const promote = await t.request('PATCH', `/members/${ids.member}`, { token: tokens.admin, body: { role: 'owner' } });
    expect(promote.status).toBe(403);
  });

  it('takes effect at once when a role changes, and a removed member loses access', async () => {
    const demote = await t.request('PATCH', `/members/${ids.admin}`, { token: ownerToken, body: { role: 'viewer' } });
    expect(demote.status).toBe(200);
    expect((await t.request('POST', '/agent-accounts', { token: tokens.admin, body: { name: 'a', risk_tier: 'LOW' } })).status).toBe(403);
    const removed = await t.request('DELETE', `/members/${ids.viewer}`, { token: ownerToken });
    expect(removed.status).toBe(200);
    expect((await t.request('GET', '/agent-accounts', { token: tokens.viewer })).status).toBe(401);
  });

  it('refuses member management with an API key, so a stolen org key cannot create lasting accounts', async () => {
    const res = await t.request('POST', '/members', { token: org.orgKey, body: { email: `k-${randomUUID()}@example.com`, password: PASSWORD, role: 'owner' } });
    expect(res.status).toBe(403);
    expect((await t.request('PATCH', `/members/${ids.member}`, { token: org.orgKey, body: { role: 'admin' } })).status).toBe(403);
  });

  it('never removes or demotes the last owner', async () => {
    const res = await t.request('PATCH', `/members/${org.userId}`, { token: ownerToken, body: { role: 'admin' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('last_owner');
  });
});
