import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { DomainError } from '../errors.ts';

export type SigningKey = { kid: string; privateKey: KeyObject; publicJwk: JWK };

const SEED_BYTES = 32;
// PKCS#8 DER header for an Ed25519 private key (RFC 8410); the 32-byte seed follows it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const BASE64URL_SEED = /^[A-Za-z0-9_-]{43}$/;

export function generateSigningSeed(): string {
  return randomBytes(SEED_BYTES).toString('base64url');
}

/** The seed's bytes, or null unless it is exactly 32 bytes in canonical unpadded base64url. */
function decodeSeed(seed: string): Buffer | null {
  if (typeof seed !== 'string' || !BASE64URL_SEED.test(seed)) return null;
  const bytes = Buffer.from(seed, 'base64url');
  // Node ignores stray trailing bits; a re-encode that differs means the seed was not canonical.
  return bytes.length === SEED_BYTES && bytes.toString('base64url') === seed ? bytes : null;
}

/** Well-formed and not an obvious placeholder such as 32 zero bytes. */
export function isStrongSeed(seed: string): boolean {
  const bytes = decodeSeed(seed);
  return bytes !== null && bytes.some((byte) => byte !== bytes[0]);
}

export async function signingKeyFromSeed(seed: string): Promise<SigningKey> {
  const bytes = decodeSeed(seed);
  if (!bytes) {
    throw new DomainError('invalid_signing_key', 'the signing key must be a base64url-encoded 32-byte Ed25519 seed');
  }
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, bytes]), format: 'der', type: 'pkcs8' });
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  const thumbprintInput: JWK = { kty: 'OKP', crv: 'Ed25519', x };
  const kid = await calculateJwkThumbprint(thumbprintInput);
  return { kid, privateKey, publicJwk: { ...thumbprintInput, kid, alg: 'EdDSA', use: 'sig' } };
}
