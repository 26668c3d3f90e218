import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import RELEASE_SYNC from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSContext, type QuickJSHandle, type QuickJSWASMModule, type VmCallResult } from 'quickjs-emscripten-core';
import { CAPABILITY_CALLS_PER_RUN, allowedHostApis, type HostApi, type SandboxLogLine } from './sandbox.ts';
import type { ChildOutcome, ChildRunRequest } from './sandbox-protocol.ts';

/**
 * One run in QuickJS-WASM, inside a sandbox child process. Every run gets a fresh QuickJS runtime and
 * context (no global survives a run) on a WebAssembly instance whose memory has a fixed maximum —
 * the hard memory cap. An instance is reused for at most `REUSE_LIMIT` runs of the same bundle and
 * memory size, and only after runs that ended cleanly; any other end discards it.
 */

const PRELUDE = readFileSync(new URL('./sandbox-prelude.js', import.meta.url), 'utf8');
const LAZY_SOURCES: Record<string, string> = {
  web: readFileSync(new URL('./sandbox-web.js', import.meta.url), 'utf8'),
  'host-apis': readFileSync(new URL('./sandbox-host-apis.js', import.meta.url), 'utf8'),
};
const WASM_PAGE = 64 * 1024;
/** The QuickJS build declares 16 MiB of initial memory; a smaller cap cannot instantiate. */
export const MIN_MEMORY_MB = 16;
const REUSE_LIMIT = 32;
const MAX_IDLE_INSTANCES = 8;
/** Below the WASM build's own C stack, so QuickJS throws "stack overflow" before the stack runs out (512 KiB crashed). */
const MAX_STACK_BYTES = 384 * 1024;
/** How long abort listeners inside the sandbox may run once the run is over. */
const ABORT_LISTENER_MS = 20;

/** The part of the WebAssembly API used here (the project's TypeScript lib has no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
const Wasm = (globalThis as unknown as {
  WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory; compile(bytes: Uint8Array): Promise<unknown> };
}).WebAssembly;
type VariantOptions = NonNullable<Parameters<typeof newVariant>[1]>;

/** Compiled once per child; every instance is instantiated from it. */
const wasmModule = Wasm.compile(readFileSync(createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm')));

interface Instance {
  key: string;
  qjs: QuickJSWASMModule;
  memory: WasmMemory;
  maxPages: number;
  uses: number;
}

const idle = new Map<string, Instance[]>();
let idleCount = 0;

async function takeInstance(codeSha256: string, memoryMb: number): Promise<Instance> {
  const pages = Math.max(MIN_MEMORY_MB, Math.floor(memoryMb)) * (1024 * 1024 / WASM_PAGE);
  const key = `${codeSha256}:${pages}`;
  const list = idle.get(key);
  const reused = list?.pop();
  if (reused) {
    idleCount--;
    if (list!.length === 0) idle.delete(key);
    return reused;
  }
  const memory = new Wasm.Memory({ initial: MIN_MEMORY_MB * (1024 * 1024 / WASM_PAGE), maximum: pages });
  const options = { wasmModule: await wasmModule, wasmMemory: memory } as VariantOptions;
  const qjs = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, options));
  return { key, qjs, memory, maxPages: pages, uses: 0 };
}

function releaseInstance(instance: Instance): void {
  if (instance.uses >= REUSE_LIMIT) return;
  if (idleCount >= MAX_IDLE_INSTANCES) {
    const [oldestKey, oldest] = idle.entries().next().value!;
    oldest.shift();
    idleCount--;
    if (oldest.length === 0) idle.delete(oldestKey);
  }
  const list = idle.get(instance.key) ?? [];
  list.push(instance);
  idle.delete(instance.key);
  idle.set(instance.key, list);
  idleCount++;
}

/** What the run needs from the child process: the parent's host and log sink, over IPC. */
export interface RunIo {
  hostCall(callId: number, api: HostApi, argsJson: string): void;
  log(level: SandboxLogLine['level'], message: string): void;
  logsTruncated(): void;
}

export interface QuickJSRun {
  outcome: Promise<ChildOutcome>;
  settleHost(callId: number, ok: boolean, text: string, code?: string): void;
  abort(reason: string): void;
}

const LOG_LEVELS = new Set(['log', 'info', 'warn', 'error']);

function classifyVmError(name: string, message: string): ChildOutcome {
  if (name === 'InternalError' && message === 'out of memory') {
    return { status: 'failed', code: 'memory_limit_exceeded', message: 'The agent ran out of memory (the limit is its memory_mb)' };
  }
  // The agent SDK's own refusal of inputs or outputs (defineAgent's Zod schemas) keeps its meaning.
  if (name === 'AgentSchemaError' && message.startsWith('Invalid inputs:')) return { status: 'failed', code: 'invalid_inputs', message };
  if (name === 'AgentSchemaError' && message.startsWith('Invalid outputs:')) return { status: 'failed', code: 'invalid_output', message };
  return { status: 'failed', code: 'agent_error', message: name === 'Error' || name === '' ? message : `${name}: ${message}` };
}

export function startQuickJSRun(request: ChildRunRequest, io: RunIo): QuickJSRun {
  const startedAt = Date.now();
  const deadline = startedAt + request.limits.timeoutMs;
  let cutoff = deadline;
  let outcome: ChildOutcome | null = null;
  let ending: 'timed_out' | 'aborted' | null = null;
  let resolveOutcome!: (o: ChildOutcome) => void;
  const outcomePromise = new Promise<ChildOutcome>((resolve) => (resolveOutcome = resolve));
  const apis = allowedHostApis(request.capabilities);
  const timers = new Map<number, NodeJS.Timeout>();
  let logBytes = 0;
  let logsTruncated = false;
  let hostCalls = 0;
  let nextCallId = 1;

  let instance: Instance | null = null;
  let vm: QuickJSContext | null = null;
  let api: QuickJSHandle | null = null;
  let broken = false;
  let finished = false;
  /** The interrupt handler stopped the VM: whatever the agent did after, the run timed out (or was aborted). */
  let interrupted = false;
  const deadlineTimer = setTimeout(() => end('timed_out'), request.limits.timeoutMs);

  const finish = (o: ChildOutcome) => {
    if (outcome) return;
    if (interrupted && o.status !== 'aborted' && o.status !== 'timed_out') {
      outcome = ending === 'aborted' ? { status: 'aborted', message: 'The execution was aborted' } : timedOut();
    } else outcome = o;
  };

  /** Tear down once the VM is not on the stack: dispose, keep or drop the instance, report. */
  const complete = () => {
    if (finished || !outcome) return;
    finished = true;
    clearTimeout(deadlineTimer);
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    // Only a clean run's runtime is disposed and its instance kept; any other end drops the
    // instance whole (its memory goes with it), whatever state the agent left inside.
    if (outcome.status === 'succeeded' && !broken && instance && vm) {
      try {
        api?.dispose();
        const runtime = vm.runtime;
        vm.dispose();
        runtime.dispose();
        instance.uses++;
        releaseInstance(instance);
      } catch {
        // a runtime that cannot be disposed is dropped with its instance
      }
    }
    resolveOutcome(outcome);
  };

  /** Calls into the VM, then runs its pending jobs; a WASM fault or an uncatchable error ends the run. */
  const enter = (work: (vm: QuickJSContext) => void) => {
    if (!vm || finished) return;
    try {
      work(vm);
      for (;;) {
        const jobs = vm.runtime.executePendingJobs();
        if (jobs.error) {
          const err = vm.dump(jobs.error) as { name?: string; message?: string };
          jobs.error.dispose();
          failFromVm(String(err?.name ?? 'Error'), String(err?.message ?? err));
          break;
        }
        const ran = jobs.value;
        if (ran <= 0) break;
      }
    } catch (error) {
      broken = true;
      const atCap = instance !== null && instance.memory.buffer.byteLength >= instance.maxPages * WASM_PAGE;
      finish(
        atCap || /out of memory|memory access out of bounds|Cannot allocate/i.test(String(error))
          ? { status: 'failed', code: 'memory_limit_exceeded', message: 'The agent ran out of memory (the limit is its memory_mb)' }
          : { status: 'failed', code: 'sandbox_crashed', message: 'The sandbox engine failed' },
      );
    }
    complete();
  };

  /** Calls a method of the prelude's API; an error it throws (an interrupt) ends the run. */
  const callApi = (vm: QuickJSContext, method: string, args: QuickJSHandle[]) => {
    try {
      const result = vm.callMethod(api!, method, args);
      if (result.error) {
        const err = vm.dump(result.error) as { name?: string; message?: string };
        result.error.dispose();
        failFromVm(String(err?.name ?? 'Error'), String(err?.message ?? err));
      } else result.value.dispose();
    } finally {
      for (const handle of args) if (handle.alive) handle.dispose();
    }
  };

  const failFromVm = (name: string, message: string) => finish(classifyVmError(name, message));

  const timedOut = (): ChildOutcome => ({ status: 'timed_out', message: `The agent did not finish within ${request.limits.timeoutMs} ms` });

  /** Timeout or abort: let abort listeners run briefly, then end. */
  function end(kind: 'timed_out' | 'aborted') {
    if (finished || outcome) return;
    ending = kind;
    const message = kind === 'aborted' ? 'The execution was aborted' : `The agent did not finish within ${request.limits.timeoutMs} ms`;
    cutoff = Date.now() + ABORT_LISTENER_MS;
    enter((vm) => callApi(vm, 'abort', [vm.newString(message)]));
    finish(kind === 'aborted' ? { status: 'aborted', message } : timedOut());
    complete();
  }

  const setup = (vm: QuickJSContext): QuickJSHandle => {
    const natives = vm.newObject();
    const fn = (name: string, impl: (...args: QuickJSHandle[]) => QuickJSHandle | VmCallResult<QuickJSHandle> | void) => {
      vm.newFunction(name, impl).consume((f) => vm.setProp(natives, name, f));
    };
    fn('hostCall', (apiHandle, argsHandle) => {
      const name = vm.getString(apiHandle) as HostApi;
      const argsJson = vm.getString(argsHandle);
      const callId = nextCallId++;
      hostCalls++;
      if (!apis.has(name)) queueMicrotask(() => settle(callId, false, `The agent has no capability for ${name}`, 'capability_not_granted'));
      else if (hostCalls > CAPABILITY_CALLS_PER_RUN) {
        queueMicrotask(() => settle(callId, false, `At most ${CAPABILITY_CALLS_PER_RUN} capability calls per execution`, 'capability_limit_exceeded'));
      } else io.hostCall(callId, name, argsJson);
      return vm.newNumber(callId);
    });
    fn('log', (levelHandle, messageHandle) => {
      if (logsTruncated) return;
      const level = vm.getString(levelHandle);
      const message = vm.getString(messageHandle);
      logBytes += Buffer.byteLength(message, 'utf8');
      if (logBytes > request.limits.maxLogBytes) {
        logsTruncated = true;
        io.logsTruncated();
        return;
      }
      io.log((LOG_LEVELS.has(level) ? level : 'log') as SandboxLogLine['level'], message);
    });
    fn('setTimer', (idHandle, msHandle) => {
      const id = vm.getNumber(idHandle);
      const ms = Math.min(vm.getNumber(msHandle), request.limits.timeoutMs);
      timers.set(id, setTimeout(() => {
        timers.delete(id);
        enter((vm) => callApi(vm, 'fireTimer', [vm.newNumber(id)]));
      }, ms));
    });
    fn('clearTimer', (idHandle) => {
      const id = vm.getNumber(idHandle);
      clearTimeout(timers.get(id));
      timers.delete(id);
    });
    fn('randomBytes', (nHandle) => {
      const n = Math.max(0, Math.min(65536, Math.floor(vm.getNumber(nHandle)) || 0));
      const bytes = randomBytes(n);
      return vm.newArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + n));
    });
    fn('load', (nameHandle) => {
      const name = vm.getString(nameHandle);
      const source = LAZY_SOURCES[name];
      if (source === undefined) throw new Error(`No sandbox source ${name}`);
      const evaluated = vm.evalCode(source, `frameos:${name}`, { type: 'global', strict: true });
      return evaluated.error ? { error: evaluated.error } : { value: evaluated.value };
    });
    fn('finish', (kindHandle, textHandle) => {
      const kind = vm.getString(kindHandle);
      const text = vm.getString(textHandle);
      if (kind === 'ok') {
        if (Buffer.byteLength(text, 'utf8') > request.limits.maxOutputBytes) finish(outputTooLarge());
        else finish({ status: 'succeeded', outputsJson: text });
      } else if (kind === 'too_large') finish(outputTooLarge());
      else if (kind === 'invalid') finish({ status: 'failed', code: 'invalid_output', message: text });
      else {
        const err = JSON.parse(text) as { name: string; message: string };
        finish(classifyVmError(err.name, err.message));
      }
    });
    const install = vm.unwrapResult(vm.evalCode(PRELUDE, 'frameos:prelude', { type: 'global', strict: true }));
    const handle = vm.callFunction(install, vm.undefined, natives).unwrap();
    install.dispose();
    natives.dispose();
    return handle;
  };

  const outputTooLarge = (): ChildOutcome => ({
    status: 'failed',
    code: 'output_too_large',
    message: `The outputs are larger than ${request.limits.maxOutputBytes} bytes`,
  });

  const settle = (callId: number, ok: boolean, text: string, code?: string) => {
    enter((vm) => {
      callApi(vm, 'settleHost', [vm.newNumber(callId), ok ? vm.true : vm.false, vm.newString(text), code ? vm.newString(code) : vm.undefined]);
    });
  };

  void (async () => {
    try {
      instance = await takeInstance(request.codeSha256, request.limits.memoryMb);
    } catch {
      finish({ status: 'failed', code: 'sandbox_crashed', message: 'The sandbox engine could not start' });
      complete();
      return;
    }
    if (outcome) {
      complete();
      return;
    }
    const runtime = instance.qjs.newRuntime();
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    runtime.setInterruptHandler(() => {
      if (Date.now() <= cutoff) return false;
      interrupted = true;
      return true;
    });
    vm = runtime.newContext();
    enter((vm) => {
      api = setup(vm);
      const evaluated = vm.evalCode(request.code, 'agent.js', { type: 'module', strict: true });
      if (evaluated.error) {
        const err = vm.dump(evaluated.error) as { name?: string; message?: string };
        evaluated.error.dispose();
        failFromVm(String(err?.name ?? 'Error'), String(err?.message ?? err));
        return;
      }
      const apiList = vm.newArray();
      let i = 0;
      for (const name of apis) vm.newString(name).consume((h) => vm.setProp(apiList, i++, h));
      callApi(vm, 'start', [evaluated.value, vm.newString(request.payload), apiList, vm.newNumber(request.limits.maxOutputBytes), vm.newNumber(request.limits.maxLogBytes)]);
    });
  })();

  return {
    outcome: outcomePromise,
    settleHost: (callId, ok, text, code) => settle(callId, ok, text, code),
    abort: () => end('aborted'),
  };
}
