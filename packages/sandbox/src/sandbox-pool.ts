import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CAPABILITY_BYTES_PER_RUN,
  CAPABILITY_CALLS_PER_RUN,
  allowedHostApis,
  type HostApi,
  type Sandbox,
  type SandboxOutcome,
  type SandboxRunRequest,
} from './sandbox.ts';
import { isJsonObject, parseSandboxJson, utf8Bytes } from './sandbox-json.ts';
import type { ChildMessage, ChildOutcome, ParentMessage } from './sandbox-protocol.ts';

/**
 * The QuickJS engine: a supervised pool of child processes (one per core by default), each running
 * several runs at once in their own QuickJS-WASM instances (sandbox-quickjs.ts). The child enforces
 * the memory cap (a fixed WebAssembly.Memory), the CPU deadline (the interrupt handler) and the
 * wall-clock deadline; this supervisor SIGKILLs a child still holding a run at deadline + grace (a
 * long built-in call the interrupt cannot stop) and respawns it. Only the runs on that child end:
 * the overrunning one timed out, the others `sandbox_crashed`. Capability calls come here over IPC
 * and run in this process through the request's `host`, checked again against its capabilities.
 */
export interface QuickJSPoolOptions {
  /** Child processes; default one per core. */
  processes?: number;
  /** Runs one child carries at once; default 8 (runs mostly wait on the host). */
  slotsPerProcess?: number;
  /** How long past its deadline (or its abort) a run may hold its child before the child is killed. */
  killGraceMs?: number;
  /**
   * Lets this process exit while no run is in flight (the children and their IPC channels are
   * unref'd when idle, ref'd again for a run): a CLI or a test need not close the pool to finish.
   */
  unrefWhenIdle?: boolean;
  /** Where the children's stderr goes (their own faults; agents' logs go to onLog). */
  childStderr?: 'inherit' | 'ignore';
}

/** The pool, plus what operators and tests look at: its child processes. */
export interface QuickJSPool extends Sandbox {
  childPids(): number[];
}

/**
 * From the sources (the repository: server, tests, SDK) the child is TypeScript run through the tsx
 * loader; from the compiled package (`npm run packages:pack`, dist/*.js) it is plain JavaScript and
 * needs no loader — tsx is not a dependency of the published package.
 */
const COMPILED = import.meta.url.endsWith('.js');
const CHILD_ENTRY = fileURLToPath(new URL(COMPILED ? './sandbox-child.js' : './sandbox-child.ts', import.meta.url));
const CHILD_EXEC_ARGV = COMPILED ? [] : ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];

interface ActiveRun {
  id: number;
  request: SandboxRunRequest;
  apis: Set<HostApi>;
  resolve: (outcome: SandboxOutcome) => void;
  child: Child | null;
  startedAt: number;
  killTimer: NodeJS.Timeout | null;
  abortRequested: boolean;
  removeAbortListener: () => void;
  logBytes: number;
  logsTruncated: boolean;
  hostCalls: number;
  hostBytes: number;
  ended: boolean;
  retried: boolean;
}

interface Child {
  proc: ChildProcess;
  ready: boolean;
  runs: Map<number, ActiveRun>;
  gone: boolean;
}

type EndedOutcome = { status: 'succeeded'; outputs: Record<string, unknown> } | { status: Exclude<SandboxOutcome['status'], 'succeeded'>; code: string; message: string };

export function createQuickJSProcessPool(options: QuickJSPoolOptions = {}): QuickJSPool {
  const processes = Math.max(1, options.processes ?? availableParallelism());
  const slots = Math.max(1, options.slotsPerProcess ?? 8);
  const killGraceMs = options.killGraceMs ?? 1000;
  const children = new Set<Child>();
  const queue: ActiveRun[] = [];
  let nextRunId = 1;
  let closed = false;
  let startupFailures = 0;
  let respawnTimer: NodeJS.Timeout | null = null;

  /** With unrefWhenIdle: the children hold this process open only while there is work. */
  function refreshRefs(): void {
    if (!options.unrefWhenIdle) return;
    const busy = queue.length > 0 || [...children].some((c) => c.runs.size > 0);
    for (const child of children) {
      if (busy) {
        child.proc.ref();
        child.proc.channel?.ref();
      } else {
        child.proc.unref();
        child.proc.channel?.unref();
      }
    }
  }

  const send = (child: Child, message: ParentMessage) => {
    if (child.gone || !child.proc.connected) return;
    try {
      child.proc.send(message);
    } catch {
      // the child is exiting; its 'exit' handler ends its runs
    }
  };

  function spawn(): void {
    const proc = fork(CHILD_ENTRY, [], {
      execArgv: CHILD_EXEC_ARGV,
      env: {},
      stdio: ['ignore', 'ignore', options.childStderr ?? 'inherit', 'ipc'],
      serialization: 'json',
    });
    const child: Child = { proc, ready: false, runs: new Map(), gone: false };
    children.add(child);
    proc.on('message', (message: ChildMessage) => onMessage(child, message));
    proc.on('error', () => proc.kill('SIGKILL'));
    proc.on('exit', () => onExit(child));
    refreshRefs();
  }

  function ensureChildren(): void {
    if (closed || respawnTimer) return;
    const missing = processes - children.size;
    if (missing <= 0) return;
    const spawnMissing = () => {
      respawnTimer = null;
      if (closed) return;
      for (let i = children.size; i < processes; i++) spawn();
    };
    // A child that dies before it is ready (a broken install) is respawned with a back-off.
    if (startupFailures > 0) respawnTimer = setTimeout(spawnMissing, Math.min(5000, 100 * 2 ** startupFailures));
    else spawnMissing();
  }

  function onExit(child: Child): void {
    const wasReady = child.ready;
    child.gone = true;
    children.delete(child);
    for (const run of child.runs.values()) {
      if (run.abortRequested) end(run, { status: 'aborted', code: 'aborted', message: 'The execution was aborted' });
      else if (!retry(run)) end(run, { status: 'failed', code: 'sandbox_crashed', message: 'The sandbox process exited unexpectedly' });
    }
    startupFailures = wasReady ? 0 : startupFailures + 1;
    if (!wasReady && startupFailures >= 3) {
      for (const run of queue.splice(0)) end(run, { status: 'failed', code: 'sandbox_crashed', message: 'The sandbox processes cannot start' });
    }
    ensureChildren();
    dispatch();
  }

  /**
   * A run whose child died before it made any capability call has had no effect outside the
   * sandbox (every effect goes through `host`), so it starts once more on another child.
   */
  function retry(run: ActiveRun): boolean {
    if (run.retried || run.hostCalls > 0 || closed) return false;
    run.retried = true;
    if (run.killTimer) clearTimeout(run.killTimer);
    run.killTimer = null;
    run.child = null;
    queue.unshift(run);
    return true;
  }

  /** Kills a child still holding `culprit` past its grace: that run timed out or was aborted, the others crashed. */
  function kill(child: Child, culprit: ActiveRun): void {
    if (child.gone) return;
    child.gone = true;
    children.delete(child);
    for (const run of child.runs.values()) {
      if (run === culprit || run.abortRequested) {
        end(run, run.abortRequested
          ? { status: 'aborted', code: 'aborted', message: 'The execution was aborted' }
          : { status: 'timed_out', code: 'timed_out', message: `The agent did not finish within ${run.request.limits.timeoutMs} ms` });
      } else if (!retry(run)) {
        end(run, { status: 'failed', code: 'sandbox_crashed', message: 'The sandbox process was restarted because another execution on it overran its deadline' });
      }
    }
    child.proc.kill('SIGKILL');
    ensureChildren();
    dispatch();
  }

  function dispatch(): void {
    while (queue.length > 0) {
      let best: Child | null = null;
      for (const child of children) {
        if (child.ready && !child.gone && child.runs.size < slots && (!best || child.runs.size < best.runs.size)) best = child;
      }
      if (!best) return;
      const run = queue.shift()!;
      run.child = best;
      run.startedAt = performance.now();
      best.runs.set(run.id, run);
      const { request } = run;
      run.killTimer = setTimeout(() => kill(best, run), request.limits.timeoutMs + killGraceMs);
      send(best, {
        t: 'run',
        id: run.id,
        request: {
          code: request.code,
          codeSha256: request.codeSha256,
          payload: JSON.stringify({ inputs: request.inputs, context: request.context }),
          capabilities: [...request.capabilities],
          limits: request.limits,
        },
      });
    }
  }

  function onMessage(child: Child, message: ChildMessage): void {
    if (message.t === 'ready') {
      child.ready = true;
      startupFailures = 0;
      dispatch();
      return;
    }
    const run = child.runs.get(message.id);
    if (!run || run.ended) return;
    if (message.t === 'host-call') void hostCall(child, run, message.callId, message.api, message.argsJson);
    else if (message.t === 'log') log(run, message.level, message.message);
    else if (message.t === 'logs-truncated') run.logsTruncated = true;
    else if (message.t === 'done') end(run, fromChild(run, message.outcome));
  }

  function log(run: ActiveRun, level: 'log' | 'info' | 'warn' | 'error', message: string): void {
    if (run.logsTruncated || typeof message !== 'string') return;
    run.logBytes += utf8Bytes(message);
    if (run.logBytes > run.request.limits.maxLogBytes) {
      run.logsTruncated = true;
      return;
    }
    try {
      run.request.onLog({ level, message });
    } catch {
      // a failing log sink does not fail the agent
    }
  }

  async function hostCall(child: Child, run: ActiveRun, callId: number, api: HostApi, argsJson: string): Promise<void> {
    const refuse = (text: string, code: string) => send(child, { t: 'host-result', id: run.id, callId, ok: false, message: text, code });
    run.hostCalls++;
    run.hostBytes += typeof argsJson === 'string' ? utf8Bytes(argsJson) : 0;
    if (!run.apis.has(api)) return refuse(`The agent has no capability for ${api}`, 'capability_not_granted');
    if (run.hostCalls > CAPABILITY_CALLS_PER_RUN) return refuse(`At most ${CAPABILITY_CALLS_PER_RUN} capability calls per execution`, 'capability_limit_exceeded');
    if (run.hostBytes > CAPABILITY_BYTES_PER_RUN) return refuse(`At most ${CAPABILITY_BYTES_PER_RUN} bytes of capability calls per execution`, 'capability_limit_exceeded');
    let args: unknown;
    try {
      args = parseSandboxJson(argsJson);
    } catch {
      args = null;
    }
    if (!Array.isArray(args)) return refuse('Capability arguments must be a JSON array', 'invalid_arguments');
    try {
      const result = await run.request.host({ api, args });
      if (run.ended) return;
      const json = JSON.stringify(result ?? null);
      run.hostBytes += utf8Bytes(json);
      if (run.hostBytes > CAPABILITY_BYTES_PER_RUN) return refuse(`At most ${CAPABILITY_BYTES_PER_RUN} bytes of capability calls per execution`, 'capability_limit_exceeded');
      send(child, { t: 'host-result', id: run.id, callId, ok: true, json });
    } catch (error) {
      if (run.ended) return;
      const message = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: unknown } | null)?.code;
      send(child, { t: 'host-result', id: run.id, callId, ok: false, message, ...(typeof code === 'string' ? { code } : {}) });
    }
  }

  /** The child's outcome, checked again here: a compromised child cannot hand over more than the limits allow. */
  function fromChild(run: ActiveRun, outcome: ChildOutcome): EndedOutcome {
    if (outcome.status === 'succeeded') {
      const { outputsJson } = outcome;
      if (typeof outputsJson !== 'string' || utf8Bytes(outputsJson) > run.request.limits.maxOutputBytes) {
        return { status: 'failed', code: 'output_too_large', message: `The outputs are larger than ${run.request.limits.maxOutputBytes} bytes` };
      }
      let outputs: unknown;
      try {
        outputs = parseSandboxJson(outputsJson);
      } catch {
        return { status: 'failed', code: 'invalid_output', message: 'The outputs are not JSON' };
      }
      if (!isJsonObject(outputs)) return { status: 'failed', code: 'invalid_output', message: 'The agent must return a plain JSON object' };
      return { status: 'succeeded', outputs };
    }
    if (outcome.status === 'failed') return { status: 'failed', code: outcome.code, message: String(outcome.message) };
    if (outcome.status === 'timed_out') return { status: 'timed_out', code: 'timed_out', message: String(outcome.message) };
    return { status: 'aborted', code: 'aborted', message: String(outcome.message) };
  }

  function end(run: ActiveRun, ended: EndedOutcome): void {
    if (run.ended) return;
    run.ended = true;
    if (run.killTimer) clearTimeout(run.killTimer);
    run.removeAbortListener();
    run.child?.runs.delete(run.id);
    const durationMs = run.child ? Math.round((performance.now() - run.startedAt) * 1000) / 1000 : 0;
    const logsTruncated = run.logsTruncated;
    if (ended.status === 'succeeded') run.resolve({ status: 'succeeded', outputs: ended.outputs, durationMs, logsTruncated });
    else if (ended.status === 'failed') {
      run.resolve({ status: 'failed', error: { code: ended.code as Extract<SandboxOutcome, { status: 'failed' }>['error']['code'], message: ended.message }, durationMs, logsTruncated });
    } else if (ended.status === 'timed_out') run.resolve({ status: 'timed_out', error: { code: 'timed_out', message: ended.message }, durationMs, logsTruncated });
    else run.resolve({ status: 'aborted', error: { code: 'aborted', message: ended.message }, durationMs, logsTruncated });
    if (run.child && !run.child.gone) dispatch();
    refreshRefs();
  }

  function abort(run: ActiveRun): void {
    if (run.ended || run.abortRequested) return;
    run.abortRequested = true;
    const child = run.child;
    if (!child) {
      queue.splice(queue.indexOf(run), 1);
      end(run, { status: 'aborted', code: 'aborted', message: 'The execution was aborted' });
      return;
    }
    send(child, { t: 'abort', id: run.id, reason: 'aborted' });
    if (run.killTimer) clearTimeout(run.killTimer);
    run.killTimer = setTimeout(() => kill(child, run), killGraceMs);
  }

  return {
    childPids: () => [...children].filter((c) => c.ready && !c.gone).map((c) => c.proc.pid!),
    run(request) {
      return new Promise<SandboxOutcome>((resolve) => {
        const run: ActiveRun = {
          id: nextRunId++,
          request,
          apis: allowedHostApis(request.capabilities),
          resolve,
          child: null,
          startedAt: 0,
          killTimer: null,
          abortRequested: false,
          removeAbortListener: () => {},
          logBytes: 0,
          logsTruncated: false,
          hostCalls: 0,
          hostBytes: 0,
          ended: false,
          retried: false,
        };
        if (closed) return end(run, { status: 'failed', code: 'sandbox_crashed', message: 'The sandbox is closed' });
        const { signal } = request;
        if (signal?.aborted) return end(run, { status: 'aborted', code: 'aborted', message: 'The execution was aborted' });
        if (signal) {
          const onAbort = () => abort(run);
          signal.addEventListener('abort', onAbort, { once: true });
          run.removeAbortListener = () => signal.removeEventListener('abort', onAbort);
        }
        queue.push(run);
        ensureChildren();
        refreshRefs();
        dispatch();
      });
    },
    async close() {
      closed = true;
      if (respawnTimer) clearTimeout(respawnTimer);
      for (const run of queue.splice(0)) end(run, { status: 'failed', code: 'sandbox_crashed', message: 'The sandbox was closed' });
      const exits: Promise<void>[] = [];
      for (const child of children) {
        child.gone = true;
        for (const run of child.runs.values()) end(run, { status: 'failed', code: 'sandbox_crashed', message: 'The sandbox was closed' });
        if (child.proc.exitCode === null && child.proc.signalCode === null) {
          exits.push(new Promise((resolve) => child.proc.once('exit', () => resolve())));
          child.proc.kill('SIGKILL');
        }
      }
      children.clear();
      await Promise.all(exits);
    },
  };
}
