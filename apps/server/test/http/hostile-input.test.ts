import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { issueMandate, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';

/**
 * Inputs an independent probe turned into 500s: text PostgreSQL cannot store (U+0000), strings
 * that are not well-formed Unicode (lone surrogates, which the idempotency hash cannot
 * canonicalize) and JSON nested so deeply that hashing it overflowed the stack. Each is the
 * client's mistake, so each is a 400 with a clear code, on every route.
 */
const NUL = '\u0000';
const LONE_SURROGATE = '"a\\ud800b"';
const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('hostile input: never a 500 for a client’s mistake', () => {
  let org: OrgFixture;
  let agent: AgentFixture;
  let operations: { method: string; path: string }[];

  const t = useTestApp();

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org);
    const spec = await t.request('GET', '/openapi.json');
    operations = Object.entries(spec.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x') })));
  });

  describe('the NUL character (U+0000)', () => {
    it.each([
      ['an agent account name', '/agent-accounts', { name: `a${NUL}b`, risk_tier: 'LOW' }, 'body.name'],
      ['a vendor name', '/vendors', { vendor_id: 'nul_vendor', name: `a${NUL}`, rail: 'ledger' }, 'body.name'],
      ['an intent description', '/purchase-intents', { vendor: 'acme_api', amount: 100, currency: 'INR', description: NUL }, 'body.description'],
      ['a metadata value', '/purchase-intents', { vendor: 'acme_api', amount: 100, currency: 'INR', metadata: { k: `v${NUL}` } }, 'body.metadata.k'],
      ['a metadata key', '/purchase-intents', { vendor: 'acme_api', amount: 100, currency: 'INR', metadata: { [`k${NUL}`]: 'v' } }, 'body.metadata'],
    ])('in %s answers 400 validation_error naming the field', async (_label, url, body, field) => {
      const token = url === '/purchase-intents' ? agent.agentKey : org.orgKey;
      const res = await t.request('POST', url, { token, body });
      expectValidationError(res, field);
      expect(res.body.error.message).toContain('U+0000');
    });

    it('in the signup organization name answers 400 and creates nothing', async () => {
      const email = `nul-${Date.now()}@example.com`;
      expectValidationError(await t.request('POST', '/auth/signup', { body: { email, password: 'correct horse battery staple', org_name: `Org${NUL}` } }), 'body.org_name');
      expectError(await t.request('POST', '/auth/login', { body: { email, password: 'correct horse battery staple' } }), 401, 'invalid_credentials');
    });

    it('in any query parameter of any list answers 400 validation_error naming it', async () => {
      const lists = operations.filter((o) => o.method === 'GET' && !o.path.includes('x')).map((o) => o.path);
      expect(lists.length).toBeGreaterThan(5);
      for (const list of lists) {
        const res = await t.request('GET', `${list}?starting_after=%00&agent_account_id=a%00`, { token: org.orgKey });
        expect(res.status, `${list}: ${res.text}`).toBeLessThan(500);
      }
      expectValidationError(await t.request('GET', '/payments?starting_after=%00', { token: org.orgKey }), 'querystring.starting_after');
      expectValidationError(await t.request('GET', '/vendors?starting_after=ven_%00', { token: org.orgKey }), 'querystring.starting_after');
    });

    it('in an Idempotency-Key answers 400 validation_error', async () => {
      expectValidationError(await t.request('POST', '/api-keys', { token: org.orgKey, idempotencyKey: `key${NUL}` }), 'headers.idempotency-key');
    });
  });

  describe('strings that are not well-formed Unicode', () => {
    it('answers 400 validation_error naming the field for a lone surrogate in a validated body', async () => {
      const res = await t.request('POST', '/agent-accounts', { token: org.orgKey, rawBody: `{"name":${LONE_SURROGATE},"risk_tier":"LOW"}` });
      expectValidationError(res, 'body.name');
      expect(res.body.error.message).toMatch(/Unicode/);
    });

    it('answers 400 for a lone surrogate in the body of every POST route, with or without a body schema', async () => {
      for (const op of operations.filter((o) => ['POST', 'PATCH', 'PUT'].includes(o.method))) {
        const res = await t.request(op.method, op.path, { token: org.orgKey, rawBody: `{"name":${LONE_SURROGATE}}` });
        expect(res.status, `${op.method} ${op.path}: ${res.text}`).toBeLessThan(500);
      }
      const mandate = await issueMandate(t, agent, { amount: 100 });
      expectValidationError(await t.request('POST', `/mandates/${mandate.body.id}/reject`, { token: org.orgKey, rawBody: `{"note":${LONE_SURROGATE}}` }), 'body.note');
    });
  });

  describe('deeply nested JSON', () => {
    it('answers 400 json_too_deep for 5 000 levels, on routes with and without a body schema', async () => {
      const mandate = await issueMandate(t, agent, { amount: 100 });
      for (const [url, token] of [[`/mandates/${mandate.body.id}/approve`, org.orgKey], ['/api-keys', org.orgKey], ['/purchase-intents', agent.agentKey]] as const) {
        expectError(await t.request('POST', url, { token, rawBody: deepJson(5_000) }), 400, 'json_too_deep');
      }
      expect((await t.request('GET', `/mandates/${mandate.body.id}`, { token: org.orgKey })).body.status).toBe('active');
    });

    it('answers 400, never 500, for deep JSON on every POST route', async () => {
      for (const op of operations.filter((o) => ['POST', 'PATCH', 'PUT'].includes(o.method))) {
        const res = await t.request(op.method, op.path, { token: org.orgKey, rawBody: `{"a":${deepJson(5_000)}}` });
        expect(res.status, `${op.method} ${op.path}: ${res.text}`).toBeLessThan(500);
      }
    });

    it('still reads ordinary nesting', async () => {
      const res = await t.request('POST', '/policies', {
        token: org.orgKey,
        body: { agent_account_id: agent.agentId, name: 'nested', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 100, daily_limit: 1_000, time_window: { start: '09:00', end: '17:00', timezone: 'UTC', days: ['mon'] } },
      });
      expect(res.status, res.text).toBe(201);
    });
  });
});
