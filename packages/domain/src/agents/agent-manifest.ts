import { z } from 'zod';
import { isCurrencyCode } from '../money/currencies.ts';
import { maxAmount } from '../money/limits.ts';
import { formatMinor } from '../money/money.ts';

/**
 * The agent manifest (docs/agents.md, "Publishing an agent"): what a developer uploads with the
 * agent's code. Every field is required unless marked optional, and unknown fields are refused, so a
 * typo (`timeoutMs`) is reported instead of silently ignored. `manifestProblems` lists every problem.
 */

export const AGENT_FIELD_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;
export const AGENT_PRICING_MODELS = ['per_execution', 'pay_per_use', 'subscription'] as const;
export const AGENT_CURRENCIES = ['INR', 'USD'] as const;
export const AGENT_CAPABILITIES = ['http_request', 'database_read', 'database_write', 'file_storage', 'webhook', 'email', 'browser_automation'] as const;
export const AGENT_CATEGORIES = ['sales', 'marketing', 'devops', 'research', 'productivity'] as const;

export const AGENT_ID_PATTERN = /^agt_[a-z0-9_]+$/;
export const SEMVER_PATTERN = /^\d+\.\d+\.\d+$/;
export const MAX_TIMEOUT_MS = 300_000;
export const MAX_MEMORY_MB = 2048;

export type AgentFieldType = (typeof AGENT_FIELD_TYPES)[number];
export type AgentPricingModel = (typeof AGENT_PRICING_MODELS)[number];
export type AgentCapability = (typeof AGENT_CAPABILITIES)[number];
export type AgentCategory = (typeof AGENT_CATEGORIES)[number];

/** Names that would reach an object's prototype when used as a key on the host. */
const RESERVED_FIELD_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const FieldNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must start with a letter or _ and contain only letters, digits and _')
  .refine((name) => !RESERVED_FIELD_NAMES.has(name), 'is a reserved name');

const FieldTypeSchema = z.enum(AGENT_FIELD_TYPES);
const DescriptionSchema = z.string().max(500);

/** A field's full JSON Schema (enums, formats, items…), as the agent SDK generates it from Zod; at most 16 KiB. */
export const MAX_FIELD_SCHEMA_BYTES = 16 * 1024;
const FieldJsonSchema = z
  .record(z.string(), z.unknown())
  .refine((schema) => new TextEncoder().encode(JSON.stringify(schema)).length <= MAX_FIELD_SCHEMA_BYTES, `must be at most ${MAX_FIELD_SCHEMA_BYTES} bytes as JSON`);

const InputFieldSchema = z.strictObject({
  name: FieldNameSchema,
  type: FieldTypeSchema,
  required: z.boolean(),
  description: DescriptionSchema.optional(),
  schema: FieldJsonSchema.optional(),
});

const OutputFieldSchema = z.strictObject({
  name: FieldNameSchema,
  type: FieldTypeSchema,
  /** An output the handler may leave out; outputs are required unless this is false. */
  required: z.boolean().optional(),
  description: DescriptionSchema.optional(),
  schema: FieldJsonSchema.optional(),
});

/** A sample run shown in the catalogue, used by `frameos dev` and as the A2A skill's examples. */
const ExampleSchema = z.strictObject({
  name: z.string().min(1).max(100),
  inputs: z.record(z.string(), z.unknown()).refine((inputs) => JSON.stringify(inputs).length <= MAX_FIELD_SCHEMA_BYTES, `must be at most ${MAX_FIELD_SCHEMA_BYTES} bytes as JSON`),
});

const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);

const AgentManifestObjectSchema = z.strictObject({
  id: z.string().max(64).regex(AGENT_ID_PATTERN, 'must match ^agt_[a-z0-9_]+$'),
  name: z.string().min(3).max(100),
  version: z.string().max(32).regex(SEMVER_PATTERN, 'must be a semantic version MAJOR.MINOR.PATCH such as 1.0.0'),
  description: z.string().max(500),
  author: z.strictObject({
    developer_id: z.string().min(1).max(64),
    name: z.string().min(1).max(100),
    email: z.email().max(254),
  }),
  pricing: z.strictObject({
    model: z.enum(AGENT_PRICING_MODELS),
    amount: z.number().int('must be an integer number of minor units (e.g. 19900 for 199.00)').positive(),
    currency: z.enum(AGENT_CURRENCIES),
  }),
  inputs: z.array(InputFieldSchema).max(50),
  outputs: z.array(OutputFieldSchema).max(50),
  capabilities: z.array(z.enum(AGENT_CAPABILITIES)),
  runtime: z.strictObject({
    language: z.string().min(1).max(32),
    version: z.string().min(1).max(32),
    entrypoint: z.string().min(1).max(200),
    timeout_ms: z.number().int().positive().max(MAX_TIMEOUT_MS),
    memory_mb: z.number().int().positive().max(MAX_MEMORY_MB),
  }),
  metadata: z.strictObject({
    category: z.enum(AGENT_CATEGORIES),
    tags: z.array(z.string().min(1).max(40)).max(20),
    homepage: HttpUrlSchema.optional(),
    documentation: HttpUrlSchema.optional(),
    examples: z.array(ExampleSchema).max(10).optional(),
  }),
});

type Issue = { path: (string | number)[]; message: string };

/**
 * The rules across fields (unique names, the currency's maximum amount). They read the raw value
 * defensively and run even when other fields failed, so one upload reports every problem.
 */
function crossFieldIssues(value: unknown): Issue[] {
  if (!isRecord(value)) return [];
  const issues: Issue[] = [];
  const duplicates = (list: unknown, key: string | null, at: string) => {
    if (!Array.isArray(list)) return;
    const seen = new Set<unknown>();
    list.forEach((item, index) => {
      const v = key === null ? item : isRecord(item) ? item[key] : undefined;
      if (typeof v !== 'string') return;
      if (seen.has(v)) issues.push({ path: key === null ? [at, index] : [at, index, key], message: `duplicates ${JSON.stringify(v)}` });
      seen.add(v);
    });
  };
  duplicates(value.inputs, 'name', 'inputs');
  duplicates(value.outputs, 'name', 'outputs');
  duplicates(value.capabilities, null, 'capabilities');
  if (isRecord(value.metadata)) {
    const tags = value.metadata.tags;
    if (Array.isArray(tags)) {
      const seen = new Set<unknown>();
      tags.forEach((tag, index) => {
        if (typeof tag === 'string' && seen.has(tag)) issues.push({ path: ['metadata', 'tags', index], message: `duplicates ${JSON.stringify(tag)}` });
        seen.add(tag);
      });
    }
  }
  const pricing = value.pricing;
  if (isRecord(pricing) && typeof pricing.currency === 'string' && isCurrencyCode(pricing.currency) && Number.isSafeInteger(pricing.amount)) {
    const max = maxAmount(pricing.currency);
    if ((pricing.amount as number) > max) {
      issues.push({ path: ['pricing', 'amount'], message: `must be at most ${max} (${formatMinor(max, pricing.currency)} ${pricing.currency}), the largest single amount FrameOS accepts in ${pricing.currency}` });
    }
  }
  return issues;
}

export const AgentManifestSchema = AgentManifestObjectSchema.superRefine((value, ctx) => {
  for (const issue of crossFieldIssues(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

export type AgentManifest = z.infer<typeof AgentManifestSchema>;
export type AgentInputField = AgentManifest['inputs'][number];
export type AgentOutputField = AgentManifest['outputs'][number];

export interface Problem {
  /** Dotted path into the checked value, e.g. `pricing.amount` or `inputs.0.name`; '' for the value itself. */
  path: string;
  message: string;
}

const joinPath = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** Zod issues as problems: an unknown key is one problem at its own path, a missing field says so. */
function issuesToProblems(issues: readonly z.core.$ZodIssue[]): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: joinPath([...issue.path, key]), message: 'is not a known field' });
    } else if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      problems.push({ path: joinPath(issue.path), message: 'is required' });
    } else {
      problems.push({ path: joinPath(issue.path), message: issue.message });
    }
  }
  return problems;
}

/** Every problem of a would-be manifest (an empty list when it is valid). */
export function manifestProblems(value: unknown): Problem[] {
  const parsed = parseManifest(value);
  return parsed.ok ? [] : parsed.problems;
}

/** The manifest when it is valid, or every problem. */
export function parseManifest(value: unknown): { ok: true; manifest: AgentManifest } | { ok: false; problems: Problem[] } {
  const parsed = AgentManifestSchema.safeParse(value);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  if (!isRecord(value)) return { ok: false, problems: [{ path: '', message: 'must be a JSON object' }] };
  // Zod skips the schema's own refinement when a field aborted (an unknown key does), so the
  // cross-field rules are added here too: one upload reports every problem.
  const problems = issuesToProblems(parsed.error.issues);
  const seen = new Set(problems.map((p) => `${p.path}\n${p.message}`));
  for (const issue of crossFieldIssues(value)) {
    const problem = { path: joinPath(issue.path), message: issue.message };
    if (!seen.has(`${problem.path}\n${problem.message}`)) problems.push(problem);
  }
  return { ok: false, problems };
}

/** -1, 0 or 1 as `a` is lower than, equal to or higher than `b` (both MAJOR.MINOR.PATCH). */
export function compareSemver(a: string, b: string): -1 | 0 | 1 {
  const pa = semverParts(a);
  const pb = semverParts(b);
  for (let i = 0; i < 3; i++) {
    if (pa[i]! < pb[i]!) return -1;
    if (pa[i]! > pb[i]!) return 1;
  }
  return 0;
}

/** [major, minor, patch] of a MAJOR.MINOR.PATCH version; throws on anything else. */
export function semverParts(version: string): [number, number, number] {
  if (!SEMVER_PATTERN.test(version)) throw new TypeError(`not a MAJOR.MINOR.PATCH version: ${version}`);
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  return [major, minor, patch];
}

/** A JSON Schema (draft 2020-12) object. */
export type JsonSchemaObject = Record<string, unknown>;

const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

function fieldsJsonSchema(fields: readonly { name: string; type: AgentFieldType; description?: string | undefined; schema?: Record<string, unknown> | undefined }[], required: string[]): JsonSchemaObject {
  const properties: Record<string, JsonSchemaObject> = {};
  for (const field of fields) {
    const description = field.description !== undefined ? { description: field.description } : {};
    // The full schema when the manifest has one; `type` stays the manifest's own (an `integer` is a `number` field).
    properties[field.name] = field.schema ? { ...field.schema, ...description } : { type: field.type, ...description };
  }
  return { $schema: JSON_SCHEMA_DIALECT, type: 'object', properties, required, additionalProperties: false };
}

/** The agent's inputs as a JSON Schema (draft 2020-12), served as `input_schema`. */
export function inputJsonSchema(manifest: Pick<AgentManifest, 'inputs'>): JsonSchemaObject {
  return fieldsJsonSchema(manifest.inputs, manifest.inputs.filter((f) => f.required).map((f) => f.name));
}

/** The agent's outputs as a JSON Schema (draft 2020-12), served as `output_schema`. */
export function outputJsonSchema(manifest: Pick<AgentManifest, 'outputs'>): JsonSchemaObject {
  return fieldsJsonSchema(manifest.outputs, manifest.outputs.filter((f) => f.required !== false).map((f) => f.name));
}

function typeProblem(type: AgentFieldType, value: unknown): string | null {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? null : 'must be a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be a boolean';
    case 'object':
      return isRecord(value) ? null : 'must be an object';
    case 'array':
      return Array.isArray(value) ? null : 'must be an array';
  }
}

/** A field whose full JSON Schema says it may be null (Zod's `.nullable()`: `anyOf [T, {type: null}]`, or `type: [T, 'null']`). */
function allowsNull(schema: Record<string, unknown> | undefined): boolean {
  if (!schema) return false;
  if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
  return Array.isArray(schema.anyOf) && schema.anyOf.some((s) => isRecord(s) && s.type === 'null');
}

function fieldProblems(fields: readonly { name: string; type: AgentFieldType; required: boolean; schema?: Record<string, unknown> | undefined }[], value: unknown, what: string): Problem[] {
  if (!isRecord(value)) return [{ path: '', message: `must be an object of the agent's ${what}` }];
  const problems: Problem[] = [];
  const known = new Map(fields.map((f) => [f.name, f]));
  for (const key of Object.keys(value)) {
    if (!known.has(key)) problems.push({ path: key, message: `is not one of the agent's ${what}` });
  }
  for (const field of fields) {
    if (!Object.hasOwn(value, field.name) || value[field.name] === undefined) {
      if (field.required) problems.push({ path: field.name, message: 'is required' });
      continue;
    }
    if (value[field.name] === null && allowsNull(field.schema)) continue;
    const problem = typeProblem(field.type, value[field.name]);
    if (problem) problems.push({ path: field.name, message: problem });
  }
  return problems;
}

/** Every problem of `inputs` against the manifest's inputs: unknown names, missing required ones, wrong types. */
export function inputProblems(manifest: Pick<AgentManifest, 'inputs'>, inputs: unknown): Problem[] {
  return fieldProblems(manifest.inputs, inputs, 'inputs');
}

/** Every problem of a handler's `outputs` against the manifest's outputs (an output is required unless `required: false`). */
export function outputProblems(manifest: Pick<AgentManifest, 'outputs'>, outputs: unknown): Problem[] {
  return fieldProblems(manifest.outputs.map((f) => ({ ...f, required: f.required !== false })), outputs, 'outputs');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
