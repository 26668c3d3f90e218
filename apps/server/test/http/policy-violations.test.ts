import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, testClock } from '../support/test-app.ts';
import { createIntent, issueMandate, setupAgent, signupOrg, type AgentFixture, type AgentSetup, type OrgFixture } from '../support/fixtures.ts';
import { expectPolicyViolation } from '../support/assertions.ts';

const MINUTE = 60_000;
const OFFICE_HOURS_IST = { start: '09:00', end: '18:00', timezone: 'Asia/Kolkata' };
// Wednesday 15 January 2025, 12:00 in India (UTC+05:30).
const WEDNESDAY_NOON_IST = new Date('2025-01-15T06:30:00Z');

describe('policy violations: 403 policy_violation with a reason', () => {
  const clock = testClock(WEDNESDAY_NOON_IST);
  const t = useTestApp({ clock });
  let org: OrgFixture;

  const agentWith = (setup: AgentSetup) => setupAgent(t, org, setup);
  const mandateFor = (agent: AgentFixture, intentId: string, ip?: string) =>
    t.request('POST', '/mandates', { token: agent.agentKey, body: { intent_id: intentId, policy_id: agent.policyId }, ...(ip ? { ip } : {}) });
  const execute = (agent: AgentFixture, mandateId: string, ip?: string) =>
    t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandateId }, ...(ip ? { ip } : {}) });
  const pay = async (agent: AgentFixture, amount: number) => {
    const mandate = await issueMandate(t, agent, { amount });
    expect(mandate.status, mandate.text).toBe(201);
    const paid = await execute(agent, mandate.body.id);
    expect(paid.status, paid.text).toBe(200);
  };

  beforeAll(async () => {
    org = await signupOrg(t);
    const other = await t.request('POST', '/vendors', { token: org.orgKey, body: { vendor_id: 'other_vendor', name: 'Other', rail: 'ledger' } });
    expect(other.status).toBe(201);
  });

  describe('vendor_not_allowed', () => {
    it('refuses a mandate for a vendor off the allowlist, and the intent can still get a mandate later', async () => {
      const agent = await agentWith({});
      const intent = await createIntent(t, agent, { vendor: 'other_vendor' });
      expectPolicyViolation(await mandateFor(agent, intent.body.id), 'vendor_not_allowed');
      expect((await t.request('GET', `/purchase-intents/${intent.body.id}`, { token: agent.agentKey })).body.status).toBe('requires_mandate');
      expect((await t.request('GET', '/mandates', { token: agent.agentKey })).body.data).toEqual([]);

      await t.request('PATCH', `/policies/${agent.policyId}`, { token: org.orgKey, body: { vendor_allowlist: ['acme_api', 'other_vendor'] } });
      expect((await mandateFor(agent, intent.body.id)).status).toBe(201);
    });

    it('refuses the execute when the vendor was taken off the allowlist after the mandate was issued', async () => {
      const agent = await agentWith({ policy: { vendor_allowlist: ['acme_api', 'other_vendor'] } });
      const mandate = await issueMandate(t, agent, { vendor: 'other_vendor' });
      expect(mandate.status).toBe(201);
      await t.request('PATCH', `/policies/${agent.policyId}`, { token: org.orgKey, body: { vendor_allowlist: ['acme_api'] } });
      expectPolicyViolation(await execute(agent, mandate.body.id), 'vendor_not_allowed');
    });
  });

  describe('amount_over_cap', () => {
    it('allows exactly the per-transaction cap and refuses one minor unit more', async () => {
      const agent = await agentWith({ policy: { per_tx_cap: 50_000 } });
      expect((await issueMandate(t, agent, { amount: 50_000 })).status).toBe(201);
      expectPolicyViolation(await issueMandate(t, agent, { amount: 50_001 }), 'amount_over_cap');
    });

    it('refuses the execute when the cap was lowered after the mandate was issued; later mandates record policy version 2', async () => {
      const agent = await agentWith({ policy: { per_tx_cap: 50_000 } });
      const mandate = await issueMandate(t, agent, { amount: 30_000 });
      expect(mandate.body).toMatchObject({ status: 'active', policy_version: 1 });

      const patched = await t.request('PATCH', `/policies/${agent.policyId}`, { token: org.orgKey, body: { per_tx_cap: 20_000 } });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body).toMatchObject({ version: 2, per_tx_cap: 20_000 });

      expectPolicyViolation(await execute(agent, mandate.body.id), 'amount_over_cap');
      expect((await t.request('GET', `/mandates/${mandate.body.id}`, { token: agent.agentKey })).body).toMatchObject({ status: 'active', policy_version: 1 });

      const next = await issueMandate(t, agent, { amount: 20_000 });
      expect(next.body).toMatchObject({ status: 'active', policy_version: 2 });
      expect((await execute(agent, next.body.id)).status).toBe(200);
    });
  });

  describe('currency_mismatch', () => {
    it('refuses a mandate in another currency than the policy’s', async () => {
      const agent = await agentWith({ currency: 'INR' });
      expectPolicyViolation(await issueMandate(t, agent, { currency: 'USD', amount: 100 }), 'currency_mismatch');
    });
  });

  describe('daily_limit_exceeded', () => {
    it('counts the settled payments of the day: reaching the limit exactly is allowed, one unit more is not', async () => {
      const agent = await agentWith({ policy: { per_tx_cap: 60_000, daily_limit: 100_000 } });
      await pay(agent, 60_000);
      await pay(agent, 40_000);
      const refused = await issueMandate(t, agent, { amount: 1 });
      expectPolicyViolation(refused, 'daily_limit_exceeded');
    });

    it('checks again at execute: two mandates that each fit cannot both be paid', async () => {
      const agent = await agentWith({ policy: { per_tx_cap: 60_000, daily_limit: 100_000 } });
      const first = await issueMandate(t, agent, { amount: 60_000 });
      const second = await issueMandate(t, agent, { amount: 60_000 });
      expect([first.status, second.status]).toEqual([201, 201]);
      expect((await execute(agent, first.body.id)).status).toBe(200);
      expectPolicyViolation(await execute(agent, second.body.id), 'daily_limit_exceeded');
      expect((await t.request('GET', `/mandates/${second.body.id}`, { token: agent.agentKey })).body.status).toBe('active');
    });

    it('starts afresh on the next UTC day for a policy without a time zone', async () => {
      const agent = await agentWith({ policy: { per_tx_cap: 50_000, daily_limit: 50_000 } });
      clock.set(new Date('2025-01-20T23:50:00Z'));
      await pay(agent, 50_000);
      expectPolicyViolation(await issueMandate(t, agent, { amount: 1 }), 'daily_limit_exceeded');
      clock.set(new Date('2025-01-21T00:00:00Z'));
      expect((await issueMandate(t, agent, { amount: 50_000 })).status).toBe(201);
    });

    it('starts afresh at midnight in the policy’s time zone, not at midnight UTC', async () => {
      // A window open all day, there only to give the policy its time zone.
      const allDayIst = { start: '00:00', end: '23:59', timezone: 'Asia/Kolkata' };
      const agent = await agentWith({ policy: { per_tx_cap: 50_000, daily_limit: 50_000, time_window: allDayIst } });
      clock.set(new Date('2025-01-22T18:00:00Z')); // 23:30 IST on the 22nd
      await pay(agent, 50_000);
      clock.advance(20 * MINUTE); // 23:50 IST, still the 22nd in India
      expectPolicyViolation(await issueMandate(t, agent, { amount: 1 }), 'daily_limit_exceeded');
      clock.set(new Date('2025-01-22T18:30:00Z')); // 00:00 IST on the 23rd; still the 22nd in UTC
      expect((await issueMandate(t, agent, { amount: 50_000 })).status).toBe(201);
    });
  });

  describe('outside_time_window', () => {
    const atIst = (hhmm: string, day = '2025-01-15') => new Date(`${day}T${hhmm}:00+05:30`);

    it('allows 09:00 to 17:59 India time and refuses 08:59 and 18:00', async () => {
      const agent = await agentWith({ policy: { time_window: OFFICE_HOURS_IST } });
      for (const [time, allowed] of [['08:59', false], ['09:00', true], ['17:59', true], ['18:00', false]] as const) {
        clock.set(atIst(time));
        const res = await issueMandate(t, agent, { amount: 100 });
        if (allowed) expect(res.status, `${time}: ${res.text}`).toBe(201);
        else expectPolicyViolation(res, 'outside_time_window');
      }
    });

    it('refuses the days the window leaves out', async () => {
      const agent = await agentWith({ policy: { time_window: { ...OFFICE_HOURS_IST, days: ['mon', 'tue', 'wed', 'thu', 'fri'] } } });
      clock.set(atIst('12:00', '2025-01-18')); // a Saturday
      expectPolicyViolation(await issueMandate(t, agent, { amount: 100 }), 'outside_time_window');
      clock.set(atIst('12:00', '2025-01-20')); // the Monday after
      expect((await issueMandate(t, agent, { amount: 100 })).status).toBe(201);
    });

    it('refuses the execute of a mandate issued inside the window once the window has closed', async () => {
      const agent = await agentWith({ policy: { time_window: OFFICE_HOURS_IST } });
      clock.set(atIst('17:58'));
      const mandate = await issueMandate(t, agent, { amount: 100 }, { ttl_seconds: 900 });
      expect(mandate.status).toBe(201);
      clock.advance(2 * MINUTE);
      expectPolicyViolation(await execute(agent, mandate.body.id), 'outside_time_window');
    });
  });

  describe('ip_not_allowed', () => {
    const ipPolicy = { policy: { ip_allowlist: ['203.0.113.0/24', '2001:db8::/32'] } };

    it.each([
      ['an IPv4 address in the range', '203.0.113.9'],
      ['an IPv6 address in the range', '2001:db8::42'],
      ['an IPv4-mapped IPv6 address in the range', '::ffff:203.0.113.9'],
    ])('allows %s', async (_label, ip) => {
      const agent = await agentWith(ipPolicy);
      const intent = await createIntent(t, agent);
      const res = await mandateFor(agent, intent.body.id, ip);
      expect(res.status, res.text).toBe(201);
    });

    it.each([
      ['an IPv4 address outside the range', '198.51.100.7'],
      ['an IPv4 address next to the range', '203.0.114.1'],
      ['an IPv6 address outside the range', '2001:db9::1'],
      ['the loopback address', '127.0.0.1'],
    ])('refuses %s', async (_label, ip) => {
      const agent = await agentWith(ipPolicy);
      const intent = await createIntent(t, agent);
      expectPolicyViolation(await mandateFor(agent, intent.body.id, ip), 'ip_not_allowed');
    });

    it('refuses an execute from an address off the allowlist, even for a mandate issued from an allowed one', async () => {
      const agent = await agentWith(ipPolicy);
      const intent = await createIntent(t, agent);
      const mandate = await mandateFor(agent, intent.body.id, '203.0.113.9');
      expect(mandate.status).toBe(201);
      expectPolicyViolation(await execute(agent, mandate.body.id, '198.51.100.7'), 'ip_not_allowed');
      expect((await execute(agent, mandate.body.id, '2001:db8::7')).status).toBe(200);
    });
  });
});
