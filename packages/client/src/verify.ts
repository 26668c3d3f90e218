import { verifyMandate as verifyMandateJws, verifyReceiptChain as verifyChainLinks, verifyReceiptSignature, DomainError, type ChainReceipt } from '@frameos/domain';
import type { JWK } from 'jose';
import { FrameOSError } from './errors.ts';

/** A JWKS as served at /.well-known/jwks.json, or just its keys. */
export type Jwks = { keys: readonly JWK[] } | readonly JWK[];

const keysOf = (jwks: Jwks): readonly JWK[] => (Array.isArray(jwks) ? jwks : (jwks as { keys: readonly JWK[] }).keys);

/**
 * Checks a mandate offline: the Ed25519 signature against the JWKS, issuer, type and expiry, and that
 * its registered claims agree with the mandate's own. Returns the claims; throws a FrameOSError with
 * code `mandate_expired` or `mandate_invalid`.
 */
export async function verifyMandate(jws: string, jwks: Jwks, now: Date = new Date()) {
  try {
    return await verifyMandateJws(jws, keysOf(jwks), now);
  } catch (err) {
    if (err instanceof DomainError) throw new FrameOSError(0, err.code, err.message);
    throw err;
  }
}

export interface ChainCheck {
  valid: boolean;
  length: number;
  head_hash: string;
  /** The first seq whose hash, link or signature fails (null when the chain is whole). */
  first_invalid_seq: number | null;
}

/**
 * Checks a receipt chain offline, as `GET /receipts/verify` does on the server: consecutive seqs from
 * 1, each prev_hash the previous hash, each hash the SHA-256 of the RFC 8785 JSON, and each signature
 * against the JWKS key its `signing_kid` names.
 */
export function verifyReceiptChain(receipts: readonly Record<string, unknown>[], jwks: Jwks): ChainCheck {
  const links = verifyChainLinks(receipts as readonly ChainReceipt[]);
  const keys = keysOf(jwks);
  const sorted = [...(receipts as readonly ChainReceipt[])].sort((a, b) => a.seq - b.seq);
  const badSignature = sorted.find((r) => {
    const jwk = keys.find((k) => k.kid === r.signing_kid);
    return !jwk || typeof r.signature !== 'string' || !verifyReceiptSignature(r.hash, r.signature, jwk);
  });
  const firstInvalid = [links.first_invalid_seq, badSignature?.seq ?? null].filter((s): s is number => s !== null).sort((a, b) => a - b)[0] ?? null;
  return { valid: firstInvalid === null, length: links.length, head_hash: links.head_hash, first_invalid_seq: firstInvalid };
}
