import type { z } from 'zod';
import type { AgentCapability, TypedAgentContext } from './context.ts';

/** The shape of an agent definition: what `defineAgent` takes and `buildManifest` reads. */

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
