import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';

describe('errors and limits', () => {
  const t = useTestApp();
  let org: OrgFixture;
  let agent: AgentFixture;

  const postIntent = (body: unknown) => t.request('POST', '/purchase-intents', { token: agent.agentKey, body });
  const valid = { vendor: 'acme_api', amount: 100, currency: 'INR' };

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org);
  });

  describe('malformed bodies', () => {
    it('answers 400 invalid_json for a body that is not JSON', async () => {
      expectError(await t.request('POST', '/purchase-intents', { token: agent.agentKey, rawBody: '{"vendor": "acme_api", ' }), 400, 'invalid_json');
      expectError(await t.request('POST', '/auth/login', { rawBody: '{email:' }), 400, 'invalid_json');
    });

    it('answers 413 payload_too_large for a body over 64 KiB', async () => {
      const huge = JSON.stringify({ ...valid, description: 'x'.repeat(70 * 1024) });
      expectError(await t.request('POST', '/purchase-intents', { token: agent.agentKey, rawBody: huge }), 413, 'payload_too_large');
      expectError(await t.request('POST', '/auth/signup', { rawBody: huge }), 413, 'payload_too_large');
    });

    it('reads a 60 KiB body (and judges it by its content, not its size)', async () => {
      const big = JSON.stringify({ ...valid, description: 'x'.repeat(60 * 1024) });
      expectValidationError(await t.request('POST', '/purchase-intents', { token: agent.agentKey, rawBody: big }), 'body.description');
    });

    it('answers 415 unsupported_media_type for a body that is not application/json', async () => {
      const res = await t.request('POST', '/purchase-intents', { token: agent.agentKey, rawBody: '<intent/>', headers: { 'content-type': 'application/xml' } });
      expectError(res, 415, 'unsupported_media_type');
    });
  });

  describe('wrong types: 400 validation_error naming the field', () => {
    it.each([
      ['amount as a string', { amount: '100' }, 'body.amount'],
      ['a fractional amount', { amount: 1.5 }, 'body.amount'],
      ['a negative amount', { amount: -1 }, 'body.amount'],
      ['a zero amount', { amount: 0 }, 'body.amount'],
      ['an amount past 2^53', { amount: 2 ** 53 }, 'body.amount'],
      ['a lowercase currency', { currency: 'inr' }, 'body.currency'],
      ['an unknown currency', { currency: 'XYZ' }, 'body.currency'],
      ['a missing vendor', { vendor: undefined }, 'body.vendor'],
      ['a vendor id with spaces', { vendor: 'Acme API' }, 'body.vendor'],
      ['metadata values that are not strings', { metadata: { n: 1 } }, 'body.metadata.n'],
    ])('refuses %s', async (_label, change, field) => {
      expectValidationError(await postIntent({ ...valid, ...change }), field);
    });

    it('refuses a body that is not an object', async () => {
      expectError(await postIntent([valid]), 400, 'validation_error');
      expectError(await postIntent('just a string'), 400, 'validation_error');
    });

    it('answers 404 not_found for a well-formed but unknown vendor', async () => {
      expectError(await postIntent({ ...valid, vendor: 'no_such_vendor' }), 404, 'not_found');
    });

    it('refuses wrong types on the other write endpoints too', async () => {
      expectValidationError(await t.request('POST', `/agent-accounts/${agent.agentId}/top-ups`, { token: org.orgKey, body: { amount: '100', currency: 'INR' } }), 'body.amount');
      expectValidationError(await t.request('POST', '/agent-accounts', { token: org.orgKey, body: { name: 'x', risk_tier: 'EXTREME' } }), 'body.risk_tier');
      expectValidationError(await t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: 42 } }), 'body.mandate_id');
      expectValidationError(await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'v', name: 'V', rail: 'carrier_pigeon' } }), 'body.rail');
    });

    it('answers 400 naming the parameter for an id of the wrong shape', async () => {
      expectValidationError(await t.request('GET', '/payments/not-an-id', { token: org.orgKey }), 'params.id');
      expectValidationError(await t.request('GET', `/payments/${agent.agentId}`, { token: org.orgKey }), 'params.id');
    });

    it('answers 400 naming the query parameter for a page size out of range', async () => {
      expectValidationError(await t.request('GET', '/payments?limit=1000', { token: org.orgKey }), 'querystring.limit');
    });
  });

  describe('unknown routes', () => {
    it('answers 404 route_not_found as JSON, with or without a token', async () => {
      for (const token of [undefined, org.orgKey]) {
        const res = await t.request('GET', '/no/such/route', token ? { token } : {});
        expectError(res, 404, 'route_not_found');
      }
      expectError(await t.request('POST', '/no-such-thing', { token: org.orgKey, body: {} }), 404, 'route_not_found');
      expectError(await t.request('DELETE', `/policies/${agent.policyId}`, { token: org.orgKey }), 404, 'route_not_found');
    });
  });

  describe('headers', () => {
    it('sets the security headers on answers and errors alike', async () => {
      for (const res of [await t.request('GET', '/agent-accounts', { token: org.orgKey }), await t.request('GET', '/nope'), await t.request('GET', '/healthz')]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['x-request-id']).toMatch(/^req_/);
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });

    it('sends no CORS headers when ALLOWED_ORIGINS is empty', async () => {
      const res = await t.request('OPTIONS', '/purchase-intents', { headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});

describe('CORS with ALLOWED_ORIGINS', () => {
  const t = useTestApp({ env: { ALLOWED_ORIGINS: 'https://app.example' } });

  const preflight = (origin: string) =>
    t.request('OPTIONS', '/purchase-intents', { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' } });

  it('allows a preflight from an allowed origin, with the headers the API needs', async () => {
    const res = await preflight('https://app.example');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(String(res.headers['access-control-allow-headers'])).toContain('idempotency-key');
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
  });

  it('gives no access-control-allow-origin to another origin', async () => {
    const res = await preflight('https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets an allowed origin read the replay and request-id headers of a real request', async () => {
    const org = await signupOrg(t);
    const res = await t.request('GET', '/agent-accounts', { token: org.orgKey, headers: { origin: 'https://app.example' } });
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(String(res.headers['access-control-expose-headers'])).toMatch(/idempotent-replayed.*x-request-id|x-request-id.*idempotent-replayed/);
    const other = await t.request('GET', '/agent-accounts', { token: org.orgKey, headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limit answers', () => {
  const t = useTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });

  it('answers the 4th request in a minute with 429 rate_limited as a JSON error with Retry-After', async () => {
    const org = await signupOrg(t);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.request('GET', '/agent-accounts', { token: org.orgKey })).status);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await t.request('GET', '/agent-accounts', { token: org.orgKey });
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
