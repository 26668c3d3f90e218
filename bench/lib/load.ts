import { randomUUID } from 'node:crypto';
import autocannon, { type Client, type RequestSpec, type Result, type SequencedRequest } from 'autocannon';
import type { BenchAgent } from './fixture.ts';

export type Endpoint = 'POST /purchase-intents' | 'POST /mandates' | 'POST /execute';

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface EndpointResult {
  endpoint: Endpoint;
  succeeded: number;
  failed: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
}

export interface PhaseResult {
  phase: string;
  durationSeconds: number;
  connections: number;
  endpoints: EndpointResult[];
  connectionErrors: number;
  timeouts: number;
  non2xx: number;
  /** Set when a phase ran out of pre-made intents or mandates and stopped before its duration. */
  stoppedEarly: boolean;
  failureExamples: string[];
}

export interface LoadTarget {
  baseUrl: string;
  agents: BenchAgent[];
  connections: number;
  durationSeconds: number;
  paymentAmount: number;
  currency: string;
}

/** An id with the agent that owns it: requests about it must carry that agent's key. */
export interface OwnedId {
  id: string;
  agentIndex: number;
}

/** Ids made by one phase for the next, kept per agent. */
export class IdPool {
  private readonly perAgent = new Map<number, string[]>();

  add(owned: OwnedId): void {
    const ids = this.perAgent.get(owned.agentIndex) ?? [];
    ids.push(owned.id);
    this.perAgent.set(owned.agentIndex, ids);
  }

  /** The connection's own agent first, so agents do not share rows; when it runs dry, the agent with most left. */
  take(preferredAgent: number): OwnedId | undefined {
    const agentIndex = this.perAgent.get(preferredAgent)?.length ? preferredAgent : this.fullestAgent();
    const id = agentIndex === undefined ? undefined : this.perAgent.get(agentIndex)?.pop();
    return id === undefined || agentIndex === undefined ? undefined : { id, agentIndex };
  }

  private fullestAgent(): number | undefined {
    let fullest: number | undefined;
    let most = 0;
    for (const [agentIndex, ids] of this.perAgent) {
      if (ids.length > most) [fullest, most] = [agentIndex, ids.length];
    }
    return fullest;
  }
}

const MAX_FAILURE_EXAMPLES = 5;

/**
 * Latency per endpoint. autocannon reports one latency per response through its tracker, right
 * after it calls the request's onResponse, synchronously and in that order; so onResponse notes
 * which endpoint answered and the tracker's event that follows records the time under that name.
 */
class ResponseLog {
  private pending: { endpoint: Endpoint | null; ok: boolean } | null = null;
  private readonly latencies = new Map<Endpoint, number[]>();
  private readonly failures = new Map<Endpoint, number>();
  readonly failureExamples: string[] = [];

  noteResponse(endpoint: Endpoint | null, status: number, body: string): void {
    const ok = status >= 200 && status < 300;
    this.pending = { endpoint, ok };
    if (!ok && endpoint) {
      this.failures.set(endpoint, (this.failures.get(endpoint) ?? 0) + 1);
      if (this.failureExamples.length < MAX_FAILURE_EXAMPLES) this.failureExamples.push(`${endpoint} ${status} ${body.slice(0, 300)}`);
    }
  }

  recordLatency(ms: number): void {
    const pending = this.pending;
    this.pending = null;
    if (!pending?.endpoint || !pending.ok) return;
    const samples = this.latencies.get(pending.endpoint) ?? [];
    samples.push(ms);
    this.latencies.set(pending.endpoint, samples);
  }

  results(durationSeconds: number): EndpointResult[] {
    const endpoints = new Set<Endpoint>([...this.latencies.keys(), ...this.failures.keys()]);
    return [...endpoints].map((endpoint) => {
      const samples = this.latencies.get(endpoint) ?? [];
      return {
        endpoint,
        succeeded: samples.length,
        failed: this.failures.get(endpoint) ?? 0,
        requestsPerSecond: round(samples.length / durationSeconds, 1),
        latencyMs: summarizeLatencies(samples),
      };
    });
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Nearest-rank percentiles over every recorded sample. */
export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!, 2);
  const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
  return { count: sorted.length, mean: round(mean, 2), p50: at(50), p95: at(95), p99: at(99), max: round(sorted.at(-1)!, 2) };
}

function parseId(body: string, key: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const id = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[key] : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Every POST carries the agent's key and a fresh Idempotency-Key. */
function signedPost(request: RequestSpec, agent: BenchAgent, path: string, body: unknown): RequestSpec {
  request.method = 'POST';
  request.path = path;
  request.headers = { authorization: `Bearer ${agent.apiKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() };
  request.body = JSON.stringify(body);
  return request;
}

type Take = () => OwnedId | undefined;
type Keep = (owned: OwnedId) => void;

/**
 * What a step does when it has no id to act on. In a chained flow the previous step failed, so the
 * sequence starts again (autocannon restarts on null). In a pool phase the pool ran dry, so the phase
 * ends; until autocannon stops, the connection sends an uncounted GET /healthz.
 */
type WhenMissing = 'restart' | 'end_phase';

/** The requests one connection can send. A connection sends one request at a time (no pipelining). */
interface ConnectionSteps {
  createIntent(keep: Keep): SequencedRequest;
  createMandate(take: Take, keep: Keep): SequencedRequest;
  execute(take: Take): SequencedRequest;
}

interface StepsContext {
  target: LoadTarget;
  agentIndex: number;
  log: ResponseLog;
  whenMissing: WhenMissing;
  endPhase: () => void;
}

function connectionSteps({ target, agentIndex, log, whenMissing, endPhase }: StepsContext): ConnectionSteps {
  let inFlight: { endpoint: Endpoint | null; subject: OwnedId | null } = { endpoint: null, subject: null };
  const send = (endpoint: Endpoint, subject: OwnedId | null, request: RequestSpec, path: string, body: unknown) => {
    inFlight = { endpoint, subject };
    return signedPost(request, target.agents[subject?.agentIndex ?? agentIndex]!, path, body);
  };
  const withSubject = (endpoint: Endpoint, take: Take, build: (request: RequestSpec, subject: OwnedId) => RequestSpec) => (request: RequestSpec) => {
    const subject = take();
    if (subject) return build(request, subject);
    if (whenMissing === 'restart') return null;
    endPhase();
    inFlight = { endpoint: null, subject: null };
    return { ...request, method: 'GET' as const, path: '/healthz', headers: {}, body: '' };
  };
  const answer = (idKey: string | null, keep: Keep | null) => (status: number, body: string) => {
    log.noteResponse(inFlight.endpoint, status, body);
    const id = inFlight.endpoint && idKey && status < 300 ? parseId(body, idKey) : undefined;
    if (id && keep) keep({ id, agentIndex: inFlight.subject?.agentIndex ?? agentIndex });
  };
  return {
    createIntent: (keep) => ({
      setupRequest: (request) => send('POST /purchase-intents', null, request, '/purchase-intents', { vendor: target.agents[agentIndex]!.vendorId, amount: target.paymentAmount, currency: target.currency, description: 'benchmark' }),
      onResponse: answer('intent_id', keep),
    }),
    createMandate: (take, keep) => ({
      setupRequest: withSubject('POST /mandates', take, (request, intent) => send('POST /mandates', intent, request, '/mandates', { intent_id: intent.id, policy_id: target.agents[intent.agentIndex]!.policyId })),
      onResponse: answer('mandate_id', keep),
    }),
    execute: (take) => ({
      setupRequest: withSubject('POST /execute', take, (request, mandate) => send('POST /execute', mandate, request, '/execute', { mandate_id: mandate.id })),
      onResponse: answer(null, null),
    }),
  };
}

/** How the connection acting as agent `agentIndex` loops. */
export interface ConnectionPlan {
  whenMissing: WhenMissing;
  requests(steps: ConnectionSteps, agentIndex: number): SequencedRequest[];
}

export const createIntents = (intents: IdPool): ConnectionPlan => ({
  whenMissing: 'end_phase',
  requests: (steps) => [steps.createIntent((intent) => intents.add(intent))],
});

export const createMandates = (intents: IdPool, mandates: IdPool): ConnectionPlan => ({
  whenMissing: 'end_phase',
  requests: (steps, agentIndex) => [steps.createMandate(() => intents.take(agentIndex), (mandate) => mandates.add(mandate))],
});

export const executeMandates = (mandates: IdPool): ConnectionPlan => ({
  whenMissing: 'end_phase',
  requests: (steps, agentIndex) => [steps.execute(() => mandates.take(agentIndex))],
});

/** The plan's "100 concurrent users": each connection loops intent → mandate → execute on its own objects. */
export const fullFlow: ConnectionPlan = {
  whenMissing: 'restart',
  requests: (steps) => {
    let intent: OwnedId | undefined;
    let mandate: OwnedId | undefined;
    const takeOnce = (read: () => OwnedId | undefined, clear: () => void): Take => () => {
      const owned = read();
      clear();
      return owned;
    };
    return [
      steps.createIntent((created) => (intent = created)),
      steps.createMandate(takeOnce(() => intent, () => (intent = undefined)), (created) => (mandate = created)),
      steps.execute(takeOnce(() => mandate, () => (mandate = undefined))),
    ];
  },
};

/** Runs one phase: `connections` keep-alive connections for `durationSeconds`, connection i acting as agent i mod agents. */
export async function runPhase(phase: string, target: LoadTarget, plan: ConnectionPlan): Promise<PhaseResult> {
  const log = new ResponseLog();
  let stoppedEarly = false;
  let stop: () => void = () => undefined;
  const endPhase = () => {
    stoppedEarly = true;
    stop();
  };
  const filler: SequencedRequest = { method: 'GET', path: '/healthz', onResponse: (status, body) => log.noteResponse(null, status, body) };
  let nextAgent = 0;
  const instance = autocannon({
    url: target.baseUrl,
    connections: target.connections,
    duration: target.durationSeconds,
    requests: [filler],
    setupClient: (client: Client) => {
      const agentIndex = nextAgent++ % target.agents.length;
      const steps = connectionSteps({ target, agentIndex, log, whenMissing: plan.whenMissing, endPhase });
      client.setRequests(plan.requests(steps, agentIndex));
    },
  });
  stop = () => instance.stop();
  if (stoppedEarly) stop();
  instance.on('response', (_client: unknown, _status: unknown, _bytes: unknown, responseTimeMs: unknown) => {
    if (typeof responseTimeMs === 'number') log.recordLatency(responseTimeMs);
  });
  const result: Result = await instance;
  return {
    phase,
    durationSeconds: result.duration,
    connections: target.connections,
    endpoints: log.results(result.duration),
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    stoppedEarly,
    failureExamples: log.failureExamples,
  };
}
