import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { ExecutionWorker } from '../../src/modules/executions/execution-runner.ts';
import { createSandbox, type Sandbox } from '@frameos/sandbox';
import type { CapabilityHandlers } from '../../src/modules/executions/run-host.ts';
import { loginToken, signupOrg, type OrgFixture, type Requester } from './fixtures.ts';
import { sqlReaderOf, type SqlReader } from './sql-reader.ts';
import type { TestApp } from './test-app.ts';

/** The platform admin of marketplace tests: PLATFORM_ADMIN_EMAILS names them (pass `marketplaceEnv` to useTestApp). */
export const PLATFORM_ADMIN_EMAIL = 'reviewer@frameos.test';
export const marketplaceEnv = { PLATFORM_ADMIN_EMAILS: PLATFORM_ADMIN_EMAIL };

const AGENTS_DIR = join(import.meta.dirname, '../../../../agents');

export interface AgentSource {
  manifest: Record<string, unknown> & { id: string; version: string; author: Record<string, unknown>; pricing: Record<string, unknown> };
  code: string;
}

/** One of the agents in agents/<name>: its manifest and its ES module. */
export function agentSource(name: string): AgentSource {
  const dir = join(AGENTS_DIR, name);
  return { manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')), code: readFileSync(join(dir, 'index.js'), 'utf8') };
}

export async function platformAdminToken(t: Requester): Promise<string> {
  const password = 'correct horse battery staple';
  const signup = await t.request('POST', '/auth/signup', { body: { email: PLATFORM_ADMIN_EMAIL, password, org_name: 'FrameOS reviewers' } });
  if (signup.status !== 201 && signup.body?.error?.code !== 'email_taken') throw new Error(`admin signup failed: ${signup.text}`);
  return loginToken(t, PLATFORM_ADMIN_EMAIL, password);
}

export interface DeveloperFixture {
  org: OrgFixture;
  developerId: string;
}

export async function developer(t: Requester, name = 'Agent Smiths'): Promise<DeveloperFixture> {
  const org = await signupOrg(t, name);
  const res = await t.request('POST', '/developers', { token: org.orgKey, body: { name, email: `dev-${randomUUID()}@example.com` } });
  if (res.status !== 201) throw new Error(`developer failed: ${res.text}`);
  return { org, developerId: res.body.developer_id };
}

/**
 * Registers an agent as the developer and approves it as the platform admin. `id` renames the agent
 * (each test file publishes its own copies); `changes` overrides manifest fields.
 */
export async function publishAgent(t: Requester, dev: DeveloperFixture, adminToken: string, source: AgentSource, changes: Record<string, unknown> = {}): Promise<string> {
  const manifest = { ...source.manifest, ...changes, author: { ...source.manifest.author, developer_id: dev.developerId } };
  const registered = await t.request('POST', '/agents/register', { token: dev.org.orgKey, body: { manifest, code: source.code } });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.text}`);
  const approved = await t.request('POST', `/admin/agents/${manifest.id}/approve`, { token: adminToken, body: {} });
  if (approved.status !== 200) throw new Error(`approve failed: ${approved.text}`);
  return String(manifest.id);
}

export interface PayerFixture {
  org: OrgFixture;
  agentAccountId: string;
  agentKey: string;
  policyId: string;
}

/** An org with a funded agent account and a policy whose allowlist names the given agents. */
export async function payer(t: Requester, agentIds: string[], setup: { currency?: string; balance?: number; riskTier?: 'LOW' | 'MEDIUM' | 'HIGH'; policy?: Record<string, unknown> } = {}): Promise<PayerFixture> {
  const org = await signupOrg(t, 'Buyers');
  const currency = setup.currency ?? 'USD';
  const account = await t.request('POST', '/agent-accounts', { token: org.orgKey, body: { name: 'buyer', risk_tier: setup.riskTier ?? 'LOW' } });
  if (account.status !== 201) throw new Error(`agent account failed: ${account.text}`);
  if ((setup.balance ?? 10_000) > 0) {
    const top = await t.request('POST', `/agent-accounts/${account.body.id}/top-ups`, { token: org.orgKey, body: { amount: setup.balance ?? 10_000, currency } });
    if (top.status !== 201) throw new Error(`top-up failed: ${top.text}`);
  }
  const policy = await t.request('POST', '/policies', {
    token: org.orgKey,
    body: { agent_account_id: account.body.id, name: 'marketplace', currency, vendor_allowlist: agentIds, per_tx_cap: 5_000, daily_limit: 100_000, ...setup.policy },
  });
  if (policy.status !== 201) throw new Error(`policy failed: ${policy.text}`);
  return { org, agentAccountId: account.body.id, agentKey: account.body.api_key, policyId: policy.body.id };
}

export async function deploy(t: Requester, who: PayerFixture, agentId: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('POST', `/agents/${agentId}/deploy`, { token: who.org.orgKey, body: { agent_account_id: who.agentAccountId, policy_id: who.policyId, ...body } });
  if (res.status !== 201) throw new Error(`deploy failed: ${res.text}`);
  return res.body.deployment_id;
}

/** A worker on the test app's database with a real sandbox; tests drive it with `drain()`. */
export function testWorker(t: TestApp, sandbox: Sandbox, capabilities: CapabilityHandlers = {}): ExecutionWorker {
  return new ExecutionWorker(t.appCtx, sandbox, capabilities);
}

export function newSandbox(): Sandbox {
  return createSandbox();
}

export async function walletBalance(t: Requester, who: PayerFixture, currency = 'USD'): Promise<number> {
  const res = await t.request('GET', `/agent-accounts/${who.agentAccountId}`, { token: who.org.orgKey });
  const wallet = (res.body.wallet.balances as { currency: string; balance: number }[]).find((b) => b.currency === currency);
  return wallet?.balance ?? 0;
}

/** Balance of the marketplace accounts of a type (developer_payable, platform_revenue) for an owner ref prefix. */
export async function marketplaceBalance(source: TestApp | SqlReader, type: 'developer_payable' | 'platform_revenue', ownerPrefix: string): Promise<number> {
  const [row] = await sqlReaderOf(source)`select coalesce(sum(balance), 0)::text as total from ledger_accounts where type = ${type} and owner_ref like ${`${ownerPrefix}%`}`;
  return Number(row?.total ?? 0);
}

/** The captures and releases naming a payment's hold resolve exactly what it held. */
export async function expectExecutionHoldResolved(source: TestApp | SqlReader, paymentId: string): Promise<void> {
  const [row] = await sqlReaderOf(source)`
    select (select sum(p.amount) from postings p where p.transfer_id = h.id and p.amount > 0)::text as held,
           (select coalesce(sum(p.amount), 0) from transfers r join postings p on p.transfer_id = r.id where r.hold_transfer_id = h.id and p.amount > 0)::text as resolved
    from transfers h where h.kind = 'payment_hold' and h.reference = ${paymentId}`;
  expect(row, `no hold for ${paymentId}`).toBeDefined();
  expect(Number(row!.resolved)).toBe(Number(row!.held));
}
