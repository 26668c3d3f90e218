import type { RailsConfig, ResilienceOptions } from '../../config.ts';
import { RAIL_NAMES, type RailAdapter, type RailName } from './rail-adapter.ts';
import { resilientRail, type ResilientRail } from './resilient-rail.ts';
import { createStripeRail } from './stripe/stripe-rail.ts';
import { createCashfreeRail } from './cashfree/cashfree-rail.ts';
import { createX402Rail } from './x402/x402-rail.ts';

/**
 * The rails this server can pay on. `ledger` is always there and settles inside the payment's own
 * transaction (the transfer is the settlement, no network call), so it has no adapter; the others
 * are provider adapters behind timeouts, retries and a circuit breaker, present only when the
 * operator configured them.
 */
export interface RailRegistry {
  isConfigured(rail: string): boolean;
  /** The external adapter for a configured rail; null for `ledger` and for rails not configured. */
  adapter(rail: string): ResilientRail | null;
  /** Rails whose org must first save its own account (customer, payment method) with PUT /rail-accounts/:rail. */
  needsPayerAccount(rail: string): boolean;
  canRefund(rail: string): boolean;
}

const PAYER_ACCOUNT_RAILS = new Set<string>(['stripe', 'cashfree']);
const NON_REFUNDABLE_RAILS = new Set<string>(['x402']);

export function createRailRegistry(config: RailsConfig, resilience: ResilienceOptions, raw: Partial<Record<RailName, RailAdapter>> = {}): RailRegistry {
  const adapters = new Map<string, ResilientRail>();
  const add = (adapter: RailAdapter) => adapters.set(adapter.name, resilientRail(adapter, resilience));
  const timeoutMs = resilience.timeoutMs;
  if (raw.stripe ?? config.stripe) add(raw.stripe ?? createStripeRail(config.stripe!, { timeoutMs }));
  if (raw.cashfree ?? config.cashfree) add(raw.cashfree ?? createCashfreeRail(config.cashfree!));
  if (raw.x402 ?? config.x402) add(raw.x402 ?? createX402Rail(config.x402!));
  return {
    isConfigured: (rail) => rail === 'ledger' || adapters.has(rail),
    adapter: (rail) => adapters.get(rail) ?? null,
    needsPayerAccount: (rail) => PAYER_ACCOUNT_RAILS.has(rail),
    canRefund: (rail) => (RAIL_NAMES as readonly string[]).includes(rail) && !NON_REFUNDABLE_RAILS.has(rail),
  };
}
