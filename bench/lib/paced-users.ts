import { randomUUID } from 'node:crypto';
import { summarizeLatencies, type Endpoint, type EndpointResult, type LoadTarget, type PhaseResult } from './load.ts';

/**
 * The plan's "100 concurrent users": each user runs intent → mandate → execute with think time
 * between requests. Think times are random (exponential, mean `1 / rate`) and users start at random
 * offsets, so requests arrive spread out as real users' do — not in one burst per second, which is
 * what autocannon's per-connection rate produces when all its connections start together.
 */
export async function runPacedUsers(target: LoadTarget, requestsPerSecondPerUser: number): Promise<PhaseResult> {
  const meanThinkMs = 1000 / requestsPerSecondPerUser;
  const latencies = new Map<Endpoint, number[]>();
  const failures = new Map<Endpoint, number>();
  const failureExamples: string[] = [];
  let connectionErrors = 0;
  const startedAt = performance.now();
  const endAt = startedAt + target.durationSeconds * 1000;
  const think = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const exponential = () => -Math.log(1 - Math.random()) * meanThinkMs;

  async function post(endpoint: Endpoint, path: string, key: string, body: unknown): Promise<Record<string, unknown> | null> {
    const sentAt = performance.now();
    try {
      // Node's fetch keeps connections alive and opens one per concurrent user at most.
      const res = await fetch(`${target.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 200 && res.status < 300) {
        const samples = latencies.get(endpoint) ?? [];
        samples.push(performance.now() - sentAt);
        latencies.set(endpoint, samples);
        return JSON.parse(text) as Record<string, unknown>;
      }
      failures.set(endpoint, (failures.get(endpoint) ?? 0) + 1);
      if (failureExamples.length < 5) failureExamples.push(`${endpoint} ${res.status} ${text.slice(0, 300)}`);
    } catch {
      connectionErrors++;
    }
    return null;
  }

  async function user(index: number) {
    const agent = target.agents[index % target.agents.length]!;
    await think(Math.random() * meanThinkMs);
    while (performance.now() < endAt) {
      const intent = await post('POST /purchase-intents', '/purchase-intents', agent.apiKey, { vendor: agent.vendorId, amount: target.paymentAmount, currency: target.currency });
      await think(exponential());
      if (!intent || performance.now() >= endAt) continue;
      const mandate = await post('POST /mandates', '/mandates', agent.apiKey, { intent_id: intent.id, policy_id: agent.policyId });
      await think(exponential());
      if (!mandate || performance.now() >= endAt) continue;
      await post('POST /execute', '/execute', agent.apiKey, { mandate_id: mandate.id });
      await think(exponential());
    }
  }

  await Promise.all(Array.from({ length: target.connections }, (_, i) => user(i)));
  const durationSeconds = (performance.now() - startedAt) / 1000;
  const endpoints: EndpointResult[] = (['POST /purchase-intents', 'POST /mandates', 'POST /execute'] as const).map((endpoint) => {
    const samples = latencies.get(endpoint) ?? [];
    return {
      endpoint,
      succeeded: samples.length,
      failed: failures.get(endpoint) ?? 0,
      requestsPerSecond: Math.round((samples.length / durationSeconds) * 10) / 10,
      latencyMs: summarizeLatencies(samples),
    };
  });
  return {
    phase: 'paced users',
    durationSeconds: Math.round(durationSeconds * 100) / 100,
    connections: target.connections,
    endpoints,
    connectionErrors,
    timeouts: 0,
    non2xx: [...failures.values()].reduce((a, b) => a + b, 0),
    stoppedEarly: false,
    failureExamples,
  };
}
