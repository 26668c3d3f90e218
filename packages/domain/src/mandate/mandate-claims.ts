import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { isCurrencyCode } from '../money/currencies.ts';
import { assertMinorAmount } from '../money/money.ts';

/** What a mandate authorises: one payment of `amount` to `vendor`, until `exp` (seconds). */
export type MandateClaims = {
  mandate_id: string;
  intent_id: string;
  agent_account_id: string;
  org_id: string;
  vendor: string;
  amount: number;
  currency: string;
  policy_id: string;
  policy_version: number;
  nonce: string;
  iat: number;
  exp: number;
};

export type MandateClaimsInput = Omit<MandateClaims, 'iat' | 'exp' | 'nonce'> & {
  issuedAt: Date;
  ttlSeconds: number;
  nonce: string;
};

const positiveInt = z.number().int().positive();

/** The claims' shape, checked again on every verified payload before anyone trusts it. */
export const MandateClaimsSchema = z.object({
  mandate_id: z.string().min(1),
  intent_id: z.string().min(1),
  agent_account_id: z.string().min(1),
  org_id: z.string().min(1),
  vendor: z.string().min(1),
  amount: positiveInt,
  currency: z.string().refine(isCurrencyCode),
  policy_id: z.string().min(1),
  policy_version: positiveInt,
  nonce: z.string().min(1),
  iat: positiveInt,
  exp: positiveInt,
});

export function buildMandateClaims(input: MandateClaimsInput): MandateClaims {
  const { issuedAt, ttlSeconds, ...rest } = input;
  assertMinorAmount(rest.amount);
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new DomainError('invalid_mandate_claims', 'ttlSeconds must be a positive whole number of seconds', { ttlSeconds });
  }
  const iat = Math.floor(issuedAt.getTime() / 1000);
  const parsed = MandateClaimsSchema.safeParse({ ...rest, iat, exp: iat + ttlSeconds });
  if (!parsed.success) {
    throw new DomainError('invalid_mandate_claims', 'the mandate claims are incomplete or malformed', {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}
