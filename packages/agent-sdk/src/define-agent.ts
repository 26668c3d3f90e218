import type { z } from 'zod';
import type { AgentCapability, AgentContext, AgentHandler, TypedAgentContext } from './context.ts';
import { buildManifest, type GeneratedManifest } from './manifest.ts';

export type AgentCategory = 'sales' | 'marketing' | 'devops' | 'research' | 'productivity';
export type AgentPricingModel = 'per_execution' | 'pay_per_use' | 'subscription';
export type AgentCurrency = 'USD' | 'INR';

/**
 * What a developer writes of the manifest; `buildManifest` adds the inputs and outputs (with their
 * JSON Schema, from the Zod schemas), the runtime and the examples. `author.developer_id` may be left
 * out: `frameos deploy` fills in the caller's developer id.
 */
export interface AgentManifestSpec<C extends AgentCapability = AgentCapability, P extends AgentPricingModel = AgentPricingModel> {
  id: string;
  name: string;
  version: string;
  description: string;
  author?: { developer_id?: string; name: string; email: string };
  /** Integer minor units (100 = 1.00 USD). */
  pricing: { model: P; amount: number; currency: AgentCurrency };
  capabilities?: readonly C[];
  /** Defaults: 30 000 ms, 64 MB. The platform caps both (RUNTIME_MAX_TIMEOUT_MS, RUNTIME_MAX_MEMORY_MB). */
  runtime?: { timeout_ms?: number; memory_mb?: number };
  metadata: { category: AgentCategory; tags?: string[]; homepage?: string; documentation?: string };
}

/** A Zod object schema whose fields are the agent's inputs or outputs. */
export type AgentFieldsSchema = z.ZodObject;

export interface AgentDefinition<
  I extends AgentFieldsSchema = AgentFieldsSchema,
  O extends AgentFieldsSchema = AgentFieldsSchema,
  C extends AgentCapability = AgentCapability,
  P extends AgentPricingModel = AgentPricingModel,
> {
  manifest: AgentManifestSpec<C, P>;
  inputs: I;
  outputs: O;
  /** Sample runs: shown in the catalogue, run by `frameos dev`, the A2A skill's examples. */
  examples?: { name: string; inputs: z.input<I> }[];
  handler: (inputs: z.output<I>, ctx: TypedAgentContext<C, P extends 'pay_per_use' ? true : false>) => Promise<z.input<O>>;
}

/** What `defineAgent` returns: the handler the sandbox calls, carrying its definition for `buildManifest`. */
export type DefinedAgent<D extends AgentDefinition = AgentDefinition> = AgentHandler & {
  readonly definition: D;
  /**
   * The full manifest. It is built by the agent's own copy of Zod (bundled with it), which is the
   * one that knows the schemas' descriptions.
   */
  manifest(options?: { developerId?: string }): GeneratedManifest;
};

/** An input or output the schema refuses; the execution fails with this message (`agent_error`). */
export class AgentSchemaError extends Error {
  constructor(
    readonly code: 'invalid_inputs' | 'invalid_output',
    message: string,
  ) {
    super(message);
    this.name = 'AgentSchemaError';
  }
}

function describeIssues(what: string, error: z.ZodError): string {
  const problems = error.issues.slice(0, 10).map((issue) => `${[what, ...issue.path.map(String)].join('.')}: ${issue.message}`);
  return problems.join('; ');
}

/**
 * Defines an agent: `export default defineAgent({ manifest, inputs, outputs, handler })`. The handler
 * gets the inputs parsed by `inputs` (defaults applied) and a `ctx` typed by the capabilities the
 * manifest declares; what it returns is checked against `outputs`. Either refusal fails the run with
 * a message naming the field.
 *
 * The older form `defineAgent(async (inputs, ctx) => …)` only types a handler; its manifest is
 * written by hand.
 */
export function defineAgent<
  I extends AgentFieldsSchema,
  O extends AgentFieldsSchema,
  const C extends AgentCapability = never,
  const P extends AgentPricingModel = AgentPricingModel,
>(definition: AgentDefinition<I, O, C, P>): DefinedAgent<AgentDefinition<I, O, C, P>>;
export function defineAgent(handler: AgentHandler): AgentHandler;
export function defineAgent(arg: AgentHandler | AgentDefinition): AgentHandler {
  if (typeof arg === 'function') return arg;
  const definition = arg;
  const run = async (raw: Record<string, unknown>, ctx: AgentContext): Promise<Record<string, unknown>> => {
    const inputs = definition.inputs.safeParse(raw);
    if (!inputs.success) throw new AgentSchemaError('invalid_inputs', `Invalid inputs: ${describeIssues('inputs', inputs.error)}`);
    // The sandbox builds ctx from the manifest's capabilities, which is what the handler's type says.
    const handler = definition.handler as (inputs: unknown, ctx: AgentContext) => Promise<unknown>;
    const result = await handler(inputs.data, ctx);
    const outputs = definition.outputs.safeParse(result);
    if (!outputs.success) throw new AgentSchemaError('invalid_output', `Invalid outputs: ${describeIssues('outputs', outputs.error)}`);
    return outputs.data as Record<string, unknown>;
  };
  return Object.assign(run, { definition, manifest: (options?: { developerId?: string }) => buildManifest(definition, options) });
}

/** A module's default export, if it was made with `defineAgent({…})`. */
export function definedAgentOf(value: unknown): DefinedAgent | null {
  if (typeof value !== 'function') return null;
  const { definition, manifest } = value as { definition?: unknown; manifest?: unknown };
  if (typeof definition !== 'object' || definition === null || typeof manifest !== 'function') return null;
  const d = definition as Partial<AgentDefinition>;
  return d.manifest && d.inputs && d.outputs && typeof d.handler === 'function' ? (value as DefinedAgent) : null;
}
