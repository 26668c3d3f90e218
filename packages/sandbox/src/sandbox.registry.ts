import type { Sandbox } from './sandbox.ts';
import { createQuickJSProcessPool, type QuickJSPoolOptions } from './sandbox-pool.ts';

/**
 * The engine that runs agent code, behind the `Sandbox` interface. Today one engine: QuickJS-WASM
 * in a supervised pool of child processes (measured against isolated-vm, workerd, worker_threads
 * and Deno: docs/architecture.md). Tests and other engines come in as `injected`, not by patching.
 */
export type SandboxEngine = 'quickjs';

export interface SandboxConfig {
  engine: SandboxEngine;
  quickjs?: QuickJSPoolOptions;
}

export function createSandbox(config: SandboxConfig = { engine: 'quickjs' }, injected?: Sandbox): Sandbox {
  if (injected) return injected;
  return createQuickJSProcessPool(config.quickjs);
}
