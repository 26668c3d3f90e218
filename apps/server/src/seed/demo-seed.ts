import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '@frameos/domain';
import type { Tx } from '@frameos/db';
import type { AppContext, RequestContext } from '../context.ts';
import { isEmailRegistered, signup } from '../modules/auth/auth.service.ts';
import { createAgentAccount, topUpWallet } from '../modules/agent-accounts/agent-accounts.service.ts';
import { createVendor } from '../modules/vendors/vendors.service.ts';
import { createPolicy } from '../modules/policies/policies.service.ts';
import { createIntent } from '../modules/intents/intents.service.ts';
import { createMandate } from '../modules/mandates/mandates.service.ts';
import { recordDemoHistory } from './demo-history.ts';
import { publishDemoAgents, type DemoMarketplace } from './demo-marketplace.ts';

export const DEMO_EMAIL = 'demo@frameos.dev';
export const DEMO_PASSWORD = 'frameos-demo-password';

export interface DemoCredentials {
  email: string;
  password: string;
  org_id: string;
  org_api_key: string;
  agents: { agent_account_id: string; name: string; risk_tier: string; api_key: string; policy_id: string }[];
  vendors: string[];
  active_mandate_id: string;
  expired_mandate_id: string;
  marketplace: DemoMarketplace;
}

function credentialsFile(appCtx: AppContext) {
  return join(appCtx.config.dataDir, 'demo-credentials.json');
}

/** Idempotent: seeds once, and afterwards returns what the first run recorded. */
export async function ensureDemoData(appCtx: AppContext): Promise<DemoCredentials | { email: string; password: string; note: string }> {
  const file = credentialsFile(appCtx);
  if (await isEmailRegistered(appCtx.database.db, DEMO_EMAIL)) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
    return { email: DEMO_EMAIL, password: DEMO_PASSWORD, note: 'Demo data exists; its API keys were printed when it was first seeded.' };
  }
  let creds: DemoCredentials;
  try {
    creds = await seedDemoData(appCtx);
  } catch (err) {
    // Another process seeded at the same moment (several servers starting on one database).
    if (err instanceof DomainError && err.code === 'email_taken') return { email: DEMO_EMAIL, password: DEMO_PASSWORD, note: 'Demo data was seeded by another process.' };
    throw err;
  }
  mkdirSync(appCtx.config.dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
}

const HOUR_MS = 3_600_000;

/** All or nothing: the whole seed runs in one transaction (each use case nests as a savepoint). */
async function seedDemoData(appCtx: AppContext): Promise<DemoCredentials> {
  return appCtx.database.db.transaction((tx) => seedInto(tx, appCtx));
}

async function seedInto(tx: Tx, appCtx: AppContext): Promise<DemoCredentials> {
  const now = appCtx.clock();
  const org = await signup({ ...appCtx.database, db: tx }, { email: DEMO_EMAIL, password: DEMO_PASSWORD, org_name: 'Demo Org' }, now, appCtx.config.passwordScryptN);
  const ctx = (at: Date, principal?: RequestContext['principal']): RequestContext => ({
    app: appCtx,
    db: tx,
    principal: principal ?? { type: 'org_key', keyId: 'seed', orgId: org.org_id },
    ip: '127.0.0.1',
    now: at,
    idempotency: null,
  });
  const admin = ctx(now);

  const low = await createAgentAccount(admin, { name: 'Research agent', risk_tier: 'LOW' });
  const medium = await createAgentAccount(admin, { name: 'Procurement agent', risk_tier: 'MEDIUM' });
  const high = await createAgentAccount(admin, { name: 'Trading agent', risk_tier: 'HIGH' });
  for (const agent of [low, medium, high]) await topUpWallet(admin, agent.id, { amount: 1_000_000, currency: 'INR' });

  await createVendor(admin, { vendor_id: 'acme_api', name: 'Acme API', rail: 'ledger' });

  const lowPolicy = await createPolicy(admin, { agent_account_id: low.id, name: 'Research: everyday APIs', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 50_000, daily_limit: 200_000 });
  const mediumPolicy = await createPolicy(admin, { agent_account_id: medium.id, name: 'Procurement: approval over 100.00', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 20_000, daily_limit: 100_000, approval_threshold: 10_000 });
  const highPolicy = await createPolicy(admin, {
    agent_account_id: high.id, name: 'Trading: office hours only', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 5_000, daily_limit: 20_000,
    time_window: { start: '09:00', end: '18:00', timezone: 'Asia/Kolkata', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
  });

  // Three past x402 payments on the research agent's chain, made through the real execute path
  // (in USD, the only currency x402 moves): settled, still pending, failed (5 receipts).
  await recordDemoHistory(appCtx, { tx, orgId: org.org_id, agentAccountId: low.id, now });

  const lowAgent = ctx(now, { type: 'agent', keyId: 'seed', orgId: org.org_id, agentAccountId: low.id });
  const openIntent = await createIntent(lowAgent, { vendor: 'acme_api', amount: 19_900, currency: 'INR', description: 'Acme API credits' });
  const active = await createMandate(lowAgent, { intent_id: openIntent.id, policy_id: lowPolicy.id, ttl_seconds: 86_400 });
  const past = new Date(now.getTime() - 2 * HOUR_MS);
  const mediumAgent = ctx(past, { type: 'agent', keyId: 'seed', orgId: org.org_id, agentAccountId: medium.id });
  const staleIntent = await createIntent(mediumAgent, { vendor: 'acme_api', amount: 5_000, currency: 'INR', description: 'Office supplies quote' });
  const expired = await createMandate(mediumAgent, { intent_id: staleIntent.id, policy_id: mediumPolicy.id, ttl_seconds: 900 });

  const marketplace = await publishDemoAgents(appCtx, {
    tx,
    orgId: org.org_id,
    userId: org.user_id,
    agentAccountId: low.id,
    now,
  });

  const agentCreds = [
    { agent: low, policy: lowPolicy },
    { agent: medium, policy: mediumPolicy },
    { agent: high, policy: highPolicy },
  ].map(({ agent, policy }) => ({ agent_account_id: agent.id, name: agent.name, risk_tier: agent.risk_tier, api_key: agent.api_key, policy_id: policy.id }));
  return {
    email: DEMO_EMAIL,
    password: DEMO_PASSWORD,
    org_id: org.org_id,
    org_api_key: org.api_key,
    agents: agentCreds,
    vendors: ['acme_api', 'weather_x402', 'search_x402'],
    active_mandate_id: active.id,
    expired_mandate_id: expired.id,
    marketplace,
  };
}

export function printDemoCredentials(creds: Awaited<ReturnType<typeof ensureDemoData>>, port: number): void {
  const lines = [
    '',
    `FrameOS is running on http://localhost:${port}  (API docs: http://localhost:${port}/docs)`,
    `Demo login: ${creds.email} / ${creds.password}`,
  ];
  if ('org_api_key' in creds) {
    lines.push(`Org key (fos_org_…):  ${creds.org_api_key}`);
    for (const a of creds.agents) lines.push(`Agent ${a.risk_tier.padEnd(6)} ${a.agent_account_id}  key ${a.api_key}  policy ${a.policy_id}`);
    if (creds.marketplace) {
      const m = creds.marketplace;
      lines.push(`Marketplace: ${m.agents.join(', ')} published; ${m.agents[0]} deployed for the LOW agent (deployment ${m.deployment_id}). Run it:`);
      lines.push(`  curl -X POST http://localhost:${port}/agents/${m.agents[0]}/execute -H "Authorization: Bearer ${creds.org_api_key}" -H "Idempotency-Key: run-$(date +%s)" -H "Content-Type: application/json" -d '{"deployment_id":"${m.deployment_id}","inputs":{"name":"Ada"}}'`);
    }
    lines.push('(demo credentials are for local test mode only; they are kept in the data dir, demo-credentials.json)');
  } else {
    lines.push(creds.note);
  }
  console.log(lines.join('\n'));
}
