import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { setupAgent, signupOrg, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';

describe('webhook endpoints', () => {
  const t = useTestApp();
  let org: OrgFixture;

  beforeAll(async () => {
    org = await signupOrg(t);
  });

  const create = (body: unknown, token = org.orgKey) => t.request('POST', '/webhook-endpoints', { token, body });

  it('registers an endpoint and shows its whsec_ secret once', async () => {
    const res = await create({ url: 'http://localhost:4000/hooks', events: ['payment.settled', 'mandate.pending_approval'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ webhook_endpoint_id: expect.stringMatching(/^whe_/), url: 'http://localhost:4000/hooks', enabled: true, events: ['payment.settled', 'mandate.pending_approval'] });
    expect(res.body.secret).toMatch(/^whsec_/);
    const fetched = await t.request('GET', `/webhook-endpoints/${res.body.id}`, { token: org.orgKey });
    expect(fetched.status).toBe(200);
    expect(fetched.text).not.toContain(res.body.secret);
    expect(fetched.body.secret).toBeUndefined();
    const list = await t.request('GET', '/webhook-endpoints', { token: org.orgKey });
    expect(list.text).not.toContain('whsec_');
  });

  it('refuses unknown events, repeated events, no events and non-http URLs with 400 naming the field', async () => {
    expectValidationError(await create({ url: 'http://localhost:4000/h', events: ['payment.exploded'] }), 'body.events.0');
    expectValidationError(await create({ url: 'http://localhost:4000/h', events: ['payment.settled', 'payment.settled'] }), 'body.events');
    expectValidationError(await create({ url: 'http://localhost:4000/h', events: [] }), 'body.events');
    expectValidationError(await create({ url: 'ftp://example.com/h', events: ['payment.settled'] }), 'body.url');
  });

  it('changes events, disables, rotates the secret and deletes', async () => {
    const created = await create({ url: 'http://localhost:4000/x', events: ['payment.settled'] });
    const id = created.body.id;
    const patched = await t.request('PATCH', `/webhook-endpoints/${id}`, { token: org.orgKey, body: { events: ['payment.failed'], enabled: false } });
    expect(patched.body).toMatchObject({ events: ['payment.failed'], enabled: false });
    const rotated = await t.request('POST', `/webhook-endpoints/${id}/rotate-secret`, { token: org.orgKey });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect((await t.request('DELETE', `/webhook-endpoints/${id}`, { token: org.orgKey })).status).toBe(200);
    expectError(await t.request('GET', `/webhook-endpoints/${id}`, { token: org.orgKey }), 404, 'not_found');
    expectError(await t.request('POST', `/webhook-endpoints/${id}/rotate-secret`, { token: org.orgKey }), 404, 'not_found');
  });

  it("hides other organizations' endpoints and refuses agent keys", async () => {
    const mine = await create({ url: 'http://localhost:4000/mine', events: ['payment.settled'] });
    const other = await signupOrg(t, 'Other');
    expectError(await t.request('GET', `/webhook-endpoints/${mine.body.id}`, { token: other.orgKey }), 404, 'not_found');
    expectError(await t.request('PATCH', `/webhook-endpoints/${mine.body.id}`, { token: other.orgKey, body: { enabled: false } }), 404, 'not_found');
    const agent = await setupAgent(t, org);
    expectError(await create({ url: 'http://localhost:4000/a', events: ['payment.settled'] }, agent.agentKey), 403, 'forbidden');
  });
});

describe('webhook endpoints in production mode (SSRF guard)', () => {
  const t = useTestApp({ env: { NODE_ENV: 'production' } });
  let org: OrgFixture;

  beforeAll(async () => {
    org = await signupOrg(t);
  });

  it.each([
    'https://127.0.0.1/h',
    'https://10.0.0.5/h',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/h',
    'https://[fd00::1]/h',
    'https://localhost/h',
    'http://203.0.114.10/h',
  ])('refuses %s', async (url) => {
    expectValidationError(await t.request('POST', '/webhook-endpoints', { token: org.orgKey, body: { url, events: ['payment.settled'] } }), 'body.url');
  });

  it('accepts an https URL on a public address', async () => {
    const res = await t.request('POST', '/webhook-endpoints', { token: org.orgKey, body: { url: 'https://203.0.114.10/hooks', events: ['payment.settled'] } });
    expect(res.status).toBe(201);
  });
});
