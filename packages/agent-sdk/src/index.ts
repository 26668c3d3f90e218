/**
 * `@frameos/agent-sdk`: write a FrameOS agent. An agent is one self-contained ES module whose default
 * export is `defineAgent({ manifest, inputs, outputs, handler })`; `package()` (from
 * `@frameos/agent-sdk/node`) bundles it with its dependencies, Zod included, for the registry.
 * This entry point is bundled into agents: it imports nothing but Zod.
 *
 * @module @frameos/agent-sdk
 */
export { z } from 'zod';
export * from './context.ts';
export { AgentSchemaError, defineAgent, definedAgentOf } from './define-agent.ts';
export type { AgentCategory, AgentCurrency, AgentDefinition, AgentFieldsSchema, AgentManifestSpec, AgentPricingModel, DefinedAgent } from './define-agent.ts';
export { buildManifest, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS, ManifestSchemaError, UNSET_DEVELOPER_ID } from './manifest.ts';
export type { GeneratedManifest, ManifestField } from './manifest.ts';
