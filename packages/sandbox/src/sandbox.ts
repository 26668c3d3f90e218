/**
 * The sandbox that runs untrusted agent code: the contract every engine implements. JSON in, JSON
 * out — the request, every capability call and the outcome are plain JSON values, so the same
 * contract works over IPC (the QuickJS process pool), workerd RPC or HTTP.
 */

/** Manifest capability names, plus `charge` for pay-per-use agents. */
export const SANDBOX_CAPABILITIES = ['http_request', 'email', 'file_storage', 'database_read', 'database_write', 'webhook', 'browser_automation', 'charge'] as const;
export type SandboxCapability = (typeof SANDBOX_CAPABILITIES)[number];

export type HostApi =
  | 'fetch'
  | 'email.send'
  | 'storage.put'
  | 'storage.get'
  | 'storage.list'
  | 'storage.delete'
  | 'db.get'
  | 'db.put'
  | 'db.delete'
  | 'db.list'
  | 'emit'
  | 'browser.read'
  | 'charge';

/** The host APIs each capability adds to `ctx`; nothing else ever reaches `host`. */
export const CAPABILITY_APIS: Readonly<Record<SandboxCapability, readonly HostApi[]>> = {
  http_request: ['fetch'],
  email: ['email.send'],
  file_storage: ['storage.put', 'storage.get', 'storage.list', 'storage.delete'],
  database_read: ['db.get', 'db.list'],
  database_write: ['db.get', 'db.list', 'db.put', 'db.delete'],
  webhook: ['emit'],
  browser_automation: ['browser.read'],
  charge: ['charge'],
};

export function allowedHostApis(capabilities: readonly string[]): Set<HostApi> {
  const apis = new Set<HostApi>();
  for (const capability of capabilities) {
    for (const api of CAPABILITY_APIS[capability as SandboxCapability] ?? []) apis.add(api);
  }
  return apis;
}

export interface HostCall {
  api: HostApi;
  /** JSON values, as the agent passed them (`fetch`: `[url: string, init: { method?, headers?, body? }]`). */
  args: unknown[];
}

/**
 * What `host` answers `fetch` with; the sandbox turns it into the agent's response object
 * (`ok` is derived from `status`, `text()`/`json()` read `body`).
 */
export interface HostFetchResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  url: string;
  body: string;
}

export interface SandboxLimits {
  /** Wall-clock deadline of the whole run; CPU-bound code is interrupted at it too. */
  timeoutMs: number;
  /** The hard cap of the run's WebAssembly memory (QuickJS needs at least 16). */
  memoryMb: number;
  /** Bytes of the outputs as JSON (UTF-8). */
  maxOutputBytes: number;
  /** Bytes of log messages (UTF-8); what is beyond is dropped and the outcome says `logsTruncated`. */
  maxLogBytes: number;
}

export interface SandboxRunRequest {
  /** The execution id. */
  runId: string;
  /** One self-contained ES module; its default export is `async (inputs, ctx) => outputs`. It may import nothing. */
  code: string;
  /** Lets the engine reuse a warm instance for the same bundle. */
  codeSha256: string;
  inputs: Record<string, unknown>;
  context: { execution_id: string; config: Record<string, unknown>; secrets: Record<string, string> };
  /** Manifest capability names (`SANDBOX_CAPABILITIES`); each adds its APIs (`CAPABILITY_APIS`) to `ctx`. */
  capabilities: readonly string[];
  limits: SandboxLimits;
  /**
   * Runs a capability call in the parent process. JSON in, JSON out. Throwing → the agent's promise
   * rejects with an Error carrying the message (and `code` if the error has one). Only APIs of the
   * run's capabilities are ever called; calls are capped per run in number and bytes.
   */
  host: (call: HostCall) => Promise<unknown>;
  onLog: (line: SandboxLogLine) => void;
  /** The caller aborts the run (POST /executions/:id/abort). */
  signal?: AbortSignal;
}

export interface SandboxLogLine {
  level: 'log' | 'info' | 'warn' | 'error';
  message: string;
}

export type SandboxFailureCode = 'agent_error' | 'invalid_inputs' | 'memory_limit_exceeded' | 'output_too_large' | 'invalid_output' | 'sandbox_crashed';

/** Every outcome says whether log lines were dropped past `maxLogBytes` (`onLog` was not called for them). */
export type SandboxOutcome =
  | { status: 'succeeded'; outputs: Record<string, unknown>; durationMs: number; logsTruncated: boolean }
  | { status: 'failed'; error: { code: SandboxFailureCode; message: string }; durationMs: number; logsTruncated: boolean }
  | { status: 'timed_out'; error: { code: 'timed_out'; message: string }; durationMs: number; logsTruncated: boolean }
  | { status: 'aborted'; error: { code: 'aborted'; message: string }; durationMs: number; logsTruncated: boolean };

export interface Sandbox {
  run(request: SandboxRunRequest): Promise<SandboxOutcome>;
  /** Ends every run still going (failed `sandbox_crashed`, "sandbox closed") and stops the engine. */
  close(): Promise<void>;
}

/** The limits a manifest does not set. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  timeoutMs: 30_000,
  memoryMb: 64,
  maxOutputBytes: 1024 * 1024,
  maxLogBytes: 64 * 1024,
};

/** Per-run caps on what the agent may ask of the host. */
export const CAPABILITY_CALLS_PER_RUN = 1000;
export const CAPABILITY_BYTES_PER_RUN = 16 * 1024 * 1024;

/** What one execution may write: outputs as JSON and log messages (UTF-8 bytes). */
export const MAX_OUTPUT_BYTES = 1024 * 1024;
export const MAX_LOG_BYTES = 1024 * 1024;

/** The platform's caps on what a manifest may ask for (`RUNTIME_MAX_TIMEOUT_MS`, `RUNTIME_MAX_MEMORY_MB`). */
export interface RuntimeCaps {
  maxTimeoutMs: number;
  maxMemoryMb: number;
}

export const DEFAULT_RUNTIME_CAPS: RuntimeCaps = { maxTimeoutMs: 300_000, maxMemoryMb: 256 };

/**
 * The limits of one run of an agent: the manifest's `runtime` capped by the platform. The worker and
 * the agent SDK's local runs both call this, so a run meets the same limits in both.
 */
export function runLimitsFor(runtime: { timeout_ms: number; memory_mb: number }, caps: RuntimeCaps = DEFAULT_RUNTIME_CAPS, logBytesUsed = 0): SandboxLimits {
  return {
    timeoutMs: Math.min(runtime.timeout_ms, caps.maxTimeoutMs),
    memoryMb: Math.max(16, Math.min(runtime.memory_mb, caps.maxMemoryMb)),
    maxOutputBytes: MAX_OUTPUT_BYTES,
    maxLogBytes: Math.max(0, MAX_LOG_BYTES - logBytesUsed),
  };
}
