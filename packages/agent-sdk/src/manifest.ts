import { z } from 'zod';
import type { AgentDefinition, AgentFieldsSchema } from './definition.ts';

/** A manifest field as the registry reads it (docs/agents.md, "The manifest"). */
export interface ManifestField {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'object' | 'array';
  required: boolean;
  description?: string;
  /** The field's full JSON Schema (draft 2020-12), from its Zod schema. */
  schema: Record<string, unknown>;
}

/** The full manifest `POST /agents/register` takes. */
export interface GeneratedManifest {
  id: string;
  name: string;
  version: string;
  description: string;
  author: { developer_id: string; name: string; email: string };
  pricing: { model: string; amount: number; currency: string };
  inputs: ManifestField[];
  outputs: ManifestField[];
  capabilities: string[];
  runtime: { language: 'nodejs'; version: string; entrypoint: string; timeout_ms: number; memory_mb: number };
  metadata: { category: string; tags: string[]; homepage?: string; documentation?: string; examples?: { name: string; inputs: Record<string, unknown> }[] };
}

/** A Zod schema that has no manifest field type (a union of several types, a function…). */
export class ManifestSchemaError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'ManifestSchemaError';
  }
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MEMORY_MB = 64;
/** Until `frameos deploy` (or `buildManifest({ developerId })`) names the developer. */
export const UNSET_DEVELOPER_ID = 'dev_unset';

const FIELD_TYPES = new Set(['string', 'number', 'boolean', 'object', 'array']);

function fieldType(schema: Record<string, unknown>, path: string): ManifestField['type'] {
  let type = schema.type;
  // `nullable()` gives anyOf [T, null]: the field's type is T.
  if (type === undefined && Array.isArray(schema.anyOf)) {
    const types = new Set(schema.anyOf.map((s: unknown) => (typeof s === 'object' && s !== null ? (s as { type?: unknown }).type : undefined)).filter((t) => t !== 'null'));
    if (types.size === 1) type = [...types][0];
  }
  if (Array.isArray(type)) {
    const rest = type.filter((t) => t !== 'null');
    if (rest.length === 1) type = rest[0];
  }
  if (type === 'integer') return 'number';
  if (typeof type === 'string' && FIELD_TYPES.has(type)) return type as ManifestField['type'];
  throw new ManifestSchemaError(path, 'must be a string, number, boolean, object or array schema (one type, optionally nullable)');
}

function fieldsOf(shape: AgentFieldsSchema, io: 'input' | 'output', at: 'inputs' | 'outputs'): ManifestField[] {
  return Object.entries(shape.shape).map(([name, field]) => {
    const path = `${at}.${name}`;
    let schema: Record<string, unknown>;
    try {
      schema = z.toJSONSchema(field as z.ZodType, { target: 'draft-2020-12', io, unrepresentable: 'throw' }) as Record<string, unknown>;
    } catch (err) {
      throw new ManifestSchemaError(path, `cannot be written as JSON Schema (${err instanceof Error ? err.message : String(err)})`);
    }
    delete schema.$schema;
    const type = fieldType(schema, path);
    // An input is required unless it may be left out (optional or with a default); an output unless optional.
    const required = !(field as z.ZodType).safeParse(undefined).success;
    const description = typeof schema.description === 'string' ? schema.description.slice(0, 500) : undefined;
    delete schema.description;
    return { name, type, required, ...(description !== undefined ? { description } : {}), schema };
  });
}

/**
 * The full manifest of a `defineAgent` definition: the developer's part, plus inputs and outputs
 * from the Zod schemas (each with its JSON Schema), capabilities, runtime and examples. The
 * registry checks the result as it checks any manifest.
 */
export function buildManifest(definition: AgentDefinition, options: { developerId?: string } = {}): GeneratedManifest {
  const m = definition.manifest;
  const author = m.author ?? { name: 'Unknown', email: 'unknown@example.com' };
  return {
    id: m.id,
    name: m.name,
    version: m.version,
    description: m.description,
    author: { developer_id: options.developerId ?? author.developer_id ?? UNSET_DEVELOPER_ID, name: author.name, email: author.email },
    pricing: { model: m.pricing.model, amount: m.pricing.amount, currency: m.pricing.currency },
    inputs: fieldsOf(definition.inputs, 'input', 'inputs'),
    outputs: fieldsOf(definition.outputs, 'output', 'outputs'),
    capabilities: [...(m.capabilities ?? [])],
    runtime: { language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: m.runtime?.timeout_ms ?? DEFAULT_TIMEOUT_MS, memory_mb: m.runtime?.memory_mb ?? DEFAULT_MEMORY_MB },
    metadata: {
      category: m.metadata.category,
      tags: [...(m.metadata.tags ?? [])],
      ...(m.metadata.homepage !== undefined ? { homepage: m.metadata.homepage } : {}),
      ...(m.metadata.documentation !== undefined ? { documentation: m.metadata.documentation } : {}),
      ...(definition.examples?.length ? { examples: definition.examples.map((e) => ({ name: e.name, inputs: e.inputs as Record<string, unknown> })) } : {}),
    },
  };
}
