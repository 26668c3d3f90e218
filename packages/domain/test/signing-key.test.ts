import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningSeed, isStrongSeed, signingKeyFromSeed } from '../src/index.ts';
import { expectDomainErrorAsync } from './expect-domain-error.ts';

// RFC 8032 section 7.1, test 1: a known seed and its public key.
const RFC8032_SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex').toString('base64url');
const RFC8032_PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex').toString('base64url');

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same 32 bytes with one of the two unused trailing bits set, which a lax decoder ignores. */
function withTrailingBitSet(seed: string): string {
  const last = BASE64URL.indexOf(seed.at(-1) ?? '');
  return seed.slice(0, -1) + BASE64URL.charAt(last ^ 1);
}

describe('generateSigningSeed', () => {
  it('returns 32 random bytes as unpadded base64url', () => {
    const seed = generateSigningSeed();
    expect(seed).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(seed, 'base64url')).toHaveLength(32);
    expect(isStrongSeed(seed)).toBe(true);
  });

  it('never returns the same seed twice', () => {
    expect(new Set(Array.from({ length: 50 }, generateSigningSeed)).size).toBe(50);
  });
});

describe('isStrongSeed', () => {
  it('accepts a random 32-byte seed', () => {
    expect(isStrongSeed(RFC8032_SEED)).toBe(true);
  });

  it('refuses a seed that a lax decoder would read as the same bytes', () => {
    const lax = withTrailingBitSet(RFC8032_SEED);
    expect(Buffer.from(lax, 'base64url')).toEqual(Buffer.from(RFC8032_SEED, 'base64url'));
    expect(isStrongSeed(lax)).toBe(false);
  });

  it.each([0x00, 0x41, 0xff])('refuses 32 copies of the byte %i', (byte) => {
    expect(isStrongSeed(Buffer.alloc(32, byte).toString('base64url'))).toBe(false);
  });

  it.each([
    ['31 bytes', Buffer.alloc(31, 7).toString('base64url')],
    ['33 bytes', Buffer.concat([Buffer.from(RFC8032_SEED, 'base64url'), Buffer.from([1])]).toString('base64url')],
    ['padded base64', `${RFC8032_SEED}=`],
    ['standard base64 characters', Buffer.from('fb'.repeat(32), 'hex').toString('base64')],
    ['non-canonical trailing bits', withTrailingBitSet(RFC8032_SEED)],
    ['hex', '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'],
    ['empty', ''],
  ])('refuses %s', (_label, seed) => {
    expect(isStrongSeed(seed)).toBe(false);
  });
});

describe('signingKeyFromSeed', () => {
  it('derives the RFC 8032 public key from its seed', async () => {
    const key = await signingKeyFromSeed(RFC8032_SEED);
    expect(key.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: RFC8032_PUBLIC, kid: key.kid, alg: 'EdDSA', use: 'sig' });
    expect(key.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(key.privateKey.type).toBe('private');
  });

  it('names the key by its RFC 7638 thumbprint', async () => {
    const key = await signingKeyFromSeed(RFC8032_SEED);
    const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x: RFC8032_PUBLIC });
    expect(key.kid).toBe(createHash('sha256').update(canonical).digest('base64url'));
  });

  it('is deterministic: the same seed gives the same key and kid', async () => {
    const seed = generateSigningSeed();
    const [a, b] = await Promise.all([signingKeyFromSeed(seed), signingKeyFromSeed(seed)]);
    expect(a.kid).toBe(b.kid);
    expect(a.publicJwk).toEqual(b.publicJwk);
  });

  it('gives different seeds different kids', async () => {
    const [a, b] = await Promise.all([signingKeyFromSeed(generateSigningSeed()), signingKeyFromSeed(generateSigningSeed())]);
    expect(a.kid).not.toBe(b.kid);
  });

  it('produces a private key whose signatures verify with the public JWK', async () => {
    const key = await signingKeyFromSeed(RFC8032_SEED);
    const data = Buffer.from('hello');
    const signature = sign(null, data, key.privateKey);
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: RFC8032_PUBLIC }, format: 'jwk' });
    expect(verify(null, data, publicKey, signature)).toBe(true);
  });

  it('never puts the private part in the public JWK', async () => {
    const key = await signingKeyFromSeed(RFC8032_SEED);
    expect(key.publicJwk).not.toHaveProperty('d');
  });

  it.each(['', 'short', Buffer.alloc(31, 7).toString('base64url'), `${RFC8032_SEED}=`])(
    'throws invalid_signing_key for the malformed seed %j',
    async (seed) => {
      await expectDomainErrorAsync(() => signingKeyFromSeed(seed), 'invalid_signing_key');
    },
  );
});
