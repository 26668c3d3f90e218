/**
 * What we agree to pay: the x402 vendor's settings as FrameOS stores them, and the policy that picks one
 * of the `accepts` options of a `402 Payment Required` (or explains why none is acceptable).
 */
import type { PaymentRequired, PaymentRequirements } from '@x402/core/types';
import { isAddress, type Address } from 'viem';
import { RailError } from '../rail-adapter.ts';

export const X402_VERSION = 2;
const DEFAULT_ASSET_DECIMALS = 6;

export interface VendorSettings {
  endpointUrl: string;
  method: string;
  payTo: string | null;
  asset: Address;
  decimals: number;
}

function notConfigured(message: string): RailError {
  return new RailError('vendor_not_configured', message, false);
}

export function readVendorSettings(settings: Record<string, unknown>): VendorSettings {
  const endpointUrl = settings['endpoint_url'];
  if (typeof endpointUrl !== 'string' || !URL.canParse(endpointUrl)) throw notConfigured('x402 vendor has no valid endpoint_url');
  const asset = settings['asset'];
  if (typeof asset !== 'string' || !isAddress(asset, { strict: false })) throw notConfigured('x402 vendor has no valid asset (token contract address)');
  const method = settings['method'] ?? 'GET';
  if (typeof method !== 'string' || !/^[A-Z]+$/i.test(method)) throw notConfigured('x402 vendor method must be an HTTP method such as GET or POST');
  const payTo = settings['pay_to'] ?? null;
  if (payTo !== null && (typeof payTo !== 'string' || payTo === '')) throw notConfigured('x402 vendor pay_to must be an address');
  const decimals = settings['asset_decimals'] ?? DEFAULT_ASSET_DECIMALS;
  if (typeof decimals !== 'number' || !Number.isInteger(decimals) || decimals < 0 || decimals > 36) {
    throw notConfigured('x402 vendor asset_decimals must be an integer from 0 to 36');
  }
  return { endpointUrl, method: method.toUpperCase(), payTo, asset, decimals };
}

export interface Policy {
  network: string;
  asset: string;
  payTo: string | null;
  capAtomic: bigint;
  /** Atomic units per cent: the ledger records whole cents, so a price must be a whole number of them. */
  atomicPerCent: bigint;
}

export const sameAddress = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Why we will not pay this option, or null when our policy allows it. */
function refusalReason(option: PaymentRequirements, policy: Policy): string | null {
  if (typeof option !== 'object' || option === null) return 'not a payment option';
  if (option.scheme !== 'exact') return `scheme ${option.scheme} is not exact`;
  if (option.network !== policy.network) return `network ${option.network} is not ${policy.network}`;
  if (typeof option.asset !== 'string' || !sameAddress(option.asset, policy.asset)) return `asset ${option.asset} is not ${policy.asset}`;
  if (typeof option.payTo !== 'string' || !isAddress(option.payTo, { strict: false })) return `payTo ${option.payTo} is not an address`;
  if (policy.payTo !== null && !sameAddress(option.payTo, policy.payTo)) return `payTo ${option.payTo} is not the vendor's ${policy.payTo}`;
  if (typeof option.amount !== 'string' || !/^[1-9]\d*$/.test(option.amount)) return `amount ${option.amount} is not a positive integer`;
  if (BigInt(option.amount) > policy.capAtomic) return `amount ${option.amount} exceeds the mandate's ${policy.capAtomic} atomic units`;
  if (BigInt(option.amount) % policy.atomicPerCent !== 0n) return `amount ${option.amount} is not a whole number of cents, which the ledger could not record exactly`;
  const transfer = option.extra?.['assetTransferMethod'];
  if (transfer !== undefined && transfer !== 'eip3009') return `asset transfer method ${String(transfer)} is not eip3009`;
  if (typeof option.extra?.['name'] !== 'string' || typeof option.extra?.['version'] !== 'string') return 'the token EIP-712 domain (extra.name, extra.version) is missing';
  return null;
}

export function sameOption(a: PaymentRequirements, b: PaymentRequirements): boolean {
  return a.scheme === b.scheme && a.network === b.network && a.amount === b.amount && sameAddress(a.asset, b.asset) && sameAddress(a.payTo, b.payTo);
}

/** The cheapest option our policy allows (the vendor's order breaks ties), or why none is. */
export function chooseRequirement(offer: PaymentRequired, policy: Policy): { chosen: PaymentRequirements } | { why: string } {
  if (offer.x402Version !== X402_VERSION) return { why: `x402 version ${offer.x402Version} is not supported (only ${X402_VERSION})` };
  const accepts = Array.isArray(offer.accepts) ? offer.accepts : [];
  const reasons: string[] = [];
  let chosen: PaymentRequirements | null = null;
  accepts.forEach((option, index) => {
    const reason = refusalReason(option, policy);
    if (reason) reasons.push(`[${index}] ${reason}`);
    else if (!chosen || BigInt(option.amount) < BigInt(chosen.amount)) chosen = option;
  });
  if (chosen) return { chosen };
  return { why: accepts.length === 0 ? 'the vendor offered no payment options' : `no payment option is acceptable: ${reasons.join('; ')}` };
}
