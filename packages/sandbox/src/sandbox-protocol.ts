import type { HostApi, SandboxLimits, SandboxLogLine } from './sandbox.ts';

/** The messages between the pool (parent) and a sandbox child process, over the IPC channel. */

/** What the child needs of a run: no `host`, no `onLog`, no signal — those stay in the parent. */
export interface ChildRunRequest {
  code: string;
  codeSha256: string;
  /** JSON text of `{ inputs, context }`, parsed once inside the sandbox. */
  payload: string;
  capabilities: readonly string[];
  limits: SandboxLimits;
}

export type ChildOutcome =
  | { status: 'succeeded'; outputsJson: string }
  | { status: 'failed'; code: 'agent_error' | 'invalid_inputs' | 'memory_limit_exceeded' | 'output_too_large' | 'invalid_output' | 'sandbox_crashed'; message: string }
  | { status: 'timed_out'; message: string }
  | { status: 'aborted'; message: string };

export type ParentMessage =
  | { t: 'run'; id: number; request: ChildRunRequest }
  | { t: 'host-result'; id: number; callId: number; ok: true; json: string }
  | { t: 'host-result'; id: number; callId: number; ok: false; message: string; code?: string }
  | { t: 'abort'; id: number; reason: string };

export type ChildMessage =
  | { t: 'ready' }
  | { t: 'host-call'; id: number; callId: number; api: HostApi; argsJson: string }
  | { t: 'log'; id: number; level: SandboxLogLine['level']; message: string }
  | { t: 'logs-truncated'; id: number }
  | { t: 'done'; id: number; outcome: ChildOutcome };
