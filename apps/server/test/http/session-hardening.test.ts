import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { loginToken, signupOrg, type OrgFixture } from '../support/fixtures.ts';
import { expectError } from '../support/assertions.ts';

describe('sessions and logins the probe questioned', () => {
  let org: OrgFixture;

  const t = useTestApp();

  beforeAll(async () => {
    org = await signupOrg(t);
  });

  const sessionJwt = (build: (jwt: SignJWT) => SignJWT) =>
    build(new SignJWT({ org: org.orgId }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(org.userId).setIssuer('frameos').setAudience('frameos-session'))
      .sign(new TextEncoder().encode(t.appCtx.config.jwtSecret));

  it('refuses a session token without exp with 401, even when signed with the server’s secret', async () => {
    const forever = await sessionJwt((jwt) => jwt.setIssuedAt());
    expectError(await t.request('GET', '/agent-accounts', { token: forever }), 401, 'unauthorized');
    const bounded = await sessionJwt((jwt) => jwt.setIssuedAt().setExpirationTime('1h'));
    expect((await t.request('GET', '/agent-accounts', { token: bounded })).status).toBe(200);
  });

  it('refuses a session token without iat or sub with 401', async () => {
    expectError(await t.request('GET', '/agent-accounts', { token: await sessionJwt((jwt) => jwt.setExpirationTime('1h')) }), 401, 'unauthorized');
  });

  it('answers a removed member’s correct password exactly like a wrong one, so the password is not confirmed', async () => {
    const owner = await loginToken(t, org.email, org.password);
    const email = `leaver-${Date.now()}@example.com`;
    const password = 'a long enough password';
    const added = await t.request('POST', '/members', { token: owner, body: { email, password, role: 'member' } });
    expect(added.status, added.text).toBe(201);
    expect((await t.request('DELETE', `/members/${added.body.user_id}`, { token: owner })).status).toBe(200);

    const right = await t.request('POST', '/auth/login', { body: { email, password } });
    const wrong = await t.request('POST', '/auth/login', { body: { email, password: 'not the password at all' } });
    expectError(right, 401, 'invalid_credentials');
    expectError(wrong, 401, 'invalid_credentials');
    expect(right.body.error.message).toBe(wrong.body.error.message);
  });
});
