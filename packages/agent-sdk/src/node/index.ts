/**
 * `@frameos/agent-sdk/node`: the developer's side (Node.js only, never bundled into an agent):
 * `package()` bundles an agent for the registry, `runLocally()` runs it in the platform's sandbox.
 *
 * @module @frameos/agent-sdk/node
 */
export { agentEntry, AgentPackageError, bundleAgent, manifestOfBundle, MAX_AGENT_CODE_BYTES, packageAgent, packageAgent as package } from './package-agent.ts';
export type { AgentPackage, PackageOptions } from './package-agent.ts';
export { closeLocalSandbox, localSandbox, runLocally } from './local-run.ts';
export type { LocalRunOptions, LocalRunResult, LocalRunStatus, RunnableAgent } from './local-run.ts';
export { LocalCapabilityError, localHost, newLocalRecord } from './local-host.ts';
export { hostAllowed } from '@frameos/domain';
export type { LocalHostOptions, LocalRecord } from './local-host.ts';
