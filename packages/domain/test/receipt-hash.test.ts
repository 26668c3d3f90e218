import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  generateSigningSeed,
  receiptHash,
  signingKeyFromSeed,
  signReceiptHash,
  verifyReceiptSignature,
} from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';

const receipt = {
  seq: 1,
  prev_hash: GENESIS_HASH,
  payment_id: 'pay_01JNQ8ZK3W7Y5V2T1R0P9M8N7B',
  amount: 25_000,
  currency: 'INR',
  vendor: 'openai',
  meta: { note: 'café ☕', tags: ['b', 'a'] },
};

const key = await signingKeyFromSeed(generateSigningSeed());
const otherKey = await signingKeyFromSeed(generateSigningSeed());

describe('GENESIS_HASH', () => {
  it('is 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0000000000000000000000000000000000000000000000000000000000000000');
  });
});

describe('receiptHash', () => {
  it('is the SHA-256 hex of the RFC 8785 canonical JSON', () => {
    // Keys sorted by UTF-16 code units, no whitespace, UTF-8 text as is.
    const canonical =
      '{"amount":25000,"currency":"INR","meta":{"note":"café ☕","tags":["b","a"]},' +
      `"payment_id":"pay_01JNQ8ZK3W7Y5V2T1R0P9M8N7B","prev_hash":"${GENESIS_HASH}","seq":1,"vendor":"openai"}`;
    expect(receiptHash(receipt)).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
  });

  it('returns 64 lowercase hex characters', () => {
    expect(receiptHash(receipt)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order', () => {
    const reversed = Object.fromEntries(Object.entries(receipt).reverse());
    expect(receiptHash(reversed)).toBe(receiptHash(receipt));
  });

  it('leaves out the top-level hash and signature', () => {
    expect(receiptHash({ ...receipt, hash: 'abc', signature: 'xyz' })).toBe(receiptHash(receipt));
  });

  it('keeps a nested hash or signature, which is content', () => {
    expect(receiptHash({ ...receipt, meta: { ...receipt.meta, hash: 'abc' } })).not.toBe(receiptHash(receipt));
  });

  it('changes when any field changes by one minor unit', () => {
    expect(receiptHash({ ...receipt, amount: 25_001 })).not.toBe(receiptHash(receipt));
  });

  it('serialises numbers the ECMAScript way, as RFC 8785 requires', () => {
    const canonical = '{"big":1e+21,"neg":0,"tiny":1e-7}';
    expect(receiptHash({ tiny: 0.0000001, big: 1e21, neg: -0 })).toBe(createHash('sha256').update(canonical).digest('hex'));
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a BigInt', 10n],
  ])('throws invalid_receipt for %s, which has no JSON form', (_label, value) => {
    expectDomainError(() => receiptHash({ ...receipt, amount: value }), 'invalid_receipt');
  });
});

describe('receipt signatures', () => {
  const hash = receiptHash(receipt);

  it('signs the hash so that the public JWK verifies it', () => {
    const signature = signReceiptHash(hash, key);
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyReceiptSignature(hash, signature, key.publicJwk)).toBe(true);
  });

  it('is deterministic (Ed25519)', () => {
    expect(signReceiptHash(hash, key)).toBe(signReceiptHash(hash, key));
  });

  it('does not verify for another hash', () => {
    const signature = signReceiptHash(hash, key);
    expect(verifyReceiptSignature(receiptHash({ ...receipt, amount: 1 }), signature, key.publicJwk)).toBe(false);
  });

  it('does not verify with another key', () => {
    expect(verifyReceiptSignature(hash, signReceiptHash(hash, key), otherKey.publicJwk)).toBe(false);
  });

  it('does not verify a signature with one bit flipped', () => {
    const bytes = Buffer.from(signReceiptHash(hash, key), 'base64url');
    bytes[10] = (bytes[10] ?? 0) ^ 0x80;
    expect(verifyReceiptSignature(hash, bytes.toString('base64url'), key.publicJwk)).toBe(false);
  });

  it.each(['', 'not base64', 'AAAA'])('returns false for the malformed signature %j', (signature) => {
    expect(verifyReceiptSignature(hash, signature, key.publicJwk)).toBe(false);
  });

  it('returns false for a key that is not an Ed25519 public JWK', () => {
    const signature = signReceiptHash(hash, key);
    expect(verifyReceiptSignature(hash, signature, { ...key.publicJwk, crv: 'X25519' })).toBe(false);
    expect(verifyReceiptSignature(hash, signature, { kty: 'RSA', n: 'AQAB', e: 'AQAB' })).toBe(false);
    expect(verifyReceiptSignature(hash, signature, { kty: 'OKP', crv: 'Ed25519' })).toBe(false);
    expect(verifyReceiptSignature(hash, signature, { kty: 'OKP', crv: 'Ed25519', x: 'short' })).toBe(false);
  });
});
