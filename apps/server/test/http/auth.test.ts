import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { useTestApp } from '../support/test-app.ts';
import { agentKeyId, loginToken, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';

const PASSWORD = 'correct horse battery staple';

describe('authentication', () => {
  const t = useTestApp();
  let org: OrgFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org);
  });

  describe('signup', () => {
    it('answers 201 with the user, the organization and its secret org key, without an Idempotency-Key', async () => {
      const res = await t.request('POST', '/auth/signup', { idempotencyKey: null, body: { email: `new-${randomUUID()}@example.com`, password: PASSWORD, org_name: 'Acme' } });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toEqual({ user_id: expect.stringMatching(/^usr_/), org_id: expect.stringMatching(/^org_/), api_key: expect.stringMatching(/^fos_org_[A-Za-z0-9_-]{43}$/) });

      const me = await t.request('GET', '/agent-accounts', { token: res.body.api_key });
      expect(me.status).toBe(200);
      expect(me.body.data).toEqual([]);
    });

    it('answers 409 email_taken for an email already signed up, whatever its case', async () => {
      const email = `taken-${randomUUID()}@example.com`;
      const first = await t.request('POST', '/auth/signup', { body: { email, password: PASSWORD, org_name: 'First' } });
      expect(first.status).toBe(201);
      expectError(await t.request('POST', '/auth/signup', { body: { email, password: PASSWORD, org_name: 'Second' } }), 409, 'email_taken');
      expectError(await t.request('POST', '/auth/signup', { body: { email: email.toUpperCase(), password: PASSWORD, org_name: 'Third' } }), 409, 'email_taken');
    });

    it('answers 400 naming the field for a weak password', async () => {
      const res = await t.request('POST', '/auth/signup', { body: { email: `weak-${randomUUID()}@example.com`, password: 'short', org_name: 'Weak' } });
      expectValidationError(res, 'body.password');
    });

    it('answers 400 naming the field for an email that is not one', async () => {
      expectValidationError(await t.request('POST', '/auth/signup', { body: { email: 'not-an-email', password: PASSWORD, org_name: 'X' } }), 'body.email');
    });
  });

  describe('login', () => {
    it('answers 200 with a session token that then authorizes requests', async () => {
      const res = await t.request('POST', '/auth/login', { idempotencyKey: null, body: { email: org.email, password: org.password } });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ token: expect.any(String), token_type: 'Bearer', expires_in: 43_200, user_id: org.userId, org_id: org.orgId, role: 'owner' });

      const account = await t.request('GET', `/agent-accounts/${agent.agentId}`, { token: res.body.token });
      expect(account.status).toBe(200);
      expect(account.body.agent_account_id).toBe(agent.agentId);
    });

    it('accepts the email in any case', async () => {
      const res = await t.request('POST', '/auth/login', { body: { email: org.email.toUpperCase(), password: org.password } });
      expect(res.status).toBe(200);
    });

    it('answers 401 invalid_credentials for a wrong password', async () => {
      expectError(await t.request('POST', '/auth/login', { body: { email: org.email, password: 'wrong horse battery staple' } }), 401, 'invalid_credentials');
    });

    it('answers the same 401 invalid_credentials for an unknown email', async () => {
      expectError(await t.request('POST', '/auth/login', { body: { email: `nobody-${randomUUID()}@example.com`, password: PASSWORD } }), 401, 'invalid_credentials');
    });
  });

  describe('bearer tokens', () => {
    it('answers 401 unauthorized without an Authorization header', async () => {
      expectError(await t.request('GET', '/agent-accounts'), 401, 'unauthorized');
      expectError(await t.request('POST', '/purchase-intents', { body: { vendor: 'acme_api', amount: 100, currency: 'INR' } }), 401, 'unauthorized');
    });

    it.each([
      ['garbage', 'garbage'],
      ['an org-key-shaped string that was never issued', `fos_org_${'A'.repeat(43)}`],
      ['an agent-key-shaped string that was never issued', `fos_agent_${'A'.repeat(43)}`],
      ['a JWT-shaped string', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
    ])('answers 401 for a bad token (%s)', async (_label, token) => {
      expectError(await t.request('GET', '/agent-accounts', { token }), 401, 'unauthorized');
    });

    it('answers 401 for a scheme other than Bearer', async () => {
      expectError(await t.request('GET', '/agent-accounts', { headers: { authorization: `Basic ${org.orgKey}` } }), 401, 'unauthorized');
    });

    it('answers 401 for a session token signed with another secret', async () => {
      const forged = await new SignJWT({ org: org.orgId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(org.userId)
        .setIssuer('frameos')
        .setAudience('frameos-session')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('not-the-server-secret-not-the-server-secret'));
      expectError(await t.request('GET', '/agent-accounts', { token: forged }), 401, 'unauthorized');
    });

    it('answers 401 for a session token past its 12 h lifetime', async () => {
      const token = await loginToken(t, org.email, org.password);
      t.clock.advance(12 * 3600_000 - 1000);
      expect((await t.request('GET', '/agent-accounts', { token })).status).toBe(200);
      t.clock.advance(1000);
      expectError(await t.request('GET', '/agent-accounts', { token }), 401, 'unauthorized');
    });
  });

  describe('API keys', () => {
    it('answers 401 for a revoked org key, while the other org keys keep working', async () => {
      const created = await t.request('POST', '/api-keys', { token: org.orgKey });
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({ api_key_id: expect.stringMatching(/^key_/), kind: 'org', api_key: expect.stringMatching(/^fos_org_/) });
      expect((await t.request('GET', '/agent-accounts', { token: created.body.api_key })).status).toBe(200);

      const revoked = await t.request('POST', `/api-keys/${created.body.api_key_id}/revoke`, { token: org.orgKey });
      expect(revoked.status, revoked.text).toBe(200);
      expect(revoked.body).toEqual({ api_key_id: created.body.api_key_id, revoked: true });

      expectError(await t.request('GET', '/agent-accounts', { token: created.body.api_key }), 401, 'unauthorized');
      expect((await t.request('GET', '/agent-accounts', { token: org.orgKey })).status).toBe(200);
    });

    it('answers 401 for a revoked agent key, and a newly issued key for the same agent works', async () => {
      const own = await setupAgent(t, org);
      const keyId = await agentKeyId(t, org, own.agentId);
      expect((await t.request('GET', `/agent-accounts/${own.agentId}`, { token: own.agentKey })).status).toBe(200);

      expect((await t.request('POST', `/api-keys/${keyId}/revoke`, { token: org.orgKey })).status).toBe(200);
      expectError(await t.request('GET', `/agent-accounts/${own.agentId}`, { token: own.agentKey }), 401, 'unauthorized');
      expectError(await t.request('POST', '/purchase-intents', { token: own.agentKey, body: { vendor: 'acme_api', amount: 100, currency: 'INR' } }), 401, 'unauthorized');

      const fresh = await t.request('POST', `/agent-accounts/${own.agentId}/api-keys`, { token: org.orgKey });
      expect(fresh.status, fresh.text).toBe(201);
      expect(fresh.body.api_key).toMatch(/^fos_agent_/);
      expect((await t.request('GET', `/agent-accounts/${own.agentId}`, { token: fresh.body.api_key })).status).toBe(200);
    });

    it('answers 404 when revoking a key twice', async () => {
      const created = await t.request('POST', '/api-keys', { token: org.orgKey });
      expect((await t.request('POST', `/api-keys/${created.body.api_key_id}/revoke`, { token: org.orgKey })).status).toBe(200);
      expectError(await t.request('POST', `/api-keys/${created.body.api_key_id}/revoke`, { token: org.orgKey }), 404, 'not_found');
    });

    it('lists keys by id and display prefix, never their secrets', async () => {
      const res = await t.request('GET', '/api-keys', { token: org.orgKey });
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(org.orgKey);
      expect(res.text).not.toContain(agent.agentKey);
      expect(res.text).not.toContain('api_key"');
      const orgKey = res.body.data.find((k: { kind: string; prefix: string }) => k.kind === 'org' && org.orgKey.startsWith(k.prefix));
      const agentKey = res.body.data.find((k: { agent_account_id: string | null }) => k.agent_account_id === agent.agentId);
      expect(orgKey).toMatchObject({ api_key_id: expect.stringMatching(/^key_/), revoked_at: null });
      expect(agentKey).toMatchObject({ kind: 'agent', prefix: expect.stringMatching(/^fos_agent_/) });
      expect(agent.agentKey.startsWith(agentKey.prefix)).toBe(true);
      expect(agentKey.prefix.length).toBeLessThan(20);
    });
  });

  describe('public routes', () => {
    it.each(['/healthz', '/readyz', '/.well-known/jwks.json', '/openapi.json', '/docs'])('serves %s without a token', async (url) => {
      const res = await t.request('GET', url);
      expect(res.status, res.text.slice(0, 200)).toBe(200);
    });

    it('publishes the mandate-signing keys as a JWKS', async () => {
      const res = await t.request('GET', '/.well-known/jwks.json');
      expect(res.body.keys).toContainEqual(expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String) }));
      expect(res.text).not.toMatch(/"d":/);
    });

    it('documents the API as OpenAPI 3.1', async () => {
      const res = await t.request('GET', '/openapi.json');
      expect(res.body.openapi).toBe('3.1.0');
      expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/auth/signup', '/purchase-intents', '/mandates', '/execute', '/receipts/verify']));
    });
  });
});
