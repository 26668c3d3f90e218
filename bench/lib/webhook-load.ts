import { randomBytes } from 'node:crypto';
import autocannon, { type Client, type RequestSpec, type Result, type SequencedRequest } from 'autocannon';
import Stripe from 'stripe';
import { stripeEvent, type FakeStripe } from '../../apps/server/test/support/fake-stripe.ts';
import { summarizeLatencies, type LatencySummary } from './load.ts';
import type { PendingPayment } from './webhook-fixture.ts';

/** What the server should answer for an event (`outcome` in `{"received":true,"outcome":…}`). */
export type ExpectedOutcome = 'unmatched' | 'ignored' | 'applied';

export interface InboundEvent {
  event: object;
  expected: ExpectedOutcome;
}

/** The next event to send, or undefined when there is none left (the phase then ends). */
export type EventSource = () => InboundEvent | undefined;

export interface InboundTarget {
  baseUrl: string;
  connections: number;
  durationSeconds: number;
  webhookSecret: string;
}

export interface InboundPhaseResult {
  phase: string;
  /** What was sent, in words. */
  mix: string;
  durationSeconds: number;
  connections: number;
  /** 2xx answers with the expected outcome. */
  succeeded: number;
  requestsPerSecond: number;
  /** Of the 2xx answers (autocannon's time from writing the request to reading the whole response). */
  latencyMs: LatencySummary;
  /** Outcomes the server reported in 2xx answers. */
  outcomes: Record<string, number>;
  /** 2xx answers whose outcome was not the expected one (e.g. `duplicate`). */
  unexpectedOutcomes: number;
  non2xx: number;
  connectionErrors: number;
  timeouts: number;
  /** Set when the event source ran dry (no pending payment left) before the duration. */
  stoppedEarly: boolean;
  failureExamples: string[];
}

const MAX_FAILURE_EXAMPLES = 5;
const IGNORED_TYPES = ['payment_intent.created', 'charge.succeeded', 'customer.updated', 'payment_method.attached'];
/** Signs like Stripe does; the key is never used to call Stripe. */
const signer = new Stripe('sk_test_x');

function eventId(): string {
  return `evt_${randomBytes(12).toString('hex')}`;
}

/** A PaymentIntent in Stripe's shape, as a payment_intent.* event carries it. */
function paymentIntentObject(paymentId: string, amount: number, currency: string): Record<string, unknown> {
  const id = `pi_${randomBytes(12).toString('hex')}`;
  return {
    id,
    object: 'payment_intent',
    amount,
    amount_received: amount,
    currency: currency.toLowerCase(),
    customer: 'cus_bench',
    payment_method: 'pm_card_visa',
    status: 'succeeded',
    metadata: { payment_id: paymentId, org_id: 'org_bench', vendor: 'bench_stripe' },
    description: 'webhook benchmark',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    latest_charge: `ch_${randomBytes(12).toString('hex')}`,
    last_payment_error: null,
    next_action: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    confirmation_method: 'automatic',
    client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
  };
}

/**
 * Events that are verified and claimed but match nothing: one in `ignoredOneIn` is of a type the server
 * ignores, the rest are `payment_intent.succeeded` for a payment id and PaymentIntent that do not exist
 * (`unmatched`: both lookups run under the transaction, then the claim's outcome is written).
 */
export function unmatchedAndIgnoredEvents(ignoredOneIn: number, amount: number, currency: string): EventSource {
  let sent = 0;
  return () => {
    const n = sent++;
    const intent = paymentIntentObject(`pay_nomatch_${randomBytes(10).toString('hex')}`, amount, currency);
    if (n % ignoredOneIn === ignoredOneIn - 1) return { event: stripeEvent(IGNORED_TYPES[n % IGNORED_TYPES.length]!, intent, { id: eventId() }), expected: 'ignored' };
    return { event: stripeEvent('payment_intent.succeeded', intent, { id: eventId() }), expected: 'unmatched' };
  };
}

/** payment_intent.succeeded for each pending payment in turn, as the fake Stripe holds its PaymentIntent. */
export function settlementEvents(stripe: FakeStripe, pending: PendingPayment[]): EventSource {
  let next = 0;
  return () => {
    const payment = pending[next++];
    return payment ? { event: stripe.eventFor('payment_intent.succeeded', payment.railReference), expected: 'applied' } : undefined;
  };
}

function outcomeOf(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    const outcome = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).outcome : undefined;
    return typeof outcome === 'string' ? outcome : '?';
  } catch {
    return '?';
  }
}

/**
 * Latency of the answers that count. autocannon emits `response` with the latency right after it calls
 * the request's onResponse, synchronously (see ResponseLog in load.ts), so onResponse notes whether
 * the answer counts and the event that follows records its time.
 */
class InboundLog {
  private pendingCounts = false;
  readonly latencies: number[] = [];
  readonly outcomes: Record<string, number> = {};
  unexpected = 0;
  readonly failureExamples: string[] = [];

  note(expected: ExpectedOutcome | null, status: number, body: string): void {
    this.pendingCounts = false;
    if (expected === null) return;
    if (status < 200 || status >= 300) {
      if (this.failureExamples.length < MAX_FAILURE_EXAMPLES) this.failureExamples.push(`${status} ${body.slice(0, 300)}`);
      return;
    }
    const outcome = outcomeOf(body);
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
    if (outcome === expected) {
      this.pendingCounts = true;
    } else {
      this.unexpected++;
      if (this.failureExamples.length < MAX_FAILURE_EXAMPLES) this.failureExamples.push(`expected ${expected}, got ${status} ${body.slice(0, 300)}`);
    }
  }

  recordLatency(ms: number): void {
    if (this.pendingCounts) this.latencies.push(ms);
    this.pendingCounts = false;
  }
}

/**
 * One inbound phase: `connections` keep-alive connections POST /webhooks/stripe with no think time, each
 * request a new event signed just before it is sent (Stripe-Signature over the exact body, timestamp
 * now), so every request is verified, claimed and applied by the server. Ends after the duration, or
 * when the source has run dry and every event sent has been answered; meanwhile a connection with
 * nothing to send sends an uncounted GET /healthz. (A request lost to a connection error is not
 * waited for: the phase then runs to its duration.)
 */
export async function runInboundPhase(phase: string, mix: string, target: InboundTarget, source: EventSource): Promise<InboundPhaseResult> {
  const log = new InboundLog();
  let stoppedEarly = false;
  let stop: () => void = () => undefined;
  // A dry source ends the phase once the events already sent are answered, so none of them goes uncounted.
  let inFlight = 0;
  let dry = false;
  const stopWhenDrained = () => {
    if (!dry || inFlight > 0 || stoppedEarly) return;
    stoppedEarly = true;
    // After autocannon has emitted this response's latency (it does so right after onResponse returns).
    setImmediate(() => stop());
  };
  const connectionRequests = (): SequencedRequest[] => {
    let expected: ExpectedOutcome | null = null;
    return [{
      setupRequest: (request: RequestSpec) => {
        const next = dry ? undefined : source();
        if (!next) {
          expected = null;
          dry = true;
          stopWhenDrained();
          return { ...request, method: 'GET', path: '/healthz', headers: {}, body: '' };
        }
        expected = next.expected;
        inFlight++;
        // Pretty-printed like Stripe's deliveries; the signature covers these exact bytes.
        const payload = JSON.stringify(next.event, null, 2);
        const signature = signer.webhooks.generateTestHeaderString({ payload, secret: target.webhookSecret });
        request.method = 'POST';
        request.path = '/webhooks/stripe';
        request.headers = { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature };
        request.body = payload;
        return request;
      },
      onResponse: (status: number, body: string) => {
        log.note(expected, status, body);
        if (expected === null) return;
        inFlight--;
        stopWhenDrained();
      },
    }];
  };
  const instance = autocannon({
    url: target.baseUrl,
    connections: target.connections,
    duration: target.durationSeconds,
    requests: [{ method: 'GET', path: '/healthz' }],
    setupClient: (client: Client) => client.setRequests(connectionRequests()),
  });
  stop = () => instance.stop();
  instance.on('response', (_client: unknown, _status: unknown, _bytes: unknown, responseTimeMs: unknown) => {
    if (typeof responseTimeMs === 'number') log.recordLatency(responseTimeMs);
  });
  const result: Result = await instance;
  const succeeded = log.latencies.length;
  return {
    phase,
    mix,
    durationSeconds: result.duration,
    connections: target.connections,
    succeeded,
    requestsPerSecond: Math.round((succeeded / result.duration) * 10) / 10,
    latencyMs: summarizeLatencies(log.latencies),
    outcomes: log.outcomes,
    unexpectedOutcomes: log.unexpected,
    non2xx: result.non2xx,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    stoppedEarly,
    failureExamples: log.failureExamples,
  };
}
