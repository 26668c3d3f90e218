import type { z } from 'zod';
import type { AgentCapability, AgentContext, AgentHandler } from './context.ts';
import type { AgentDefinition, AgentFieldsSchema, AgentPricingModel } from './definition.ts';
import { buildManifest, type GeneratedManifest } from './manifest.ts';

export type { AgentCategory, AgentCurrency, AgentDefinition, AgentFieldsSchema, AgentManifestSpec, AgentPricingModel } from './definition.ts';

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
