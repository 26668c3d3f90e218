import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { JWK } from 'jose';
import { DomainError } from '../errors.ts';
import type { SigningKey } from '../mandate/signing-key.ts';

/** The prev_hash of the first receipt in every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * SHA-256 (lowercase hex) of the RFC 8785 canonical JSON of the receipt without its own `hash`
 * and `signature`, so anyone holding the JSON can recompute it in any language.
 */
export function receiptHash(receipt: Record<string, unknown>): string {
  const { hash: _hash, signature: _signature, ...content } = receipt;
  let json: string | undefined;
  try {
    json = canonicalize(content);
  } catch (error) {
    throw new DomainError('invalid_receipt', `the receipt cannot be canonicalized: ${(error as Error).message}`);
  }
  if (json === undefined) throw new DomainError('invalid_receipt', 'the receipt cannot be canonicalized');
  return createHash('sha256').update(json, 'utf8').digest('hex');
}

/** Ed25519 over the hash's ASCII hex text, base64url: what a third party verifies with the JWKS. */
export function signReceiptHash(hash: string, key: SigningKey): string {
  return sign(null, Buffer.from(hash, 'ascii'), key.privateKey).toString('base64url');
}

export function verifyReceiptSignature(hash: string, signature: string, publicJwk: JWK): boolean {
  if (publicJwk.kty !== 'OKP' || publicJwk.crv !== 'Ed25519' || typeof publicJwk.x !== 'string') return false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x }, format: 'jwk' });
    return verify(null, Buffer.from(hash, 'ascii'), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
