import { describe, expect, it } from 'vitest';
import { buildMandateClaims, MandateClaimsSchema } from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';
import { claimsInput } from './fixtures.ts';

describe('buildMandateClaims', () => {
  it('copies the input and sets iat and exp in whole seconds', () => {
    const { issuedAt: _issuedAt, ttlSeconds: _ttl, ...rest } = claimsInput;
    expect(buildMandateClaims(claimsInput)).toEqual({
      ...rest,
      iat: Date.UTC(2026, 2, 2, 6, 30, 0) / 1000,
      exp: Date.UTC(2026, 2, 2, 6, 35, 0) / 1000,
    });
  });

  it('rounds iat down, so a mandate never claims to be issued later than it was', () => {
    const claims = buildMandateClaims({ ...claimsInput, issuedAt: new Date('2026-03-02T06:30:00.999Z'), ttlSeconds: 1 });
    expect(claims.iat).toBe(Date.UTC(2026, 2, 2, 6, 30, 0) / 1000);
    expect(claims.exp).toBe(claims.iat + 1);
  });

  it('drops fields that are not claims', () => {
    const claims = buildMandateClaims({ ...claimsInput, extra: 'x' } as typeof claimsInput);
    expect(claims).not.toHaveProperty('extra');
    expect(claims).not.toHaveProperty('issuedAt');
  });

  it.each([0, -1, 1.5, Number.NaN])('throws invalid_mandate_claims for a ttl of %d seconds', (ttlSeconds) => {
    expectDomainError(() => buildMandateClaims({ ...claimsInput, ttlSeconds }), 'invalid_mandate_claims');
  });

  it.each([0, -5, 2.5])('throws invalid_amount for an amount of %d', (amount) => {
    expectDomainError(() => buildMandateClaims({ ...claimsInput, amount }), 'invalid_amount');
  });

  it('throws invalid_mandate_claims naming each bad field', () => {
    const error = expectDomainError(
      () => buildMandateClaims({ ...claimsInput, currency: 'ABC', vendor: '', policy_version: 0 }),
      'invalid_mandate_claims',
    );
    expect((error.details.issues as { path: string }[]).map((issue) => issue.path).sort()).toEqual([
      'currency',
      'policy_version',
      'vendor',
    ]);
  });
});

describe('MandateClaimsSchema', () => {
  it('accepts built claims', () => {
    expect(MandateClaimsSchema.safeParse(buildMandateClaims(claimsInput)).success).toBe(true);
  });

  it('refuses claims with a missing field', () => {
    const { nonce: _nonce, ...withoutNonce } = buildMandateClaims(claimsInput);
    expect(MandateClaimsSchema.safeParse(withoutNonce).success).toBe(false);
  });
});
