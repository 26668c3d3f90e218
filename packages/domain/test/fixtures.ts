import { buildMandateClaims, type AgentManifest, type MandateClaimsInput } from '../src/index.ts';

export const ISSUED_AT = new Date('2026-03-02T06:30:00.750Z');

export const claimsInput: MandateClaimsInput = {
  mandate_id: 'mdt_01JNQ8ZK3W7Y5V2T1R0P9M8N7B',
  intent_id: 'pi_01JNQ8ZK3W7Y5V2T1R0P9M8N7C',
  agent_account_id: 'aga_01JNQ8ZK3W7Y5V2T1R0P9M8N7D',
  org_id: 'org_01JNQ8ZK3W7Y5V2T1R0P9M8N7E',
  vendor: 'openai',
  amount: 25_000,
  currency: 'INR',
  policy_id: 'pol_01JNQ8ZK3W7Y5V2T1R0P9M8N7F',
  policy_version: 3,
  nonce: 'n0nce-abc',
  issuedAt: ISSUED_AT,
  ttlSeconds: 300,
};

export const sampleClaims = buildMandateClaims(claimsInput);

export function validManifest(overrides: Partial<Record<keyof AgentManifest, unknown>> = {}): Record<string, unknown> {
  return {
    id: 'agt_hello_world',
    name: 'Hello World',
    version: '1.0.0',
    description: 'Greets whoever you name.',
    author: { developer_id: 'dev_01', name: 'Ada', email: 'ada@example.com' },
    pricing: { model: 'per_execution', amount: 100, currency: 'INR' },
    inputs: [{ name: 'name', type: 'string', required: true, description: 'Who to greet' }, { name: 'times', type: 'number', required: false }],
    outputs: [{ name: 'greeting', type: 'string', description: 'The greeting' }, { name: 'extra', type: 'object', required: false }],
    capabilities: ['http_request'],
    runtime: { language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: 5000, memory_mb: 64 },
    metadata: { category: 'productivity', tags: ['demo', 'greeting'], homepage: 'https://example.com' },
    ...overrides,
  };
}
