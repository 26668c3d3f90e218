import { describe, expect, it } from 'vitest';
import { decodeProtectedHeader, SignJWT, type JWK } from 'jose';
import { generateSigningSeed, signingKeyFromSeed, signMandate, verifyMandate, type SigningKey } from '../src/index.ts';
import { expectDomainErrorAsync } from './expect-domain-error.ts';
import { sampleClaims } from './fixtures.ts';

const oldKey = await signingKeyFromSeed(generateSigningSeed());
const newKey = await signingKeyFromSeed(generateSigningSeed());
const during = new Date((sampleClaims.iat + 10) * 1000);

function decodePayload(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

function withPayload(jws: string, payload: Record<string, unknown>): string {
  const [header, , signature] = jws.split('.');
  return [header, Buffer.from(JSON.stringify(payload)).toString('base64url'), signature].join('.');
}

describe('signMandate', () => {
  it('produces a compact JWS with the EdDSA mandate header', async () => {
    const jws = await signMandate(sampleClaims, newKey);
    expect(jws.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'EdDSA', kid: newKey.kid, typ: 'mandate+jws' });
  });

  it('carries every claim plus the registered iss, sub, aud and jti', async () => {
    const payload = decodePayload(await signMandate(sampleClaims, newKey));
    expect(payload).toEqual({
      ...sampleClaims,
      iss: 'frameos',
      sub: sampleClaims.agent_account_id,
      aud: sampleClaims.vendor,
      jti: sampleClaims.mandate_id,
    });
  });
});

describe('verifyMandate', () => {
  it('returns exactly the signed claims', async () => {
    const jws = await signMandate(sampleClaims, newKey);
    await expect(verifyMandate(jws, [newKey.publicJwk], during)).resolves.toEqual(sampleClaims);
  });

  it('accepts a mandate one second before it expires', async () => {
    const jws = await signMandate(sampleClaims, newKey);
    await expect(verifyMandate(jws, [newKey.publicJwk], new Date((sampleClaims.exp - 1) * 1000))).resolves.toEqual(sampleClaims);
  });

  it('throws mandate_expired at exp, and one second after it', async () => {
    const jws = await signMandate(sampleClaims, newKey);
    await expectDomainErrorAsync(() => verifyMandate(jws, [newKey.publicJwk], new Date(sampleClaims.exp * 1000)), 'mandate_expired');
    await expectDomainErrorAsync(
      () => verifyMandate(jws, [newKey.publicJwk], new Date((sampleClaims.exp + 1) * 1000)),
      'mandate_expired',
    );
  });

  it('throws mandate_invalid when the payload is tampered with (amount raised)', async () => {
    const jws = await signMandate(sampleClaims, newKey);
    const tampered = withPayload(jws, { ...decodePayload(jws), amount: 2_500_000 });
    await expectDomainErrorAsync(() => verifyMandate(tampered, [newKey.publicJwk], during), 'mandate_invalid');
  });

  it('throws mandate_invalid when the signature is tampered with', async () => {
    const jws = await signMandate(sampleClaims, newKey);
    const signature = Buffer.from(jws.split('.')[2] ?? '', 'base64url');
    signature[0] = (signature[0] ?? 0) ^ 1;
    const tampered = [...jws.split('.').slice(0, 2), signature.toString('base64url')].join('.');
    await expectDomainErrorAsync(() => verifyMandate(tampered, [newKey.publicJwk], during), 'mandate_invalid');
  });

  it('throws mandate_invalid for a mandate signed by a key not in the set', async () => {
    const jws = await signMandate(sampleClaims, oldKey);
    await expectDomainErrorAsync(() => verifyMandate(jws, [newKey.publicJwk], during), 'mandate_invalid');
  });

  it('throws mandate_invalid when another key claims the signer\'s kid', async () => {
    const jws = await signMandate(sampleClaims, oldKey);
    const impostor: JWK = { ...newKey.publicJwk, kid: oldKey.kid };
    await expectDomainErrorAsync(() => verifyMandate(jws, [impostor], during), 'mandate_invalid');
  });

  it('verifies a mandate signed by a rotated-out key while the set holds old and new keys', async () => {
    const keys = [newKey.publicJwk, oldKey.publicJwk];
    const signedBefore = await signMandate(sampleClaims, oldKey);
    const signedAfter = await signMandate(sampleClaims, newKey);
    await expect(verifyMandate(signedBefore, keys, during)).resolves.toEqual(sampleClaims);
    await expect(verifyMandate(signedAfter, keys, during)).resolves.toEqual(sampleClaims);
  });

  it.each(['', 'not-a-jws', 'a.b.c', 'a.b'])('throws mandate_invalid for the malformed input %j', async (jws) => {
    await expectDomainErrorAsync(() => verifyMandate(jws, [newKey.publicJwk], during), 'mandate_invalid');
  });

  it('throws mandate_invalid with an empty key set', async () => {
    const jws = await signMandate(sampleClaims, newKey);
    await expectDomainErrorAsync(() => verifyMandate(jws, [], during), 'mandate_invalid');
  });

  describe('tokens that are validly signed but are not FrameOS mandates', () => {
    async function signRaw(key: SigningKey, payload: Record<string, unknown>, typ = 'mandate+jws'): Promise<string> {
      return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ }).sign(key.privateKey);
    }
    const registered = {
      iss: 'frameos',
      sub: sampleClaims.agent_account_id,
      aud: sampleClaims.vendor,
      jti: sampleClaims.mandate_id,
    };

    it('accepts the hand-built equivalent of a mandate, so the cases below fail for their one change', async () => {
      const jws = await signRaw(newKey, { ...sampleClaims, ...registered });
      await expect(verifyMandate(jws, [newKey.publicJwk], during)).resolves.toEqual(sampleClaims);
    });

    it('refuses another issuer', async () => {
      const jws = await signRaw(newKey, { ...sampleClaims, ...registered, iss: 'someone-else' });
      await expectDomainErrorAsync(() => verifyMandate(jws, [newKey.publicJwk], during), 'mandate_invalid');
    });

    it('refuses another token type signed by the same key', async () => {
      const jws = await signRaw(newKey, { ...sampleClaims, ...registered }, 'JWT');
      await expectDomainErrorAsync(() => verifyMandate(jws, [newKey.publicJwk], during), 'mandate_invalid');
    });

    it('refuses a payload without a mandate claim', async () => {
      const { amount: _amount, ...withoutAmount } = sampleClaims;
      const jws = await signRaw(newKey, { ...withoutAmount, ...registered });
      await expectDomainErrorAsync(() => verifyMandate(jws, [newKey.publicJwk], during), 'mandate_invalid');
    });

    it('refuses a payload without exp', async () => {
      const { exp: _exp, ...withoutExp } = sampleClaims;
      const jws = await signRaw(newKey, { ...withoutExp, ...registered });
      await expectDomainErrorAsync(() => verifyMandate(jws, [newKey.publicJwk], during), 'mandate_invalid');
    });

    it('refuses an audience that disagrees with the vendor', async () => {
      const jws = await signRaw(newKey, { ...sampleClaims, ...registered, aud: 'aws' });
      await expectDomainErrorAsync(() => verifyMandate(jws, [newKey.publicJwk], during), 'mandate_invalid');
    });

    it('refuses a jti that disagrees with the mandate id', async () => {
      const jws = await signRaw(newKey, { ...sampleClaims, ...registered, jti: 'mdt_other' });
      await expectDomainErrorAsync(() => verifyMandate(jws, [newKey.publicJwk], during), 'mandate_invalid');
    });
  });
});
