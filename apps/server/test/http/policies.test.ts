import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, testClock } from '../support/test-app.ts';
import { issueMandate, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';

describe('policies', () => {
  const clock = testClock(new Date('2025-05-05T10:00:00.000Z'));
  const t = useTestApp({ clock });
  let org: OrgFixture;
  let agent: AgentFixture;

  const rules = () => ({ agent_account_id: agent.agentId, name: 'Everyday', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 10_000, daily_limit: 50_000 });
  const create = (body: Record<string, unknown>) => t.request('POST', '/policies', { token: org.orgKey, body });
  const patch = (id: string, body: Record<string, unknown>) => t.request('PATCH', `/policies/${id}`, { token: org.orgKey, body });
  const get = async (id: string) => (await t.request('GET', `/policies/${id}`, { token: org.orgKey })).body;

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org);
  });

  describe('creating', () => {
    it('answers 201 with version 1 and every rule, and GET returns the same policy', async () => {
      const body = { ...rules(), approval_threshold: 5_000, time_window: { start: '09:00', end: '18:00', timezone: 'Asia/Kolkata', days: ['mon', 'fri'] }, ip_allowlist: ['10.0.0.0/8', '2001:db8::/32'] };
      const res = await create(body);
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ object: 'policy', policy_id: expect.stringMatching(/^pol_/), version: 1, ...body, created_at: clock.now().toISOString() });
      expect(res.body.id).toBe(res.body.policy_id);
      expect(await get(res.body.id)).toEqual(res.body);
    });

    it('leaves the optional rules null when they are not given', async () => {
      const res = await create(rules());
      expect(res.body).toMatchObject({ approval_threshold: null, time_window: null, ip_allowlist: null });
    });

    it.each([
      ['a per-transaction cap above the daily limit', { per_tx_cap: 60_000 }, 'body.per_tx_cap'],
      ['a lowercase currency', { currency: 'inr' }, 'body.currency'],
      ['an unknown currency', { currency: 'ABC' }, 'body.currency'],
      ['an empty vendor allowlist', { vendor_allowlist: [] }, 'body.vendor_allowlist'],
      ['a fractional cap', { per_tx_cap: 10.5 }, 'body.per_tx_cap'],
      ['a zero daily limit', { daily_limit: 0 }, 'body.daily_limit'],
      ['a CIDR with a prefix too long', { ip_allowlist: ['10.0.0.0/33'] }, 'body.ip_allowlist.0'],
      ['an address that is not one', { ip_allowlist: ['10.0.0.256'] }, 'body.ip_allowlist.0'],
      ['an unknown time zone', { time_window: { start: '09:00', end: '18:00', timezone: 'Mars/Olympus_Mons' } }, 'body.time_window.timezone'],
      ['a time that is not HH:MM', { time_window: { start: '9am', end: '18:00', timezone: 'UTC' } }, 'body.time_window.start'],
      ['a window that never closes', { time_window: { start: '09:00', end: '09:00', timezone: 'UTC' } }, 'body.time_window.end'],
      ['an unknown weekday', { time_window: { start: '09:00', end: '18:00', timezone: 'UTC', days: ['someday'] } }, 'body.time_window.days.0'],
      ['a malformed agent account id', { agent_account_id: 'agent-1' }, 'body.agent_account_id'],
    ])('answers 400 naming the field for %s', async (_label, change, field) => {
      expectValidationError(await create({ ...rules(), ...change }), field);
    });

    it('answers 400 for a misspelt rule instead of dropping it', async () => {
      const res = await create({ ...rules(), per_tx_limit: 100 });
      expectError(res, 400, 'validation_error');
      expect(res.body.error.message).toContain('per_tx_limit');
    });

    it('answers 404 for an agent account that does not exist', async () => {
      expectError(await create({ ...rules(), agent_account_id: `aga_${'0'.repeat(26)}` }), 404, 'not_found');
    });
  });

  describe('versions', () => {
    it('makes each change a new version; mandates keep the version they were checked against', async () => {
      const policy = (await create(rules())).body;
      const own = { ...agent, policyId: policy.id };
      const before = await issueMandate(t, own, { amount: 1_000 });
      expect(before.body.policy_version).toBe(1);

      clock.advance(60_000);
      const v2 = await patch(policy.id, { name: 'Tighter', per_tx_cap: 2_000 });
      expect(v2.status, v2.text).toBe(200);
      expect(v2.body).toMatchObject({ version: 2, name: 'Tighter', per_tx_cap: 2_000, daily_limit: 50_000, vendor_allowlist: ['acme_api'], created_at: policy.created_at, updated_at: clock.now().toISOString() });
      expect(await get(policy.id)).toEqual(v2.body);

      const after = await issueMandate(t, own, { amount: 1_000 });
      expect(after.body.policy_version).toBe(2);
      expect((await t.request('GET', `/mandates/${before.body.id}`, { token: org.orgKey })).body.policy_version).toBe(1);
      const payload = JSON.parse(Buffer.from(after.body.mandate.split('.')[1], 'base64url').toString());
      expect(payload).toMatchObject({ policy_id: policy.id, policy_version: 2 });
    });

    it('lists every version with its rules, newest first, the current one marked', async () => {
      const policy = (await create(rules())).body;
      const createdAt = clock.now().toISOString();
      clock.advance(1_000);
      await patch(policy.id, { per_tx_cap: 2_000 });
      clock.advance(1_000);
      await patch(policy.id, { approval_threshold: 1_500, vendor_allowlist: ['acme_api', 'beta_api'] });
      const res = await t.request('GET', `/policies/${policy.id}/versions`, { token: org.orgKey });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ object: 'list', has_more: false });
      expect(res.body.data.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([[3, true], [2, false], [1, false]]);
      expect(res.body.data[2]).toEqual({
        object: 'policy_version', policy_id: policy.id, version: 1, current: false, currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 10_000, daily_limit: 50_000,
        approval_threshold: null, time_window: null, ip_allowlist: null, created_at: createdAt,
      });
      expect(res.body.data[1]).toMatchObject({ per_tx_cap: 2_000, approval_threshold: null });
      expect(res.body.data[0]).toMatchObject({ per_tx_cap: 2_000, approval_threshold: 1_500, vendor_allowlist: ['acme_api', 'beta_api'] });
      const other = await signupOrg(t, 'Other');
      expectError(await t.request('GET', `/policies/${policy.id}/versions`, { token: other.orgKey }), 404, 'not_found');
    });

    it('clears an optional rule with null', async () => {
      const policy = (await create({ ...rules(), approval_threshold: 5_000 })).body;
      const res = await patch(policy.id, { approval_threshold: null });
      expect(res.body).toMatchObject({ version: 2, approval_threshold: null });
    });

    it('answers 400 naming the field for a change that makes the policy invalid, and keeps the version', async () => {
      const policy = (await create(rules())).body;
      expectValidationError(await patch(policy.id, { per_tx_cap: 60_000 }), 'body.per_tx_cap');
      expectValidationError(await patch(policy.id, { currency: 'usd' }), 'body.currency');
      expect(await get(policy.id)).toMatchObject({ version: 1, per_tx_cap: 10_000, currency: 'INR' });
    });

    it('answers 400 for an empty change', async () => {
      const policy = (await create(rules())).body;
      expectError(await patch(policy.id, {}), 400, 'validation_error');
    });

    it('answers 400 for a misspelt rule in a change instead of making a version that changes nothing', async () => {
      const policy = (await create(rules())).body;
      const res = await patch(policy.id, { name: 'Renamed', per_tx_limit: 100 });
      expectError(res, 400, 'validation_error');
      expect(res.body.error.message).toContain('per_tx_limit');
      expect(await get(policy.id)).toMatchObject({ version: 1, name: 'Everyday' });
    });

    it('answers 404 for a policy that does not exist', async () => {
      expectError(await patch(`pol_${'0'.repeat(26)}`, { per_tx_cap: 1 }), 404, 'not_found');
    });
  });
});
