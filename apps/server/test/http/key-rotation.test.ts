import { afterAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateSigningSeed, signingKeyFromSeed } from '@frameos/domain';
import { startTestApp, useTestApp, type TestApp } from '../support/test-app.ts';
import { issueMandate, setupAgent, signupOrg } from '../support/fixtures.ts';

describe('signing key rotation', () => {
  const oldSeed = generateSigningSeed();
  const newSeed = generateSigningSeed();
  const before = useTestApp({ env: { MANDATE_SIGN_KEY: oldSeed } });
  let after: TestApp | undefined;
  afterAll(async () => after?.close());

  it('keeps mandates signed with the old key verifiable and executable after a restart with a new key', async () => {
    const org = await signupOrg(before);
    const agent = await setupAgent(before, org);
    const mandate = await issueMandate(before, agent, { amount: 1_000 });
    expect(mandate.status).toBe(201);
    const oldKid = (await signingKeyFromSeed(oldSeed)).kid;
    expect(decodeProtectedHeader(mandate.body.mandate).kid).toBe(oldKid);

    // Same database, same JWT secret, new MANDATE_SIGN_KEY: the deploy after a rotation.
    after = await startTestApp({ sharedWith: before, env: { MANDATE_SIGN_KEY: newSeed, JWT_SECRET: before.appCtx.config.jwtSecret } });
    const jwks = await after.request('GET', '/.well-known/jwks.json');
    const kids = jwks.body.keys.map((k: { kid: string }) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, (await signingKeyFromSeed(newSeed)).kid]));
    await expect(jwtVerify(mandate.body.mandate, createLocalJWKSet(jwks.body), { issuer: 'frameos' })).resolves.toBeTruthy();

    const executed = await after.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandate.body.id } });
    expect(executed.status).toBe(200);

    const fresh = await issueMandate(after, agent, { amount: 1_000 });
    expect(decodeProtectedHeader(fresh.body.mandate).kid).toBe((await signingKeyFromSeed(newSeed)).kid);
    // A process still running with the old key learns the new kid on first sight, not after a cache expiry.
    const onOldProcess = await before.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: fresh.body.id } });
    expect(onOldProcess.status).toBe(200);
  });
});
