import { randomUUID } from 'node:crypto';
import { inputProblems, outputProblems, type AgentManifest, type Problem } from '@frameos/domain';
import { createQuickJSProcessPool, runLimitsFor, type RuntimeCaps, type Sandbox, type SandboxLogLine } from '@frameos/sandbox';
import type { GeneratedManifest } from '../manifest.ts';
import { localHost, newLocalRecord, type LocalHostOptions, type LocalRecord } from './local-host.ts';

/** What a local run needs of a packaged agent. */
export interface RunnableAgent {
  manifest: GeneratedManifest | AgentManifest;
  code: string;
  sha256?: string;
}

export interface LocalRunOptions {
  config?: Record<string, unknown>;
  secrets?: Record<string, string>;
  host?: LocalHostOptions;
  /** The platform's caps (RUNTIME_MAX_TIMEOUT_MS, RUNTIME_MAX_MEMORY_MB); the defaults are the platform's. */
  caps?: RuntimeCaps;
  onLog?: (line: SandboxLogLine) => void;
  signal?: AbortSignal;
  /** Another sandbox (tests); by default one shared QuickJS process, closed by `closeLocalSandbox()`. */
  sandbox?: Sandbox;
}

export type LocalRunStatus = 'succeeded' | 'failed' | 'timed_out' | 'aborted';

export interface LocalRunResult {
  status: LocalRunStatus;
  outputs?: Record<string, unknown>;
  error?: { code: string; message: string; problems?: Problem[] };
  durationMs: number;
  logs: SandboxLogLine[];
  logsTruncated: boolean;
  /** What the capabilities did (emails recorded, events, charges, storage, db). */
  record: LocalRecord;
}

let shared: Sandbox | null = null;

/** The sandbox local runs share: one QuickJS child process, as on the platform's workers; it keeps the process alive only during a run. */
export function localSandbox(): Sandbox {
  shared ??= createQuickJSProcessPool({ processes: 1, unrefWhenIdle: true });
  return shared;
}

/** Stops the shared local sandbox's child process (optional: an idle one does not keep the process alive). */
export async function closeLocalSandbox(): Promise<void> {
  const sandbox = shared;
  shared = null;
  await sandbox?.close();
}

const describe = (problems: Problem[]) => problems.map((p) => `${p.path || '(inputs)'}: ${p.message}`).join('; ');

/**
 * Runs an agent on this machine the way the platform's worker runs it: inputs checked against the
 * manifest, the same QuickJS sandbox and limits (`runLimitsFor`), the manifest's capabilities and
 * nothing else in `ctx`, outputs checked against the manifest. Capability calls are answered by
 * `localHost` (fetch with the same allowed-hosts and private-address rules; email, storage, db,
 * events and charges recorded in memory).
 */
export async function runLocally(agent: RunnableAgent, inputs: Record<string, unknown>, options: LocalRunOptions = {}): Promise<LocalRunResult> {
  const manifest = agent.manifest;
  const record = newLocalRecord();
  const logs: SandboxLogLine[] = [];
  const problems = inputProblems(manifest as AgentManifest, inputs);
  if (problems.length > 0) {
    return { status: 'failed', error: { code: 'invalid_inputs', message: `The inputs do not match the manifest: ${describe(problems)}`, problems }, durationMs: 0, logs, logsTruncated: false, record };
  }
  const capabilities = [...manifest.capabilities, ...(manifest.pricing.model === 'pay_per_use' ? ['charge'] : [])];
  const runId = `exe_local_${randomUUID().replace(/-/g, '')}`;
  const outcome = await (options.sandbox ?? localSandbox()).run({
    runId,
    code: agent.code,
    codeSha256: agent.sha256 ?? runId,
    inputs,
    context: { execution_id: runId, config: options.config ?? {}, secrets: options.secrets ?? {} },
    capabilities,
    limits: runLimitsFor(manifest.runtime, options.caps),
    host: localHost(options.host ?? {}, record),
    onLog: (line) => {
      logs.push(line);
      options.onLog?.(line);
    },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const base = { durationMs: outcome.durationMs, logs, logsTruncated: outcome.logsTruncated, record };
  if (outcome.status !== 'succeeded') return { status: outcome.status, error: outcome.error, ...base };
  const wrong = outputProblems(manifest as AgentManifest, outcome.outputs);
  if (wrong.length > 0) return { status: 'failed', error: { code: 'invalid_output', message: `The outputs do not match the manifest: ${describe(wrong)}`, problems: wrong }, ...base };
  return { status: 'succeeded', outputs: outcome.outputs, ...base };
}
