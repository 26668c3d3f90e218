import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app.ts';

/** What an API fixture needs: requests, answered in process (a TestApp) or over HTTP by a server process (test-pg). */
export type Requester = Pick<TestApp, 'request'>;

export interface OrgFixture {
  orgId: string;
  userId: string;
  orgKey: string;
  email: string;
  password: string;
}

export async function signupOrg(t: Requester, name = 'Test Org'): Promise<OrgFixture> {
  const email = `owner-${randomUUID()}@example.com`;
  const password = 'correct horse battery staple';
  const res = await t.request('POST', '/auth/signup', { body: { email, password, org_name: name } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  return { orgId: res.body.org_id, userId: res.body.user_id, orgKey: res.body.api_key, email, password };
}

export async function loginToken(t: Requester, email: string, password: string): Promise<string> {
  const res = await t.request('POST', '/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body.token;
}

export interface AgentFixture {
  agentId: string;
  agentKey: string;
  policyId: string;
}

export interface AgentSetup {
  riskTier?: 'LOW' | 'MEDIUM' | 'HIGH';
  balance?: number;
  currency?: string;
  vendor?: string;
  policy?: Record<string, unknown>;
}

/** An agent account with a funded wallet, a ledger vendor and a policy allowing it. */
export async function setupAgent(t: TestApp, org: OrgFixture, setup: AgentSetup = {}): Promise<AgentFixture> {
  const currency = setup.currency ?? 'INR';
  const vendor = setup.vendor ?? 'acme_api';
  const agent = await t.request('POST', '/agent-accounts', { token: org.orgKey, body: { name: 'agent', risk_tier: setup.riskTier ?? 'LOW' } });
  if (agent.status !== 201) throw new Error(`agent failed: ${agent.text}`);
  const existing = await t.request('GET', `/vendors/${vendor}`, { token: org.orgKey });
  if (existing.status === 404) {
    const v = await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: vendor, name: vendor, rail: 'ledger' } });
    if (v.status !== 201) throw new Error(`vendor failed: ${v.text}`);
  }
  if ((setup.balance ?? 100_000) > 0) {
    const top = await t.request('POST', `/agent-accounts/${agent.body.id}/top-ups`, { token: org.orgKey, body: { amount: setup.balance ?? 100_000, currency } });
    if (top.status !== 201) throw new Error(`top-up failed: ${top.text}`);
  }
  const policy = await t.request('POST', '/policies', {
    token: org.orgKey,
    body: { agent_account_id: agent.body.id, name: 'p', currency, vendor_allowlist: [vendor], per_tx_cap: 50_000, daily_limit: 200_000, ...setup.policy },
  });
  if (policy.status !== 201) throw new Error(`policy failed: ${policy.text}`);
  return { agentId: agent.body.id, agentKey: agent.body.api_key, policyId: policy.body.id };
}

export async function createIntent(t: TestApp, agent: AgentFixture, body: Record<string, unknown> = {}) {
  return t.request('POST', '/purchase-intents', { token: agent.agentKey, body: { vendor: 'acme_api', amount: 19_900, currency: 'INR', ...body } });
}

export async function issueMandate(t: TestApp, agent: AgentFixture, intentBody: Record<string, unknown> = {}, mandateBody: Record<string, unknown> = {}) {
  const intent = await createIntent(t, agent, intentBody);
  if (intent.status !== 201) throw new Error(`intent failed: ${intent.text}`);
  return t.request('POST', '/mandates', { token: agent.agentKey, body: { intent_id: intent.body.id, policy_id: agent.policyId, ...mandateBody } });
}

/** The id of an agent account's (first) key, as GET /api-keys lists it: creating the account shows only the secret. */
export async function agentKeyId(t: TestApp, org: OrgFixture, agentAccountId: string): Promise<string> {
  const keys = await t.request('GET', '/api-keys', { token: org.orgKey });
  const key = keys.body.data.find((k: { agent_account_id: string | null }) => k.agent_account_id === agentAccountId);
  if (!key) throw new Error(`no key listed for ${agentAccountId}: ${keys.text}`);
  return key.api_key_id;
}

export type MemberRole = 'owner' | 'admin' | 'member' | 'viewer';

/** A session of another person whom the owner added to `org` with `role` (POST /members, then login). */
export async function memberSession(t: TestApp, org: OrgFixture, role: MemberRole): Promise<string> {
  const owner = await loginToken(t, org.email, org.password);
  const email = `${role}-${randomUUID()}@example.com`;
  const password = 'a long enough password';
  const res = await t.request('POST', '/members', { token: owner, body: { email, password, role } });
  if (res.status !== 201) throw new Error(`adding a member failed: ${res.status} ${res.text}`);
  return loginToken(t, email, password);
}

/** An intent with a mandate executed to a settled payment. */
export async function settledPayment(t: TestApp, agent: AgentFixture, intentBody: Record<string, unknown> = {}) {
  const mandate = await issueMandate(t, agent, intentBody);
  if (mandate.status !== 201) throw new Error(`mandate failed: ${mandate.text}`);
  const executed = await t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandate.body.mandate_id } });
  if (executed.status !== 200) throw new Error(`execute failed: ${executed.text}`);
  return { mandate: mandate.body, payment: executed.body };
}

/** A fresh client IP: with REDIS_URL the per-IP rate-limit counters are shared by every test app (and run) for a minute. */
export const randomIp = (): string => `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
