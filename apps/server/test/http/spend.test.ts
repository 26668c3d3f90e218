import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, testClock } from '../support/test-app.ts';
import { issueMandate, settledPayment, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectPolicyViolation, expectValidationError } from '../support/assertions.ts';

describe('spend: a policy today, the org today and this month', () => {
  // 20:00 UTC on 5 May is 01:30 on 6 May in Asia/Kolkata: the policy's day and the UTC day differ.
  const clock = testClock(new Date('2025-05-05T20:00:00.000Z'));
  const t = useTestApp({ clock });
  let org: OrgFixture;
  let inr: AgentFixture;
  let usd: AgentFixture;

  const allDay = { start: '00:00', end: '23:59', timezone: 'Asia/Kolkata' };

  beforeAll(async () => {
    org = await signupOrg(t);
    inr = await setupAgent(t, org, { policy: { per_tx_cap: 5_000, daily_limit: 12_000, time_window: allDay } });
    usd = await setupAgent(t, org, { currency: 'USD', policy: { per_tx_cap: 1_000, daily_limit: 5_000 } });
    await settledPayment(t, inr, { amount: 4_000 });
    await settledPayment(t, inr, { amount: 5_000 });
    await settledPayment(t, usd, { amount: 250, currency: 'USD' });
  });

  const policySpend = (agent: AgentFixture, token = org.orgKey) => t.request('GET', `/policies/${agent.policyId}/spend`, { token });

  it("shows a policy's spend against its limits on its own day, and what one more payment may be", async () => {
    const res = await policySpend(inr);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      object: 'policy_spend',
      policy_id: inr.policyId,
      currency: 'INR',
      time_zone: 'Asia/Kolkata',
      day_start: '2025-05-05T18:30:00.000Z',
      day_end: '2025-05-06T18:30:00.000Z',
      spent_today: 9_000,
      daily_limit: 12_000,
      remaining_today: 3_000,
      per_tx_cap: 5_000,
      max_next_payment: 3_000,
    });
  });

  it('agrees with the policy check: max_next_payment passes, one unit more is refused', async () => {
    const { body } = await policySpend(inr);
    expectPolicyViolation(await issueMandate(t, inr, { amount: body.max_next_payment + 1 }), 'daily_limit_exceeded');
    const mandate = await issueMandate(t, inr, { amount: body.max_next_payment });
    expect(mandate.status, mandate.text).toBe(201);
    // A granted mandate does not spend yet: the day's spend counts payments.
    expect((await policySpend(inr)).body.spent_today).toBe(9_000);
  });

  it('starts again at zero when the policy day turns', async () => {
    const before = clock.now();
    clock.set(new Date('2025-05-06T18:30:00.000Z'));
    try {
      const { body } = await policySpend(inr);
      expect(body).toMatchObject({ day_start: '2025-05-06T18:30:00.000Z', spent_today: 0, remaining_today: 12_000, max_next_payment: 5_000 });
    } finally {
      clock.set(before);
    }
  });

  it('sums the org per currency today and this month, in the time zone asked for', async () => {
    const utc = await t.request('GET', '/spend', { token: org.orgKey });
    expect(utc.status, utc.text).toBe(200);
    expect(utc.body).toEqual({
      object: 'spend_summary',
      time_zone: 'UTC',
      today: {
        start: '2025-05-05T00:00:00.000Z',
        end: '2025-05-06T00:00:00.000Z',
        totals: [{ currency: 'INR', amount: 9_000, payments: 2 }, { currency: 'USD', amount: 250, payments: 1 }],
      },
      month: {
        start: '2025-05-01T00:00:00.000Z',
        end: '2025-06-01T00:00:00.000Z',
        totals: [{ currency: 'INR', amount: 9_000, payments: 2 }, { currency: 'USD', amount: 250, payments: 1 }],
      },
    });
    // A day later in UTC: nothing today, the same month.
    const before = clock.now();
    clock.set(new Date('2025-05-06T12:00:00.000Z'));
    try {
      const next = await t.request('GET', '/spend?time_zone=America/Los_Angeles', { token: org.orgKey });
      expect(next.body.time_zone).toBe('America/Los_Angeles');
      expect(next.body.today).toEqual({ start: '2025-05-06T07:00:00.000Z', end: '2025-05-07T07:00:00.000Z', totals: [] });
      expect(next.body.month.start).toBe('2025-05-01T07:00:00.000Z');
      expect(next.body.month.totals).toHaveLength(2);
    } finally {
      clock.set(before);
    }
  });

  it("shows an agent key its own account's spend only", async () => {
    const res = await t.request('GET', '/spend', { token: usd.agentKey });
    expect(res.body.today.totals).toEqual([{ currency: 'USD', amount: 250, payments: 1 }]);
    expectError(await policySpend(inr, usd.agentKey), 404, 'not_found');
  });

  it('answers 400 for an unknown time zone and 404 for a policy of another org', async () => {
    expectValidationError(await t.request('GET', '/spend?time_zone=Mars/Olympus', { token: org.orgKey }), 'querystring.time_zone');
    const other = await signupOrg(t, 'Other');
    expectError(await policySpend(inr, other.orgKey), 404, 'not_found');
    expectError(await t.request('GET', `/policies/pol_${'0'.repeat(26)}/spend`, { token: org.orgKey }), 404, 'not_found');
  });
});
