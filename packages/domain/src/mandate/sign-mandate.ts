import { createLocalJWKSet, errors, jwtVerify, SignJWT, type JWK } from 'jose';
import { DomainError } from '../errors.ts';
import { MandateClaimsSchema, type MandateClaims } from './mandate-claims.ts';
import type { SigningKey } from './signing-key.ts';

const ISSUER = 'frameos';
// A distinct `typ` stops any other JWS this issuer signs from being replayed as a mandate.
const MANDATE_TYP = 'mandate+jws';

export async function signMandate(claims: MandateClaims, key: SigningKey): Promise<string> {
  return new SignJWT({ ...claims, iss: ISSUER, sub: claims.agent_account_id, aud: claims.vendor, jti: claims.mandate_id })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: MANDATE_TYP })
    .sign(key.privateKey);
}

function invalid(reason: string): DomainError {
  return new DomainError('mandate_invalid', `the mandate does not verify: ${reason}`);
}

/**
 * The mandate's claims if it was signed by one of `keys` (picked by `kid`, so rotated-out keys
 * can stay in the set) and has not expired at `now`; exp is exclusive, with no clock tolerance.
 */
export async function verifyMandate(jws: string, keys: readonly JWK[], now: Date): Promise<MandateClaims> {
  let payload: Record<string, unknown>;
  try {
    const keySet = createLocalJWKSet({ keys: [...keys] });
    ({ payload } = await jwtVerify(jws, keySet, {
      algorithms: ['EdDSA'],
      issuer: ISSUER,
      typ: MANDATE_TYP,
      currentDate: now,
      clockTolerance: 0,
      requiredClaims: ['exp', 'iat', 'sub', 'aud', 'jti'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new DomainError('mandate_expired', 'the mandate has expired');
    throw invalid(error instanceof Error ? error.message : 'unreadable');
  }
  const claims = MandateClaimsSchema.safeParse(payload);
  if (!claims.success) throw invalid('the claims are malformed');
  const { agent_account_id, vendor, mandate_id } = claims.data;
  if (payload.sub !== agent_account_id || payload.aud !== vendor || payload.jti !== mandate_id) {
    throw invalid('the registered claims disagree with the mandate claims');
  }
  return claims.data;
}
