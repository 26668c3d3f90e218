/**
 * `@frameos/sandbox`: the engine that runs untrusted agent code, shared by the server's worker and the
 * agent SDK's local runs, so an agent meets the same limits and the same default-deny `ctx` in both.
 *
 * @module @frameos/sandbox
 */
export * from './sandbox.ts';
export { createSandbox, type SandboxConfig, type SandboxEngine } from './sandbox.registry.ts';
export { createQuickJSProcessPool, type QuickJSPool, type QuickJSPoolOptions } from './sandbox-pool.ts';
