import { DomainError } from '../errors.ts';

/** 100 % in basis points. */
export const BASIS_POINTS = 10_000;

/**
 * How a marketplace capture is split: the platform's fee is floor(amount × bps / 10 000), the
 * developer gets the rest, so the two always add up to the amount exactly. Computed in BigInt: the
 * product can pass 2^53 for large amounts even when both factors are exact.
 */
export function splitMarketplaceCapture(amount: number, feeBps: number): { developer: number; platform: number } {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new DomainError('invalid_transfer', `a capture of ${amount} is not a non-negative whole number of minor units`);
  if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > BASIS_POINTS) throw new DomainError('invalid_transfer', `a platform fee of ${feeBps} basis points is outside 0..${BASIS_POINTS}`);
  const platform = Number((BigInt(amount) * BigInt(feeBps)) / BigInt(BASIS_POINTS));
  return { developer: amount - platform, platform };
}

/** What a pay_per_use run costs: units × unit price, refused when it would pass the hold. */
export function usageCost(units: number, unitPrice: number): number {
  const cost = BigInt(units) * BigInt(unitPrice);
  if (cost > BigInt(Number.MAX_SAFE_INTEGER)) throw new DomainError('amount_overflow', `${units} units of ${unitPrice} is more than FrameOS holds exactly`);
  return Number(cost);
}
