import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildMandateClaims, DomainError, signMandate } from '@frameos/domain';
import type { Tx } from '@frameos/db';
import type { AppContext, RequestContext } from '../lib/context.ts';
import { newId } from '../lib/ids.ts';
import { signup } from '../modules/auth/auth.service.ts';
import { findUserByEmail } from '../modules/auth/auth.repo.ts';
import { createAgentAccount, topUpWallet } from '../modules/agent-accounts/agent-accounts.service.ts';
import { createVendor } from '../modules/vendors/vendors.service.ts';
import { insertVendor } from '../modules/vendors/vendors.repo.ts';
import { createPolicy } from '../modules/policies/policies.service.ts';
import { createIntent } from '../modules/intents/intents.service.ts';
import { insertIntent } from '../modules/intents/intents.repo.ts';
import { createMandate } from '../modules/mandates/mandates.service.ts';
import { insertMandate } from '../modules/mandates/mandates.repo.ts';
import { insertPayment } from '../modules/payments/payments.repo.ts';
import { ensureLedgerAccount, lockLedgerAccount, postTransfer } from '../modules/ledger/ledger.service.ts';
import { appendReceipt } from '../modules/receipts/receipts.service.ts';

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
}

function credentialsFile(appCtx: AppContext) {
  return join(appCtx.config.dataDir, 'demo-credentials.json');
}

/** Idempotent: seeds once, and afterwards returns what the first run recorded. */
export async function ensureDemoData(appCtx: AppContext): Promise<DemoCredentials | { email: string; password: string; note: string }> {
  const file = credentialsFile(appCtx);
  if (await findUserByEmail(appCtx.database.db, DEMO_EMAIL)) {
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
  const org = await signup({ ...appCtx.database, db: tx }, { email: DEMO_EMAIL, password: DEMO_PASSWORD, org_name: 'Demo Org' }, now);
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
  // The two x402 vendors of the plan: HTTP endpoints that answer 402 Payment Required.
  await insertVendor(tx, { id: newId('vendor'), orgId: org.org_id, vendorId: 'weather_x402', name: 'Weather data (x402)', rail: 'x402', settings: { endpoint_url: 'http://localhost:4021/weather', asset: '0x036CbD53842c5426634e7929541eC2318f3dCF7e' }, createdAt: now });
  await insertVendor(tx, { id: newId('vendor'), orgId: org.org_id, vendorId: 'search_x402', name: 'Web search (x402)', rail: 'x402', settings: { endpoint_url: 'http://localhost:4021/search', asset: '0x036CbD53842c5426634e7929541eC2318f3dCF7e' }, createdAt: now });

  const lowPolicy = await createPolicy(admin, { agent_account_id: low.id, name: 'Research: everyday APIs', currency: 'INR', vendor_allowlist: ['acme_api', 'weather_x402', 'search_x402'], per_tx_cap: 50_000, daily_limit: 200_000 });
  const mediumPolicy = await createPolicy(admin, { agent_account_id: medium.id, name: 'Procurement: approval over 100.00', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 20_000, daily_limit: 100_000, approval_threshold: 10_000 });
  const highPolicy = await createPolicy(admin, {
    agent_account_id: high.id, name: 'Trading: office hours only', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 5_000, daily_limit: 20_000,
    time_window: { start: '09:00', end: '18:00', timezone: 'Asia/Kolkata', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
  });

  // Three past x402 payments on the research agent's chain: settled, pending, failed (5 receipts).
  const history = { tx, appCtx, orgId: org.org_id, agentId: low.id, policyId: lowPolicy.id };
  await recordPastPayment(history, 'weather_x402', 12_000, ['pending', 'settled'], new Date(now.getTime() - 3 * HOUR_MS));
  await recordPastPayment(history, 'search_x402', 4_500, ['pending'], new Date(now.getTime() - 2 * HOUR_MS));
  await recordPastPayment(history, 'weather_x402', 8_000, ['pending', 'failed'], new Date(now.getTime() - HOUR_MS));

  const lowAgent = ctx(now, { type: 'agent', keyId: 'seed', orgId: org.org_id, agentAccountId: low.id });
  const openIntent = await createIntent(lowAgent, { vendor: 'acme_api', amount: 19_900, currency: 'INR', description: 'Acme API credits' });
  const active = await createMandate(lowAgent, { intent_id: openIntent.id, policy_id: lowPolicy.id, ttl_seconds: 86_400 });
  const past = new Date(now.getTime() - 2 * HOUR_MS);
  const mediumAgent = ctx(past, { type: 'agent', keyId: 'seed', orgId: org.org_id, agentAccountId: medium.id });
  const staleIntent = await createIntent(mediumAgent, { vendor: 'acme_api', amount: 5_000, currency: 'INR', description: 'Office supplies quote' });
  const expired = await createMandate(mediumAgent, { intent_id: staleIntent.id, policy_id: mediumPolicy.id, ttl_seconds: 900 });

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
  };
}

interface History {
  tx: Tx;
  appCtx: AppContext;
  orgId: string;
  agentId: string;
  policyId: string;
}

/** Writes a payment as the x402 rail would have left it: intent, used mandate, payment, transfer and receipts. */
async function recordPastPayment(h: History, vendor: string, amount: number, steps: ('pending' | 'settled' | 'failed')[], at: Date) {
  const { tx, appCtx, orgId, agentId, policyId } = h;
  const intentId = newId('intent');
  const mandateId = newId('mandate');
  const paymentId = newId('payment');
  const final = steps.at(-1)!;
  await insertIntent(tx, { id: intentId, orgId, agentAccountId: agentId, vendor, amount, currency: 'INR', description: `${vendor} call`, metadata: {}, status: final === 'failed' ? 'failed' : final === 'settled' ? 'succeeded' : 'mandated', createdAt: at });
  const nonce = randomBytes(16).toString('base64url');
  const claims = buildMandateClaims({ mandate_id: mandateId, intent_id: intentId, agent_account_id: agentId, org_id: orgId, vendor, amount, currency: 'INR', policy_id: policyId, policy_version: 1, issuedAt: at, ttlSeconds: 900, nonce });
  await insertMandate(tx, {
    id: mandateId, orgId, intentId, agentAccountId: agentId, policyId, policyVersion: 1, vendor, amount, currency: 'INR', status: 'used',
    jws: await signMandate(claims, appCtx.signingKey), nonce, issuedAt: at, expiresAt: new Date(claims.exp * 1000), usedAt: at, createdAt: at,
  });
  let transferId: string | null = null;
  if (final === 'settled') {
    const wallet = await lockLedgerAccount(tx, { orgId, type: 'agent_wallet', ownerRef: agentId, currency: 'INR' });
    const payable = await ensureLedgerAccount(tx, { orgId, type: 'vendor_payable', ownerRef: vendor, currency: 'INR' }, at);
    transferId = await postTransfer(tx, { orgId, kind: 'payment', reference: paymentId, fromAccountId: wallet!.id, toAccountId: payable.id, money: { amount, currency: 'INR' }, now: at });
  }
  await insertPayment(tx, {
    id: paymentId, orgId, mandateId, intentId, agentAccountId: agentId, policyId, vendor, rail: 'x402', amount, currency: 'INR', status: final, transferId,
    failureCode: final === 'failed' ? 'vendor_declined' : null, createdAt: at, settledAt: final === 'settled' ? at : null,
  });
  for (const step of steps) {
    await appendReceipt(tx, appCtx, {
      orgId, agentAccountId: agentId, event: `payment.${step}`,
      payment: { id: paymentId, mandateId, intentId, vendor, rail: 'x402', amount, currency: 'INR', status: step, transferId: step === 'settled' ? transferId : null },
    }, at);
  }
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
    lines.push('(demo credentials are for local test mode only; they are kept in the data dir, demo-credentials.json)');
  } else {
    lines.push(creds.note);
  }
  console.log(lines.join('\n'));
}
