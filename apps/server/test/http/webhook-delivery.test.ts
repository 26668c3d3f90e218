import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { DELIVERY_SCHEDULE_MS, MAX_DELIVERY_ATTEMPTS } from '@frameos/domain';
import { rowsOf } from '../../src/lib/sql-values.ts';
import { deliverDueWebhooks, startDeliveryLoop } from '../../src/modules/webhooks/webhook-deliveries.worker.ts';
import { claimDueDeliveries } from '../../src/modules/webhooks/webhook-deliveries.repo.ts';
import { startTestApp, type TestApp, type TestAppOptions } from '../support/test-app.ts';
import { issueMandate, loginToken, memberSession, settledPayment, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const HOUR = 3_600_000;

/** A retry delay is the schedule's entry for that attempt, ±10 % jitter (rounded to the millisecond). */
function expectScheduledDelay(delayMs: number, afterAttempt: number) {
  const base = DELIVERY_SCHEDULE_MS[afterAttempt]!;
  expect(delayMs).toBeGreaterThanOrEqual(Math.floor(base * 0.9));
  expect(delayMs).toBeLessThanOrEqual(Math.ceil(base * 1.1));
}

interface Endpoint {
  id: string;
  secret: string;
}

describe('outbound webhook delivery', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let org: OrgFixture;
  let agent: AgentFixture;

  // Starting an app (an in-memory database, migrated) is the slow part: one app per configuration,
  // shared by the tests; each test has its own org, agent and receiver, and the clock is reset to
  // real time (the reference library checks webhook-timestamp against it).
  const apps = new Map<string, Promise<TestApp>>();
  async function start(options: TestAppOptions = {}) {
    const key = JSON.stringify(options.env ?? {});
    if (!apps.has(key)) apps.set(key, startTestApp(options));
    t = await apps.get(key)!;
    t.clock.set(new Date());
    receiver = await startWebhookReceiver({ status: 200 });
    org = await signupOrg(t);
    agent = await setupAgent(t, org, { balance: 1_000_000 });
  }
  afterEach(async () => {
    await receiver?.close();
    // Whatever a test left pending (e.g. when it failed half-way) must not reach the next test's worker run.
    await query(sql`update webhook_endpoints set enabled = false where org_id = ${org.orgId} or url like ${`${receiver.url}%`}`);
  });
  afterAll(async () => {
    for (const app of apps.values()) await (await app).close();
  });

  async function createEndpoint(path: string, events: string[], owner: OrgFixture = org): Promise<Endpoint> {
    const res = await t.request('POST', '/webhook-endpoints', { token: owner.orgKey, body: { url: `${receiver.url}${path}`, events } });
    expect(res.status, res.text).toBe(201);
    return { id: res.body.id, secret: res.body.secret };
  }

  async function listDeliveries(endpointId: string, owner: OrgFixture = org) {
    const res = await t.request('GET', `/webhook-endpoints/${endpointId}/deliveries`, { token: owner.orgKey });
    expect(res.status, res.text).toBe(200);
    return res.body.data as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
  }

  async function onlyDelivery(endpointId: string) {
    const list = await listDeliveries(endpointId);
    expect(list).toHaveLength(1);
    return list[0]!;
  }

  async function query(q: SQL) {
    return rowsOf(await t.appCtx.database.db.execute(q));
  }

  const deliver = () => deliverDueWebhooks(t.appCtx);

  /** Moves the test clock forward to exactly `iso` (a next_attempt_at). */
  function advanceTo(iso: string) {
    const ms = new Date(iso).getTime() - t.clock.now().getTime();
    expect(ms).toBeGreaterThan(0);
    t.clock.advance(ms);
  }

  /** Drives a pending delivery through every attempt of the schedule with the receiver failing. */
  async function failThroughSchedule(endpointId: string): Promise<void> {
    receiver.answer({ status: 500 });
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      expect(await deliver()).toBe(1);
      const d = await onlyDelivery(endpointId);
      expect(d.attempts).toBe(attempt);
      if (attempt < MAX_DELIVERY_ATTEMPTS) {
        expect(d.status).toBe('pending');
        advanceTo(d.next_attempt_at);
      }
    }
  }

  describe('who gets an event', () => {
    beforeEach(async () => start());

    it('delivers an executed payment once, signed, to the subscribed endpoint only', async () => {
      const subscribed = await createEndpoint('/subscribed', ['payment.settled', 'payment.refunded']);
      const unsubscribed = await createEndpoint('/unsubscribed', ['mandate.approved', 'payment.failed']);
      const disabled = await createEndpoint('/disabled', ['payment.settled']);
      expect((await t.request('PATCH', `/webhook-endpoints/${disabled.id}`, { token: org.orgKey, body: { enabled: false } })).status).toBe(200);
      const deleted = await createEndpoint('/deleted', ['payment.settled']);
      expect((await t.request('DELETE', `/webhook-endpoints/${deleted.id}`, { token: org.orgKey })).status).toBe(200);
      const otherOrg = await signupOrg(t, 'Other Org');
      const foreign = await createEndpoint('/other-org', ['payment.settled'], otherOrg);

      const { payment } = await settledPayment(t, agent);
      const eventRows = await query(sql`select id, type, payload from events where org_id = ${org.orgId}`);
      expect(eventRows).toHaveLength(1);
      const eventId = String(eventRows[0]!.id);
      expect(eventId).toMatch(/^evt_/);
      const deliveryRows = await query(sql`select endpoint_id, status, attempts from webhook_deliveries where event_id = ${eventId}`);
      expect(deliveryRows).toEqual([{ endpoint_id: subscribed.id, status: 'pending', attempts: 0 }]);
      expect(await query(sql`select id from webhook_deliveries where endpoint_id in (${unsubscribed.id}, ${disabled.id}, ${deleted.id}, ${foreign.id})`)).toEqual([]);

      expect(await deliver()).toBe(1);
      expect(receiver.requests.map((r) => r.path)).toEqual(['/subscribed']);
      const [req] = receiver.requests;
      expect(req!.method).toBe('POST');
      expect(req!.headers['content-type']).toMatch(/^application\/json/);
      expect(req!.headers['webhook-id']).toBe(eventId);

      const fetched = await t.request('GET', `/payments/${payment.payment_id}`, { token: org.orgKey });
      expect(fetched.status).toBe(200);
      expect(JSON.parse(req!.body)).toEqual({ type: 'payment.settled', timestamp: t.clock.now().toISOString(), data: fetched.body });
      expect(Object.keys(JSON.parse(req!.body))).toEqual(['type', 'timestamp', 'data']);

      // The reference library verifies the raw body with this endpoint's secret, and with no other.
      const headers = receiver.signatureHeaders(0);
      expect(new Webhook(subscribed.secret).verify(req!.body, headers)).toEqual(JSON.parse(req!.body));
      expect(() => new Webhook(foreign.secret).verify(req!.body, headers)).toThrow(WebhookVerificationError);
      expect(() => new Webhook(subscribed.secret).verify(req!.body.replace('"settled"', '"failed"'), headers)).toThrow(WebhookVerificationError);

      const d = await onlyDelivery(subscribed.id);
      expect(d).toMatchObject({ event_id: eventId, event_type: 'payment.settled', status: 'succeeded', attempts: 1, next_attempt_at: null, last_response_status: 200, last_error: null });
      expect(d.completed_at).toBe(t.clock.now().toISOString());
      expect(d.attempt_log).toEqual([{ attempt: 1, attempted_at: t.clock.now().toISOString(), response_status: 200, error: null, duration_ms: expect.any(Number) }]);
      expect(await listDeliveries(unsubscribed.id)).toEqual([]);
      expect(await listDeliveries(disabled.id)).toEqual([]);
      expect(await listDeliveries(foreign.id, otherOrg)).toEqual([]);

      // Done is done: the worker has nothing more to send.
      t.clock.advance(24 * HOUR);
      expect(await deliver()).toBe(0);
      expect(receiver.requests).toHaveLength(1);
    });

    it('writes no event and no delivery when the state change fails (insufficient funds), and one when it succeeds', async () => {
      const poor = await setupAgent(t, org, { balance: 1_000 });
      const endpoint = await createEndpoint('/hooks', ['payment.settled', 'payment.failed']);
      const mandate = await issueMandate(t, poor, { amount: 19_900 });
      expect(mandate.status).toBe(201);
      expectError(await t.request('POST', '/execute', { token: poor.agentKey, body: { mandate_id: mandate.body.id } }), 402, 'insufficient_funds');

      expect(await query(sql`select id from events where org_id = ${org.orgId}`)).toEqual([]);
      expect(await query(sql`select id from webhook_deliveries where org_id = ${org.orgId}`)).toEqual([]);
      expect(await deliver()).toBe(0);
      expect(receiver.requests).toEqual([]);

      // The same mandate after a top-up: the event appears with the payment.
      expect((await t.request('POST', `/agent-accounts/${poor.agentId}/top-ups`, { token: org.orgKey, body: { amount: 50_000, currency: 'INR' } })).status).toBe(201);
      const executed = await t.request('POST', '/execute', { token: poor.agentKey, idempotencyKey: 'execute-once', body: { mandate_id: mandate.body.id } });
      expect(executed.status).toBe(200);
      // A retried request answered from the idempotency store is not a second state change: no second event.
      const again = await t.request('POST', '/execute', { token: poor.agentKey, idempotencyKey: 'execute-once', body: { mandate_id: mandate.body.id } });
      expect(again.headers['idempotent-replayed']).toBe('true');
      const rows = await query(sql`select d.endpoint_id, e.type from webhook_deliveries d join events e on e.id = d.event_id where d.org_id = ${org.orgId}`);
      expect(rows).toEqual([{ endpoint_id: endpoint.id, type: 'payment.settled' }]);
    });
  });

  describe('retries', () => {
    beforeEach(async () => start());

    it('logs a 500, retries on schedule and not before, and succeeds when the receiver recovers', async () => {
      const endpoint = await createEndpoint('/flaky', ['payment.settled']);
      receiver.answer({ status: 500 });
      await settledPayment(t, agent);
      const t0 = t.clock.now().getTime();

      expect(await deliver()).toBe(1);
      let d = await onlyDelivery(endpoint.id);
      expect(d).toMatchObject({ status: 'pending', attempts: 1, last_response_status: 500, completed_at: null });
      expect(d.last_error).toMatch(/HTTP 500/);
      expect(d.attempt_log).toEqual([{ attempt: 1, attempted_at: new Date(t0).toISOString(), response_status: 500, error: expect.stringMatching(/HTTP 500/), duration_ms: expect.any(Number) }]);
      const retryIn = new Date(d.next_attempt_at).getTime() - t0;
      expectScheduledDelay(retryIn, 1);

      // Not due yet: nothing is sent, neither now nor a millisecond before it is due.
      expect(await deliver()).toBe(0);
      t.clock.advance(retryIn - 1);
      expect(await deliver()).toBe(0);
      expect(receiver.requests).toHaveLength(1);

      t.clock.advance(1);
      expect(await deliver()).toBe(1);
      expect(receiver.requests).toHaveLength(2);
      d = await onlyDelivery(endpoint.id);
      expect(d).toMatchObject({ status: 'pending', attempts: 2, last_response_status: 500 });
      const secondRetryIn = new Date(d.next_attempt_at).getTime() - t.clock.now().getTime();
      expectScheduledDelay(secondRetryIn, 2);

      receiver.answer({ status: 200 });
      advanceTo(d.next_attempt_at);
      expect(await deliver()).toBe(1);
      d = await onlyDelivery(endpoint.id);
      expect(d).toMatchObject({ status: 'succeeded', attempts: 3, next_attempt_at: null, last_response_status: 200, last_error: null, completed_at: t.clock.now().toISOString() });
      expect(d.attempt_log.map((a: { attempt: number; response_status: number }) => [a.attempt, a.response_status])).toEqual([[1, 500], [2, 500], [3, 200]]);
      expect(d.attempt_log[2].error).toBeNull();
      const times = d.attempt_log.map((a: { attempted_at: string }) => new Date(a.attempted_at).getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));

      // Every attempt is the same message: same webhook-id, same bytes.
      expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
      expect(receiver.requests[0]!.headers['webhook-id']).toBe(d.event_id);
      expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
      expect(await deliver()).toBe(0);
    });

    it('gives up after the whole schedule (over 24 h), disables the endpoint, and re-enabling clears the reason', async () => {
      const endpoint = await createEndpoint('/down', ['payment.settled']);
      await settledPayment(t, agent);
      await failThroughSchedule(endpoint.id);

      const d = await onlyDelivery(endpoint.id);
      expect(d).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, next_attempt_at: null, last_response_status: 500, completed_at: t.clock.now().toISOString() });
      expect(d.attempt_log.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(receiver.requests).toHaveLength(MAX_DELIVERY_ATTEMPTS);
      const times: number[] = d.attempt_log.map((a: { attempted_at: string }) => new Date(a.attempted_at).getTime());
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(24 * HOUR);
      // Each gap follows the schedule within its ±10 % jitter.
      times.slice(1).forEach((at, i) => expectScheduledDelay(at - times[i]!, i + 1));

      const disabled = await t.request('GET', `/webhook-endpoints/${endpoint.id}`, { token: org.orgKey });
      expect(disabled.body.enabled).toBe(false);
      expect(disabled.body.disabled_reason).toEqual(expect.stringContaining(`failed its last scheduled attempt (attempt ${MAX_DELIVERY_ATTEMPTS};`));

      // Nothing more goes to it: not the given-up delivery, not new events.
      receiver.answer({ status: 200 });
      t.clock.advance(48 * HOUR);
      await settledPayment(t, agent);
      expect(await deliver()).toBe(0);
      expect(receiver.requests).toHaveLength(MAX_DELIVERY_ATTEMPTS);
      expect(await listDeliveries(endpoint.id)).toHaveLength(1);

      const enabled = await t.request('PATCH', `/webhook-endpoints/${endpoint.id}`, { token: org.orgKey, body: { enabled: true } });
      expect(enabled.status).toBe(200);
      expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });
      expect((await t.request('GET', `/webhook-endpoints/${endpoint.id}`, { token: org.orgKey })).body.disabled_reason).toBeNull();
      // Re-enabled, it receives the next event (and the failed delivery stays failed).
      await settledPayment(t, agent);
      expect(await deliver()).toBe(1);
      expect(receiver.requests).toHaveLength(MAX_DELIVERY_ATTEMPTS + 1);
      // Two deliveries in all: the event raised while it was disabled was never queued for it.
      const all = await listDeliveries(endpoint.id);
      expect(all).toHaveLength(2);
      const [newest, oldest] = all;
      expect(newest).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(oldest).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS });
    });
  });

  describe('manual replay', () => {
    beforeEach(async () => start());

    it('sends a succeeded delivery again with the same webhook-id and the next attempt number', async () => {
      const endpoint = await createEndpoint('/replay', ['payment.settled']);
      await settledPayment(t, agent);
      expect(await deliver()).toBe(1);
      const first = await onlyDelivery(endpoint.id);
      expect(first.status).toBe('succeeded');

      t.clock.advance(60_000);
      const replay = await t.request('POST', `/webhook-endpoints/${endpoint.id}/deliveries/${first.id}/replay`, { token: org.orgKey });
      expect(replay.status, replay.text).toBe(200);
      expect(replay.body).toMatchObject({ id: first.id, status: 'pending', attempts: 1, next_attempt_at: t.clock.now().toISOString(), completed_at: null });
      expect(replay.text).not.toContain(endpoint.secret);

      expect(await deliver()).toBe(1);
      expect(receiver.requests).toHaveLength(2);
      expect(receiver.requests[1]!.headers['webhook-id']).toBe(first.event_id);
      expect(receiver.requests[1]!.body).toBe(receiver.requests[0]!.body);
      const after = await onlyDelivery(endpoint.id);
      expect(after).toMatchObject({ status: 'succeeded', attempts: 2, completed_at: t.clock.now().toISOString() });
      expect(after.attempt_log.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2]);
      expect(await deliver()).toBe(0);
    });

    it('sends a failed delivery again once the endpoint is re-enabled, continuing the attempt numbers', async () => {
      const endpoint = await createEndpoint('/replay-failed', ['payment.settled']);
      await settledPayment(t, agent);
      await failThroughSchedule(endpoint.id);
      const failed = await onlyDelivery(endpoint.id);
      expect(failed.status).toBe('failed');

      receiver.answer({ status: 200 });
      expect((await t.request('PATCH', `/webhook-endpoints/${endpoint.id}`, { token: org.orgKey, body: { enabled: true } })).status).toBe(200);
      // Re-enabling alone does not resurrect a given-up delivery.
      expect(await deliver()).toBe(0);
      const replay = await t.request('POST', `/webhook-endpoints/${endpoint.id}/deliveries/${failed.id}/replay`, { token: org.orgKey });
      expect(replay.status, replay.text).toBe(200);
      expect(replay.body).toMatchObject({ status: 'pending', attempts: MAX_DELIVERY_ATTEMPTS });

      expect(await deliver()).toBe(1);
      expect(receiver.requests).toHaveLength(MAX_DELIVERY_ATTEMPTS + 1);
      expect(receiver.requests.at(-1)!.headers['webhook-id']).toBe(failed.event_id);
      const after = await onlyDelivery(endpoint.id);
      expect(after).toMatchObject({ status: 'succeeded', attempts: MAX_DELIVERY_ATTEMPTS + 1, last_response_status: 200 });
      expect(after.attempt_log.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const endpointAfter = await t.request('GET', `/webhook-endpoints/${endpoint.id}`, { token: org.orgKey });
      expect(endpointAfter.body).toMatchObject({ enabled: true, disabled_reason: null });
    });
  });

  describe('a worker that dies mid-delivery', () => {
    beforeEach(async () => start());

    it('holds the delivery for the lease, then another worker delivers it', async () => {
      const leaseMs = t.appCtx.config.webhookDelivery.leaseMs;
      expect(leaseMs).toBe(60_000);
      const endpoint = await createEndpoint('/lease', ['payment.settled']);
      await settledPayment(t, agent);

      // The "dead" worker: it claimed the delivery and never sent or finished it.
      const claimed = await claimDueDeliveries(t.appCtx.database.db, t.clock.now(), leaseMs, 25);
      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toMatchObject({ endpointId: endpoint.id, attempt: 1 });

      expect(await deliver()).toBe(0);
      t.clock.advance(leaseMs - 1);
      expect(await deliver()).toBe(0);
      expect(receiver.requests).toHaveLength(0);
      expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: 'pending', attempts: 1, attempt_log: [] });

      t.clock.advance(1);
      expect(await deliver()).toBe(1);
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]!.headers['webhook-id']).toBe(claimed[0]!.eventId);
      const d = await onlyDelivery(endpoint.id);
      expect(d).toMatchObject({ status: 'succeeded', attempts: 2, last_response_status: 200 });
      expect(d.attempt_log.map((a: { attempt: number; response_status: number }) => [a.attempt, a.response_status])).toEqual([[2, 200]]);
      expect(await deliver()).toBe(0);
    });
  });

  describe('the delivery loop', () => {
    beforeEach(async () => start());

    it('delivers what becomes due while it runs, and stops when asked', async () => {
      const endpoint = await createEndpoint('/loop', ['payment.settled']);
      const loop = startDeliveryLoop(t.appCtx);
      try {
        await settledPayment(t, agent);
        await vi.waitFor(() => expect(receiver.requests).toHaveLength(1), { timeout: 15_000, interval: 50 });
        await vi.waitFor(async () => expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: 'succeeded', attempts: 1 }), { timeout: 15_000, interval: 100 });
      } finally {
        await loop.stop();
      }
      // Stopped: a new event stays queued until a worker runs again.
      await settledPayment(t, agent);
      const [queued] = await listDeliveries(endpoint.id);
      expect(queued).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await deliver()).toBe(1);
      expect(receiver.requests).toHaveLength(2);
    });
  });

  describe('a receiver that hangs', () => {
    beforeEach(async () => start({ env: { WEBHOOK_DELIVERY_TIMEOUT_MS: '300' } }));

    it('logs a timeout and retries later', async () => {
      const endpoint = await createEndpoint('/slow', ['payment.settled']);
      receiver.answer('hang');
      await settledPayment(t, agent);
      const t0 = t.clock.now().getTime();

      expect(await deliver()).toBe(1);
      expect(receiver.requests).toHaveLength(1);
      let d = await onlyDelivery(endpoint.id);
      expect(d).toMatchObject({ status: 'pending', attempts: 1, last_response_status: null });
      expect(d.attempt_log).toHaveLength(1);
      expect(d.attempt_log[0]).toMatchObject({ attempt: 1, response_status: null });
      expect(d.attempt_log[0].error).toMatch(/no response within 300 ms/);
      expect(d.last_error).toBe(d.attempt_log[0].error);
      expectScheduledDelay(new Date(d.next_attempt_at).getTime() - t0, 1);

      receiver.answer({ status: 200 });
      advanceTo(d.next_attempt_at);
      expect(await deliver()).toBe(1);
      d = await onlyDelivery(endpoint.id);
      expect(d).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(d.attempt_log.map((a: { attempt: number; response_status: number | null }) => [a.attempt, a.response_status])).toEqual([[1, null], [2, 200]]);
    });
  });

  describe('mandate and refund events', () => {
    beforeEach(async () => start());

    it('delivers mandate.pending_approval and mandate.approved with the mandate, and payment.refunded with the payment', async () => {
      const endpoint = await createEndpoint('/events', ['mandate.pending_approval', 'mandate.approved', 'payment.refunded']);
      const risky = await setupAgent(t, org, { riskTier: 'HIGH' });
      const mandate = await issueMandate(t, risky);
      expect(mandate.status).toBe(201);
      expect(mandate.body.status).toBe('pending_approval');

      expect(await deliver()).toBe(1);
      const pending = JSON.parse(receiver.requests[0]!.body);
      expect(pending).toEqual({ type: 'mandate.pending_approval', timestamp: t.clock.now().toISOString(), data: mandate.body });
      expect((await t.request('GET', `/mandates/${mandate.body.id}`, { token: org.orgKey })).body).toEqual(pending.data);
      expect(new Webhook(endpoint.secret).verify(receiver.requests[0]!.body, receiver.signatureHeaders(0))).toEqual(pending);

      t.clock.advance(1_000);
      const approved = await t.request('POST', `/mandates/${mandate.body.id}/approve`, { token: await loginToken(t, org.email, org.password) });
      expect(approved.status, approved.text).toBe(200);
      expect(await deliver()).toBe(1);
      const approvedEvent = JSON.parse(receiver.requests[1]!.body);
      expect(approvedEvent).toEqual({ type: 'mandate.approved', timestamp: t.clock.now().toISOString(), data: approved.body });
      expect(approvedEvent.data.status).toBe('active');
      expect((await t.request('GET', `/mandates/${mandate.body.id}`, { token: org.orgKey })).body).toEqual(approvedEvent.data);
      expect(receiver.requests[1]!.headers['webhook-id']).not.toBe(receiver.requests[0]!.headers['webhook-id']);

      // Executing it is payment.settled, which this endpoint did not subscribe to; the refund is.
      const executed = await t.request('POST', '/execute', { token: risky.agentKey, body: { mandate_id: mandate.body.id } });
      expect(executed.status, executed.text).toBe(200);
      expect(await deliver()).toBe(0);
      const refund = await t.request('POST', `/payments/${executed.body.payment_id}/refunds`, { token: org.orgKey, body: { amount: 900, reason: 'customer asked' } });
      expect(refund.status, refund.text).toBe(201);
      expect(await deliver()).toBe(1);
      expect(receiver.requests).toHaveLength(3);
      const refunded = JSON.parse(receiver.requests[2]!.body);
      const payment = await t.request('GET', `/payments/${executed.body.payment_id}`, { token: org.orgKey });
      expect(payment.body.refunded_amount).toBe(900);
      expect(refunded).toEqual({ type: 'payment.refunded', timestamp: t.clock.now().toISOString(), data: payment.body });

      const types = (await listDeliveries(endpoint.id)).map((d) => [d.event_type, d.status]);
      expect(types.sort()).toEqual([['mandate.approved', 'succeeded'], ['mandate.pending_approval', 'succeeded'], ['payment.refunded', 'succeeded']]);
    });
  });

  describe('the deliveries API', () => {
    beforeEach(async () => start());

    it('is for owners, admins and the org key of the endpoint\'s own org; ids are validated; secrets never shown', async () => {
      const endpoint = await createEndpoint('/api', ['payment.settled']);
      await settledPayment(t, agent);
      expect(await deliver()).toBe(1);
      const [delivery] = await listDeliveries(endpoint.id);
      expect(delivery!.id).toMatch(/^msg_[0-9A-Z]{32}$/);

      const list = await t.request('GET', `/webhook-endpoints/${endpoint.id}/deliveries`, { token: org.orgKey });
      expect(list.text).not.toContain(endpoint.secret);
      expect(list.text).not.toContain('whsec_');
      const admin = await memberSession(t, org, 'admin');
      expect((await t.request('GET', `/webhook-endpoints/${endpoint.id}/deliveries`, { token: admin })).status).toBe(200);

      const deliveriesUrl = `/webhook-endpoints/${endpoint.id}/deliveries`;
      const replayUrl = `${deliveriesUrl}/${delivery!.id}/replay`;
      for (const role of ['member', 'viewer'] as const) {
        const token = await memberSession(t, org, role);
        expectError(await t.request('GET', deliveriesUrl, { token }), 403, 'forbidden');
        expectError(await t.request('POST', replayUrl, { token }), 403, 'forbidden');
      }
      expectError(await t.request('GET', deliveriesUrl, { token: agent.agentKey }), 403, 'forbidden');

      const other = await signupOrg(t, 'Other');
      expectError(await t.request('GET', deliveriesUrl, { token: other.orgKey }), 404, 'not_found');
      expectError(await t.request('POST', replayUrl, { token: other.orgKey }), 404, 'not_found');
      const unknownEndpoint = `whe_${'0'.repeat(26)}`;
      expectError(await t.request('GET', `/webhook-endpoints/${unknownEndpoint}/deliveries`, { token: org.orgKey }), 404, 'not_found');
      expectError(await t.request('POST', `/webhook-endpoints/${endpoint.id}/deliveries/msg_${'0'.repeat(32)}/replay`, { token: org.orgKey }), 404, 'not_found');
      // A delivery of another endpoint is not found under this one.
      const second = await createEndpoint('/api-2', ['payment.refunded']);
      expectError(await t.request('POST', `/webhook-endpoints/${second.id}/deliveries/${delivery!.id}/replay`, { token: org.orgKey }), 404, 'not_found');

      expectValidationError(await t.request('POST', `${deliveriesUrl}/not-a-delivery/replay`, { token: org.orgKey }), 'params.delivery_id');
      expectValidationError(await t.request('POST', `${deliveriesUrl}/msg_XYZ/replay`, { token: org.orgKey }), 'params.delivery_id');
      expectValidationError(await t.request('GET', `${deliveriesUrl}?starting_after=nope`, { token: org.orgKey }), 'querystring.starting_after');

      // None of the refusals changed the delivery.
      expect(await deliver()).toBe(0);
      expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    });

    it('pages through every delivery with starting_after, newest first, even when several were created in the same millisecond', async () => {
      const endpoint = await createEndpoint('/pages', ['payment.settled']);
      // The clock does not move: the three events (and their deliveries) share one created_at.
      for (let i = 0; i < 3; i++) await settledPayment(t, agent);
      t.clock.advance(1_000);
      await settledPayment(t, agent);
      const all = await listDeliveries(endpoint.id);
      expect(all).toHaveLength(4);

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 6; page++) {
        const res = await t.request('GET', `/webhook-endpoints/${endpoint.id}/deliveries?limit=1${cursor ? `&starting_after=${cursor}` : ''}`, { token: org.orgKey });
        expect(res.status, res.text).toBe(200);
        expect(res.body.data.length).toBeLessThanOrEqual(1);
        seen.push(...res.body.data.map((d: { id: string }) => d.id));
        if (!res.body.has_more) break;
        cursor = res.body.data[0].id;
      }
      expect(seen).toEqual(all.map((d) => d.id));
      expect(new Date(all[0]!.created_at).getTime()).toBeGreaterThan(new Date(all[3]!.created_at).getTime());
    });
  });
});
