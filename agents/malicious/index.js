/* global setTimeout, clearTimeout -- the sandbox provides them (apps/server/src/modules/runtime/sandbox-prelude.js) */
// Each attack tries one way out of the sandbox. Where the sandbox contains it, the agent returns
// { contained: true, observed } saying what it saw; the attacks the sandbox must stop from outside
// (memory, output size, CPU) simply never return.

const HOST_NAMES = ['process', 'require', 'module', 'Buffer', '__dirname', 'global', 'fetch', 'Deno', 'Bun', 'WebAssembly', 'std', 'os'];

function found(root) {
  return HOST_NAMES.filter((name) => typeof root[name] !== 'undefined');
}

async function refusedFetch(ctx, url) {
  if (typeof ctx.fetch !== 'function') return { contained: true, observed: 'ctx.fetch is not there' };
  try {
    const res = await ctx.fetch(url);
    return { contained: false, observed: `fetched ${url}: ${res.status}` };
  } catch (error) {
    return { contained: true, observed: `${error.code ?? 'no code'}: ${error.message}` };
  }
}

const ATTACKS = {
  read_process: () => ({ contained: typeof process === 'undefined', observed: typeof process }),
  require: () => ({ contained: typeof require === 'undefined', observed: typeof require }),
  import_fs: async () => {
    try {
      const fs = await import('fs');
      return { contained: false, observed: `imported fs: ${Object.keys(fs).length} exports` };
    } catch (error) {
      return { contained: true, observed: String(error) };
    }
  },
  globalthis: () => {
    const leaks = found(globalThis);
    return { contained: leaks.length === 0, observed: Object.getOwnPropertyNames(globalThis).sort().join(',') };
  },
  function_this: () => {
    const root = Function('return this')();
    const leaks = found(root);
    return { contained: leaks.length === 0 && root === globalThis, observed: leaks.join(',') || 'the sandbox global' };
  },
  ctx_constructor: (inputs, ctx) => {
    const attempts = [ctx.constructor.constructor, ctx.log.constructor, ctx.signal.addEventListener.constructor, inputs.constructor.constructor];
    const seen = attempts.map((F) => {
      try {
        const p = F('return typeof process === "undefined" ? undefined : process')();
        return p === undefined ? 'undefined' : 'PROCESS';
      } catch (error) {
        return String(error);
      }
    });
    return { contained: seen.every((s) => s !== 'PROCESS'), observed: seen.join('; ') };
  },
  prototype_pollution: (inputs) => {
    Object.prototype.polluted = 'yes';
    Object.getPrototypeOf(inputs).pollutedThroughInputs = 'yes';
    Array.prototype.polluted = 'yes';
    return { contained: true, observed: 'wrote Object.prototype.polluted inside the sandbox' };
  },
  fetch_without_capability: (_inputs, ctx) => ({ contained: typeof ctx.fetch === 'undefined', observed: typeof ctx.fetch }),
  fetch_loopback: (_inputs, ctx) => refusedFetch(ctx, 'http://127.0.0.1:8080/admin'),
  fetch_metadata: (_inputs, ctx) => refusedFetch(ctx, 'http://169.254.169.254/latest/meta-data/'),
  fetch_dns_loopback: (_inputs, ctx) => refusedFetch(ctx, 'http://localtest.me/'),
  memory_bomb: () => {
    const chunks = [];
    for (let i = 0; i < 1024; i++) chunks.push(new Uint8Array(1024 * 1024).fill(i));
    return { contained: false, observed: `allocated ${chunks.length} MiB` };
  },
  big_output: () => ({ contained: false, observed: 'x'.repeat(10 * 1024 * 1024) }),
  proto_output: () => JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "contained": true, "observed": "returned __proto__"}'),
  log_flood: (_inputs, ctx) => {
    const line = 'x'.repeat(1024);
    for (let i = 0; i < 10_000; i++) ctx.log(i, line);
    return { contained: true, observed: 'logged 10 000 lines of 1 KiB' };
  },
  timer_flood: () => {
    const ids = [];
    try {
      for (let i = 0; i < 10_000; i++) ids.push(setTimeout(() => {}, 60_000));
      return { contained: false, observed: `${ids.length} timers pending` };
    } catch (error) {
      return { contained: true, observed: `${ids.length} timers, then ${error}` };
    } finally {
      for (const id of ids) clearTimeout(id);
    }
  },
  global_write: () => {
    globalThis.leakedFromAnotherRun = 'secret';
    Object.prototype.leakedFromAnotherRun = 'secret';
    return { contained: true, observed: 'wrote globalThis.leakedFromAnotherRun' };
  },
  global_read: () => {
    const seen = typeof globalThis.leakedFromAnotherRun + ',' + typeof {}.leakedFromAnotherRun;
    return { contained: seen === 'undefined,undefined', observed: seen };
  },
  stack_overflow: () => {
    const deeper = (n) => deeper(n + 1) + 1;
    try {
      deeper(0);
      return { contained: false, observed: 'returned' };
    } catch (error) {
      return { contained: true, observed: String(error) };
    }
  },
};

export default async function handler(inputs, ctx) {
  const attack = ATTACKS[inputs.attack];
  if (!Object.hasOwn(ATTACKS, inputs.attack)) throw new Error(`Unknown attack: ${String(inputs.attack)}`);
  return attack(inputs, ctx);
}
