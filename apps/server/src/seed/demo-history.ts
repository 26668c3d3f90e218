import type { Tx } from '@frameos/db';
import type { AppContext, RequestContext } from '../context.ts';
import type { RailAdapter, RailPaymentResult } from '../modules/rails/rail-adapter.ts';
import { createRailRegistry } from '../modules/rails/rails.registry.ts';
import { topUpWallet } from '../modules/agent-accounts/agent-accounts.service.ts';
import { createVendor } from '../modules/vendors/vendors.service.ts';
import { createPolicy } from '../modules/policies/policies.service.ts';
import { createIntent } from '../modules/intents/intents.service.ts';
import { createMandate } from '../modules/mandates/mandates.service.ts';
import { executeMandate } from '../modules/payments/payments.service.ts';

const HOUR_MS = 3_600_000;
/** Base Sepolia USDC: what the demo x402 vendors would be paid in. */
const DEMO_USDC = '0x036CbD53842c5426634e7929541eC2318f3dCF7e';

/**
 * The x402 answers the demo history needs, in order. The demo has no chain and no vendor servers, so
 * the history is made by the real execute path with this adapter standing in for the network: every
 * hold, release, transfer, receipt and state change is the one a real x402 payment makes.
 */
function scriptedX402Rail(answers: RailPaymentResult[]): RailAdapter {
  return {
    name: 'x402',
    currencies: ['USD'],
    consistentStatusLookup: true,
    charge: async () => answers.shift() ?? { outcome: 'unknown', message: 'no scripted answer left' },
    status: async () => ({ outcome: 'unknown', message: 'the demo history has no chain to ask' }),
    refund: async () => ({ outcome: 'failed', code: 'refund_not_supported', message: 'x402 payments cannot be refunded' }),
  };
}

export interface DemoHistoryTarget {
  tx: Tx;
  orgId: string;
  agentAccountId: string;
  now: Date;
}

/**
 * Two x402 vendors, the research agent's USD policy for them, and three past x402 payments made
 * through POST /execute's own code: one settled, one still pending, one failed (its funds released
 * and its mandate usable again until it expired) — five receipts on the agent's chain.
 */
export async function recordDemoHistory(appCtx: AppContext, target: DemoHistoryTarget): Promise<void> {
  const tx1 = '0x' + 'a1'.repeat(32);
  const tx2 = '0x' + 'b2'.repeat(32);
  const answers: RailPaymentResult[] = [
    { outcome: 'settled', reference: tx1 },
    { outcome: 'pending', reference: tx2 },
    { outcome: 'failed', reference: null, code: 'x402_payment_refused', message: 'the vendor refused the payment; nothing was charged' },
  ];
  const app: AppContext = { ...appCtx, rails: createRailRegistry(appCtx.config.rails, appCtx.config.railResilience, { x402: scriptedX402Rail(answers) }) };
  const ctx = (at: Date, principal: RequestContext['principal']): RequestContext => ({ app, db: target.tx, principal, ip: '127.0.0.1', now: at, idempotency: null });
  const admin = ctx(target.now, { type: 'org_key', keyId: 'seed', orgId: target.orgId });
  const agentAt = (at: Date) => ctx(at, { type: 'agent', keyId: 'seed', orgId: target.orgId, agentAccountId: target.agentAccountId });

  await createVendor(admin, { vendor_id: 'weather_x402', name: 'Weather data (x402)', rail: 'x402', settings: { endpoint_url: 'http://localhost:4021/weather', asset: DEMO_USDC } });
  await createVendor(admin, { vendor_id: 'search_x402', name: 'Web search (x402)', rail: 'x402', settings: { endpoint_url: 'http://localhost:4021/search', asset: DEMO_USDC } });
  const policy = await createPolicy(admin, { agent_account_id: target.agentAccountId, name: 'Research: x402 data feeds (USD)', currency: 'USD', vendor_allowlist: ['weather_x402', 'search_x402'], per_tx_cap: 2_500, daily_limit: 10_000 });
  await topUpWallet(ctx(new Date(target.now.getTime() - 4 * HOUR_MS), admin.principal), target.agentAccountId, { amount: 100_000, currency: 'USD' });

  const past: [string, number, number][] = [['weather_x402', 1_200, 3], ['search_x402', 450, 2], ['weather_x402', 800, 1]];
  for (const [vendor, amount, hoursAgo] of past) {
    const at = agentAt(new Date(target.now.getTime() - hoursAgo * HOUR_MS));
    const intent = await createIntent(at, { vendor, amount, currency: 'USD', description: `${vendor} call` });
    const mandate = await createMandate(at, { intent_id: intent.id, policy_id: policy.id });
    await executeMandate(at, mandate.id);
  }
}
