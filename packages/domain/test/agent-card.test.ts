import { describe, expect, it } from 'vitest';
import {
  A2A_INPUT_MODES,
  A2A_PRICING_EXTENSION_URI,
  agentCardSigningInput,
  buildAgentCard,
  generateSigningSeed,
  parseManifest,
  signAgentCard,
  signingKeyFromSeed,
  verifyAgentCard,
  type AgentManifest,
} from '../src/index.ts';
import { validManifest } from './fixtures.ts';

function manifest(overrides: Partial<Record<keyof AgentManifest, unknown>> = {}): AgentManifest {
  const parsed = parseManifest(validManifest(overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.manifest;
}

const input = (m: AgentManifest) => ({ agentId: 'agt_hello_world', manifest: m, endpointUrl: 'https://api.example.com/a2a/agents/agt_hello_world', protocolVersion: '1.0' });

describe('buildAgentCard', () => {
  it('derives one priced skill from the manifest', () => {
    const card = buildAgentCard(input(manifest()));
    expect(card).toMatchObject({
      name: 'Hello World',
      description: 'Greets whoever you name.',
      version: '1.0.0',
      supportedInterfaces: [{ url: 'https://api.example.com/a2a/agents/agt_hello_world', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
      provider: { organization: 'Ada', url: 'https://example.com' },
      defaultInputModes: A2A_INPUT_MODES,
      securitySchemes: { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer' } } },
    });
    expect(card.capabilities.extensions).toEqual([expect.objectContaining({
      uri: A2A_PRICING_EXTENSION_URI,
      params: { skills: [{ skill_id: 'agt_hello_world', model: 'per_execution', amount: 100, currency: 'INR' }] },
    })]);
    expect(card.skills).toHaveLength(1);
    expect(card.skills[0]).toMatchObject({ id: 'agt_hello_world', tags: ['productivity', 'demo', 'greeting'] });
  });

  it('samples an example from the field types when the manifest has none', () => {
    const m = manifest({
      inputs: [
        { name: 'name', type: 'string', required: true, description: 'Who to greet' },
        { name: 'plain', type: 'string', required: true },
        { name: 'n', type: 'number', required: true },
        { name: 'b', type: 'boolean', required: true },
        { name: 'o', type: 'object', required: true },
        { name: 'a', type: 'array', required: true },
      ],
    });
    expect(JSON.parse(buildAgentCard(input(m)).skills[0]!.examples[0]!)).toEqual({ name: 'Who to greet', plain: 'text', n: 1, b: true, o: {}, a: [] });
  });

  it('uses the manifest\'s own examples when it has them', () => {
    const base = validManifest();
    const m = manifest({ metadata: { ...(base.metadata as object), examples: [{ name: 'Grace', inputs: { name: 'Grace' } }] } });
    expect(buildAgentCard(input(m)).skills[0]!.examples).toEqual([JSON.stringify({ name: 'Grace' })]);
  });

  it('falls back to the name for a blank description and leaves out a provider without a homepage', () => {
    const base = validManifest();
    const m = manifest({ description: '   ', metadata: { ...(base.metadata as object), homepage: undefined, documentation: 'https://docs.example.com' } });
    const card = buildAgentCard(input(m));
    expect(card.description).toBe('Hello World');
    expect(card).not.toHaveProperty('provider');
    expect(card.documentationUrl).toBe('https://docs.example.com');
  });
});

describe('agent card signatures', () => {
  it('signs the canonical form without signatures and verifies with the published key', async () => {
    const key = await signingKeyFromSeed(generateSigningSeed());
    const card = await signAgentCard(buildAgentCard(input(manifest())), key, 'https://api.example.com/.well-known/jwks.json');
    expect(card.signatures).toHaveLength(1);
    const header = JSON.parse(Buffer.from(card.signatures![0]!.protected, 'base64url').toString('utf8'));
    expect(header).toEqual({ alg: 'EdDSA', typ: 'JOSE', kid: key.kid, jku: 'https://api.example.com/.well-known/jwks.json' });
    expect(agentCardSigningInput(card)).toBe(agentCardSigningInput({ ...card, signatures: undefined }));
    expect(await verifyAgentCard(card, [key.publicJwk])).toBe(true);
    // Key order does not matter: the signature covers the RFC 8785 form.
    const reordered = Object.fromEntries(Object.entries(card).reverse());
    expect(await verifyAgentCard(reordered, [key.publicJwk])).toBe(true);
  });

  it('refuses a tampered card, an unknown key, another key and malformed signatures', async () => {
    const key = await signingKeyFromSeed(generateSigningSeed());
    const other = await signingKeyFromSeed(generateSigningSeed());
    const card = await signAgentCard(buildAgentCard(input(manifest())), key, 'https://api.example.com/.well-known/jwks.json');
    expect(await verifyAgentCard({ ...card, name: 'Evil' }, [key.publicJwk])).toBe(false);
    expect(await verifyAgentCard(card, [other.publicJwk])).toBe(false);
    expect(await verifyAgentCard(card, [{ ...other.publicJwk, kid: key.kid }])).toBe(false);
    expect(await verifyAgentCard({ ...card, signatures: undefined }, [key.publicJwk])).toBe(false);
    expect(await verifyAgentCard({ ...card, signatures: [{ protected: 1 }, null, { protected: 'e30', signature: 'AA' }] }, [key.publicJwk])).toBe(false);
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url');
    expect(await verifyAgentCard({ ...card, signatures: [{ protected: noneHeader, signature: card.signatures![0]!.signature }] }, [key.publicJwk])).toBe(false);
  });

  it('reports a card that cannot be canonicalized as a domain error', () => {
    expect(() => agentCardSigningInput({ n: Number.NaN } as object)).toThrow(expect.objectContaining({ code: 'internal_error' }));
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => agentCardSigningInput(circular)).toThrow(expect.objectContaining({ code: 'internal_error' }));
  });
});
