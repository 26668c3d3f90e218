import canonicalize from 'canonicalize';
import { base64url, FlattenedSign, flattenedVerify, importJWK, type JWK } from 'jose';
import { DomainError } from '../errors.ts';
import type { AgentManifest } from '../agents/agent-manifest.ts';
import type { SigningKey } from '../mandate/signing-key.ts';

/**
 * The A2A (Agent2Agent, v1.0) Agent Card of a marketplace agent, in the protocol's ProtoJSON form
 * (`lf.a2a.v1.AgentCard`: camelCase names, oneof members as keys). Only the fields FrameOS fills.
 *
 * Every value is present and non-default (no `""`, `[]`, `{}` or `required: false`), so the RFC 8785
 * form of the card is exactly the canonical form the specification (§8.4.1) and the SDKs sign and
 * verify: a default value would be dropped by a verifier and the signature would not match.
 */
export type A2AAgentCard = {
  name: string;
  description: string;
  supportedInterfaces: Array<{ url: string; protocolBinding: 'JSONRPC'; protocolVersion: string }>;
  provider?: { organization: string; url: string };
  version: string;
  documentationUrl?: string;
  capabilities: {
    streaming: boolean;
    pushNotifications: boolean;
    extensions: Array<{ uri: string; description: string; params: A2APricingParams }>;
  };
  securitySchemes: Record<string, { httpAuthSecurityScheme: { scheme: string; description: string } }>;
  defaultInputModes: string[];
  defaultOutputModes: string[];
  skills: A2AAgentSkill[];
  signatures?: A2AAgentCardSignature[];
};

export type A2AAgentSkill = {
  id: string;
  name: string;
  description: string;
  tags: string[];
  examples: string[];
  inputModes: string[];
  outputModes: string[];
};

/** `AgentCardSignature`: a detached JWS (its payload is the card's canonical form). */
export type A2AAgentCardSignature = {
  protected: string;
  signature: string;
};

/** The FrameOS pricing extension's parameters: what one call of each skill costs. */
export type A2APricingParams = {
  skills: Array<{
    skill_id: string;
    /** per_execution | pay_per_use (the price of one unit) | subscription (per 30-day period). */
    model: string;
    /** Integer minor units of `currency` (cents, paise). */
    amount: number;
    currency: string;
  }>;
};

/** Identifies the FrameOS pricing extension in `capabilities.extensions` (docs/a2a.md). */
export const A2A_PRICING_EXTENSION_URI = 'https://frameos.dev/a2a/extensions/pricing/v1';
/** Media types: inputs are one JSON object (a data part, or a text part holding JSON); outputs are one. */
export const A2A_INPUT_MODES = ['application/json', 'text/plain'];
export const A2A_OUTPUT_MODES = ['application/json'];
/** The card's one security scheme: the paying agent account's key. */
export const A2A_SECURITY_SCHEME = 'bearer';

export interface AgentCardInput {
  agentId: string;
  manifest: AgentManifest;
  /** The agent's A2A JSON-RPC endpoint, absolute. */
  endpointUrl: string;
  /** The A2A protocol version the endpoint speaks (Major.Minor). */
  protocolVersion: string;
}

/** An example message for the skill: a JSON object of the inputs, each with a placeholder of its type. */
function inputsExample(manifest: AgentManifest): string {
  const sample = (type: string, description: string | undefined): unknown => {
    switch (type) {
      case 'number': return 1;
      case 'boolean': return true;
      case 'object': return {};
      case 'array': return [];
      default: return description ?? 'text';
    }
  };
  return JSON.stringify(Object.fromEntries(manifest.inputs.map((field) => [field.name, sample(field.type, field.description)])));
}

/** The card of an approved agent, unsigned: one skill (the agent), priced by the pricing extension. */
export function buildAgentCard(input: AgentCardInput): A2AAgentCard {
  const { agentId, manifest } = input;
  const description = manifest.description.trim() || manifest.name;
  const { amount, currency, model } = manifest.pricing;
  const tags = [...new Set([manifest.metadata.category, ...manifest.metadata.tags])];
  const card: A2AAgentCard = {
    name: manifest.name,
    description,
    supportedInterfaces: [{ url: input.endpointUrl, protocolBinding: 'JSONRPC', protocolVersion: input.protocolVersion }],
    version: manifest.version,
    capabilities: {
      streaming: false,
      pushNotifications: false,
      extensions: [{
        uri: A2A_PRICING_EXTENSION_URI,
        description: `Each call is paid from the caller's FrameOS agent account under its policy: ${model} ${amount} ${currency} minor units.`,
        params: { skills: [{ skill_id: agentId, model, amount, currency }] },
      }],
    },
    securitySchemes: {
      [A2A_SECURITY_SCHEME]: {
        httpAuthSecurityScheme: {
          scheme: 'Bearer',
          description: 'A FrameOS agent key (fos_agent_…) of the agent account that pays: the run goes through that account\'s deployment of this agent and its policy.',
        },
      },
    },
    defaultInputModes: A2A_INPUT_MODES,
    defaultOutputModes: A2A_OUTPUT_MODES,
    skills: [{
      id: agentId,
      name: manifest.name,
      description,
      tags,
      // The manifest's own examples (as the agent SDK writes them) when it has any, else a sample from the field types.
      examples: manifest.metadata.examples?.length ? manifest.metadata.examples.map((e) => JSON.stringify(e.inputs)) : [inputsExample(manifest)],
      inputModes: A2A_INPUT_MODES,
      outputModes: A2A_OUTPUT_MODES,
    }],
  };
  if (manifest.metadata.homepage) card.provider = { organization: manifest.author.name, url: manifest.metadata.homepage };
  if (manifest.metadata.documentation) card.documentationUrl = manifest.metadata.documentation;
  return card;
}

/** The bytes a card signature covers: the RFC 8785 canonical JSON of the card without `signatures`. */
export function agentCardSigningInput(card: object): string {
  const { signatures: _signatures, ...content } = card as { signatures?: unknown };
  let json: string | undefined;
  try {
    json = canonicalize(content);
  } catch (error) {
    throw new DomainError('internal_error', `the agent card cannot be canonicalized: ${(error as Error).message}`);
  }
  if (json === undefined) throw new DomainError('internal_error', 'the agent card cannot be canonicalized');
  return json;
}

/**
 * Signs the card with the platform key (spec §8.4.2): a JWS whose protected header names the key
 * (`kid`, published in `jku`, the server's /.well-known/jwks.json) and whose payload — the card's
 * canonical form — is detached. Returns the card with that one signature.
 */
export async function signAgentCard(card: A2AAgentCard, key: SigningKey, jwksUrl: string): Promise<A2AAgentCard> {
  const jws = await new FlattenedSign(new TextEncoder().encode(agentCardSigningInput(card)))
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JOSE', kid: key.kid, jku: jwksUrl })
    .sign(key.privateKey);
  return { ...card, signatures: [{ protected: jws.protected!, signature: jws.signature }] };
}

/** Whether one of the card's signatures verifies against a key of `keys` (picked by its `kid`). */
export async function verifyAgentCard(card: object, keys: readonly JWK[]): Promise<boolean> {
  const signatures = (card as { signatures?: unknown }).signatures;
  if (!Array.isArray(signatures)) return false;
  const payload = base64url.encode(agentCardSigningInput(card));
  for (const entry of signatures as Array<Partial<A2AAgentCardSignature>>) {
    if (typeof entry?.protected !== 'string' || typeof entry.signature !== 'string') continue;
    try {
      const header = JSON.parse(Buffer.from(entry.protected, 'base64url').toString('utf8')) as { kid?: unknown; alg?: unknown };
      const jwk = keys.find((k) => k.kid === header.kid);
      if (!jwk || header.alg !== 'EdDSA') continue;
      await flattenedVerify({ protected: entry.protected, signature: entry.signature, payload }, await importJWK(jwk, 'EdDSA'));
      return true;
    } catch {
      continue;
    }
  }
  return false;
}
