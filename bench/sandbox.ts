/**
 * The sandbox benchmark (npm run bench:sandbox): what one Hello-World run costs in QuickJS-WASM,
 * phase by phase, and what the process pool does end to end on this machine.
 *
 * 1. Phases, in this process, the same steps the engine takes (sandbox-quickjs.ts): create a WASM
 *    instance with a fixed 64 MiB memory, create runtime + context + prelude, compile/evaluate the
 *    agent module, run the handler, dispose. p50/p99 of each.
 * 2. The pool (createQuickJSProcessPool, one child per core): sequential latency p50/p99, then
 *    runs/s with 64 runs in flight, then the children's RSS after 10 000 runs (a leak shows here).
 * 3. An agent made with @frameos/agent-sdk (Zod bundled, ~200 kB): its bundle size and the pool's
 *    sequential latency per run, which is mostly compiling that bundle in a fresh context.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import RELEASE_SYNC from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import { createQuickJSProcessPool } from '../packages/sandbox/src/sandbox-pool.ts';
import { packageAgent } from '../packages/agent-sdk/src/node/index.ts';
import type { SandboxRunRequest } from '../packages/sandbox/src/sandbox.ts';

const HELLO = readFileSync(new URL('../agents/hello-world/index.js', import.meta.url), 'utf8');
const PRELUDE = readFileSync(new URL('../packages/sandbox/src/sandbox-prelude.js', import.meta.url), 'utf8');
const PHASE_RUNS = Number(process.env.BENCH_PHASE_RUNS ?? 500);
const SEQUENTIAL_RUNS = Number(process.env.BENCH_SEQUENTIAL_RUNS ?? 1000);
const LEAK_RUNS = Number(process.env.BENCH_LEAK_RUNS ?? 10_000);
const IN_FLIGHT = 64;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const summary = (values: number[]) => ({ p50: +percentile(values, 50).toFixed(3), p99: +percentile(values, 99).toFixed(3) });

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function phases() {
  const Wasm = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => unknown; compile(b: Uint8Array): Promise<unknown> } }).WebAssembly;
  const wasmModule = await Wasm.compile(readFileSync(createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm')));
  const t = { instance: [] as number[], context: [] as number[], compile: [] as number[], run: [] as number[], dispose: [] as number[] };
  for (let i = 0; i < PHASE_RUNS; i++) {
    let start = performance.now();
    const options = { wasmModule, wasmMemory: new Wasm.Memory({ initial: 256, maximum: 1024 }) } as NonNullable<Parameters<typeof newVariant>[1]>;
    const qjs: QuickJSWASMModule = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, options));
    const lap = (into: number[]) => {
      const now = performance.now();
      into.push(now - start);
      start = now;
    };
    lap(t.instance);
    const runtime = qjs.newRuntime();
    const vm = runtime.newContext();
    vm.unwrapResult(vm.evalCode(PRELUDE, 'frameos:prelude', { type: 'global', strict: true })).dispose();
    lap(t.context);
    const namespace = vm.unwrapResult(vm.evalCode(HELLO, 'agent.js', { type: 'module', strict: true }));
    lap(t.compile);
    const handler = vm.getProp(namespace, 'default');
    const inputs = vm.unwrapResult(vm.evalCode('({ name: "Ada" })'));
    const promise = vm.unwrapResult(vm.callFunction(handler, vm.undefined, inputs, vm.undefined));
    runtime.executePendingJobs();
    const state = vm.getPromiseState(promise);
    if (state.type !== 'fulfilled') throw new Error('hello-world did not finish');
    if ((vm.dump(state.value) as { greeting?: string }).greeting !== 'Hello, Ada') throw new Error('wrong greeting');
    state.value.dispose();
    for (const handle of [promise, inputs, handler, namespace]) handle.dispose();
    lap(t.run);
    vm.dispose();
    runtime.dispose();
    lap(t.dispose);
  }
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, summary(v)]));
}

function request(i: number): SandboxRunRequest {
  return {
    runId: `exe_bench_${i}`,
    code: HELLO,
    codeSha256: createHash('sha256').update(HELLO).digest('hex'),
    inputs: { name: `n${i}` },
    context: { execution_id: `exe_bench_${i}`, config: {}, secrets: {} },
    capabilities: [],
    limits: { timeoutMs: 5000, memoryMb: 64, maxOutputBytes: 1024 * 1024, maxLogBytes: 64 * 1024 },
    host: async () => null,
    onLog: () => {},
  };
}

async function pool() {
  const sandbox = createQuickJSProcessPool();
  const startedAt = performance.now();
  const first = await sandbox.run(request(0));
  if (first.status !== 'succeeded') throw new Error(`hello-world: ${JSON.stringify(first)}`);
  const coldStartMs = performance.now() - startedAt;
  await Promise.all(Array.from({ length: 4 * availableParallelism() }, (_, i) => sandbox.run(request(i))));
  const rssStart = sandbox.childPids().map(rssMiB);

  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
    const t0 = performance.now();
    await sandbox.run(request(i));
    latencies.push(performance.now() - t0);
  }

  let done = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (done < LEAK_RUNS) {
        done++;
        if ((await sandbox.run(request(done))).status !== 'succeeded') failed++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const rssAfter = sandbox.childPids().map(rssMiB);
  await sandbox.close();
  return {
    processes: availableParallelism(),
    coldStartMs: +coldStartMs.toFixed(1),
    sequential: { runs: SEQUENTIAL_RUNS, latencyMs: summary(latencies) },
    concurrent: { runs: done, inFlight: IN_FLIGHT, failed, runsPerSecond: +(done / seconds).toFixed(0) },
    childRssMiB: { afterWarmUp: rssStart, afterAllRuns: rssAfter },
  };
}

/** An SDK agent (packages/agent-sdk/test/fixtures/greeter): what bundling Zod costs per run. */
async function sdkAgent() {
  const pkg = await packageAgent(new URL('../packages/agent-sdk/test/fixtures/greeter/index.ts', import.meta.url).pathname);
  const sandbox = createQuickJSProcessPool();
  const run = (i: number) => sandbox.run({ ...request(i), code: pkg.code, codeSha256: pkg.sha256, inputs: { name: `n${i}` }, capabilities: pkg.manifest.capabilities });
  const first = await run(0);
  if (first.status !== 'succeeded') throw new Error(`greeter: ${JSON.stringify(first)}`);
  const runs = Math.max(50, Math.floor(SEQUENTIAL_RUNS / 5));
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run(i);
    latencies.push(performance.now() - t0);
  }
  await sandbox.close();
  return { bundleBytes: pkg.bytes, sequential: { runs, latencyMs: summary(latencies) } };
}

const result = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus()[0]?.model ?? 'unknown'}, ${availableParallelism()} cores, Node ${process.versions.node}`,
  phasesMs: await phases(),
  pool: await pool(),
  sdkAgent: await sdkAgent(),
};
console.log(JSON.stringify(result, null, 2));
