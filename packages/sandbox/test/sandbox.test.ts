import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HostCall, SandboxLogLine, SandboxOutcome, SandboxRunRequest } from '../src/sandbox.ts';
import { createQuickJSProcessPool, type QuickJSPool } from '../src/sandbox-pool.ts';

const AGENTS = new URL('../../../agents/', import.meta.url);

function agentCode(name: string): string {
  return readFileSync(new URL(`${name}/index.js`, AGENTS), 'utf8');
}

interface RunOptions {
  capabilities?: string[];
  limits?: Partial<SandboxRunRequest['limits']>;
  host?: (call: HostCall) => Promise<unknown>;
  onLog?: (line: SandboxLogLine) => void;
  signal?: AbortSignal;
  secrets?: Record<string, string>;
}

let pool: QuickJSPool;
let runs = 0;

function run(code: string, inputs: Record<string, unknown>, options: RunOptions = {}): Promise<SandboxOutcome> {
  const id = `exe_test_${++runs}`;
  return pool.run({
    runId: id,
    code,
    codeSha256: createHash('sha256').update(code).digest('hex'),
    inputs,
    context: { execution_id: id, config: { mode: 'test' }, secrets: options.secrets ?? {} },
    capabilities: options.capabilities ?? [],
    limits: { timeoutMs: 2000, memoryMb: 64, maxOutputBytes: 1024 * 1024, maxLogBytes: 64 * 1024, ...options.limits },
    host: options.host ?? (async () => null),
    onLog: options.onLog ?? (() => {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

const agent = (name: string) => (inputs: Record<string, unknown>, options?: RunOptions) => run(agentCode(name), inputs, options);
const hello = agent('hello-world');
const math = agent('math');
const timeout = agent('timeout');
const malicious = agent('malicious');

async function expectPoolHealthy(): Promise<void> {
  expect(await hello({ name: 'Ada' })).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello, Ada' } });
}

beforeAll(() => {
  pool = createQuickJSProcessPool({ processes: 2, slotsPerProcess: 8, killGraceMs: 300 });
});

afterAll(async () => {
  await pool.close();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('the sandbox runs agents', () => {
  it('runs hello-world and returns its outputs', async () => {
    const outcome = await hello({ name: 'Grace' });
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello, Grace' }, logsTruncated: false });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs math', async () => {
    expect(await math({ operation: 'multiply', a: 6, b: 7 })).toMatchObject({ status: 'succeeded', outputs: { result: 42 } });
    expect(await math({ operation: 'subtract', a: 1, b: 3 })).toMatchObject({ status: 'succeeded', outputs: { result: -2 } });
  });

  it('fails a division by zero with agent_error, the message and no host stack', async () => {
    const outcome = await math({ operation: 'divide', a: 1, b: 0 });
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'agent_error', message: 'Division by zero' } });
    expect(JSON.stringify(outcome)).not.toMatch(/sandbox|\.ts|node:|at /);
  });

  it('hands the agent its context, and logs go to onLog', async () => {
    const lines: SandboxLogLine[] = [];
    const code = `export default async (inputs, ctx) => {
      console.info('info', { a: 1 }); console.warn('warn'); console.error(new TypeError('bad')); ctx.log('via ctx', 2);
      return { id: ctx.execution_id, mode: ctx.config.mode, key: ctx.secrets.API_KEY, aborted: ctx.signal.aborted, apis: Object.keys(ctx).sort().join(',') };
    }`;
    const outcome = await run(code, {}, { secrets: { API_KEY: 'k_1' }, onLog: (line) => lines.push(line) });
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { mode: 'test', key: 'k_1', aborted: false, apis: 'config,execution_id,log,secrets,signal' } });
    expect(lines).toEqual([
      { level: 'info', message: 'info {"a":1}' },
      { level: 'warn', message: 'warn' },
      { level: 'error', message: 'TypeError: bad' },
      { level: 'log', message: 'via ctx 2' },
    ]);
  });

  it('provides timers, TextEncoder/TextDecoder, URL, URLSearchParams, structuredClone and crypto', async () => {
    const code = `export default async () => {
      const waited = await new Promise((resolve) => setTimeout(resolve, 5, 'waited'));
      const cleared = setTimeout(() => { throw new Error('must not fire'); }, 1); clearTimeout(cleared);
      const bytes = new TextEncoder().encode('héllo €😀');
      const url = new URL('../b/./c?q=a b&x=1#frag', 'https://User:pw@Example.COM:443/a/z');
      url.searchParams.append('y', 'ü&=');
      const params = new URLSearchParams({ a: '1', b: 'x y' });
      const clone = structuredClone({ d: new Date(0), m: new Map([[1, { s: new Set([2]) }]]) });
      const random = new Uint8Array(16); crypto.getRandomValues(random);
      return {
        waited, bytes: Array.from(bytes).length, text: new TextDecoder().decode(bytes),
        href: url.href, host: url.host, origin: url.origin, path: url.pathname, q: url.searchParams.get('q'),
        params: params.toString(), ip: new URL('http://0x7f.1/').hostname, mailto: new URL('mailto:a@b.c').pathname,
        canParse: URL.canParse('nope'), clone: clone.d instanceof Date && clone.m.get(1).s.has(2),
        uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
        random: random.some((b) => b !== 0),
      };
    }`;
    expect(await run(code, {})).toMatchObject({
      status: 'succeeded',
      outputs: {
        waited: 'waited',
        bytes: 14,
        text: 'héllo €😀',
        href: 'https://User:pw@example.com/b/c?q=a+b&x=1&y=%C3%BC%26%3D#frag',
        host: 'example.com',
        origin: 'https://example.com',
        path: '/b/c',
        q: 'a b',
        params: 'a=1&b=x+y',
        ip: '127.0.0.1',
        mailto: 'a@b.c',
        canParse: false,
        clone: true,
        uuid: true,
        random: true,
      },
    });
  });

  it('parses URLs as Node does', async () => {
    const cases: [string, string?][] = [
      ['https://a.example/x/../y/./z?b=1#h'], ['HTTP://EXAMPLE.com:80/a b'], ['http://[::1]:8080/p'], ['http://2130706433/'],
      ['http://0177.0.0.1/'], ['https://user@host/'], ['/x?y', 'https://base.example/a/b'], ['c', 'https://base.example/a/b'],
      ['?q', 'https://base.example/a/b?z#f'], ['#f', 'https://base.example/a/b?z'], ['//other.example/p', 'https://base.example/'],
      ['file:///etc/passwd'], ['data:text/plain,hi'], ['ws://h:81/'], ['https://h/%7Efoo/é'], ['not a url'], ['http://'],
    ];
    const code = `export default async (inputs) => ({ hrefs: inputs.cases.map(([u, b]) => { try { return new URL(u, b).href; } catch { return 'invalid'; } }) })`;
    const expected = cases.map(([u, b]) => {
      try {
        return new URL(u, b).href;
      } catch {
        return 'invalid';
      }
    });
    expect(await run(code, { cases: cases.map(([u, b]) => [u, b ?? null].filter((x) => x !== null)) })).toMatchObject({ outputs: { hrefs: expected } });
  });

  it('refuses a module that imports anything, and outputs that are not a plain JSON object', async () => {
    expect(await run('import fs from "fs"; export default async () => ({})', {})).toMatchObject({ status: 'failed', error: { code: 'agent_error' } });
    expect(await run('export default async () => [1, 2]', {})).toMatchObject({ status: 'failed', error: { code: 'invalid_output' } });
    expect(await run('export default async () => "text"', {})).toMatchObject({ status: 'failed', error: { code: 'invalid_output' } });
    expect(await run('export default async () => new Map()', {})).toMatchObject({ status: 'failed', error: { code: 'invalid_output' } });
    expect(await run('export default async () => { const o = {}; o.o = o; return o; }', {})).toMatchObject({ status: 'failed', error: { code: 'invalid_output' } });
    expect(await run('export default async () => ({ n: 1n })', {})).toMatchObject({ status: 'failed', error: { code: 'invalid_output' } });
    expect(await run('export const notDefault = 1', {})).toMatchObject({ status: 'failed', error: { code: 'agent_error' } });
  });

  it('runs many executions at once', async () => {
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => hello({ name: `n${i}` })));
    outcomes.forEach((outcome, i) => expect(outcome).toMatchObject({ status: 'succeeded', outputs: { greeting: `Hello, n${i}` } }));
  });
});

describe('the sandbox enforces its deadlines', () => {
  it('times out a synchronous infinite loop, and the pool still works afterwards', async () => {
    expect(await timeout({ mode: 'sync_loop' }, { limits: { timeoutMs: 200 } })).toMatchObject({ status: 'timed_out', error: { code: 'timed_out' } });
    await expectPoolHealthy();
  });

  it('times out a promise that never settles, and aborts ctx.signal', async () => {
    expect(await timeout({ mode: 'never_settles' }, { limits: { timeoutMs: 200 } })).toMatchObject({ status: 'timed_out' });
    const code = `export default async (inputs, ctx) => {
      ctx.signal.addEventListener('abort', () => console.log('abort seen', ctx.signal.aborted, ctx.signal.reason.name));
      return new Promise(() => {});
    }`;
    const lines: string[] = [];
    expect(await run(code, {}, { limits: { timeoutMs: 100 }, onLog: (l) => lines.push(l.message) })).toMatchObject({ status: 'timed_out' });
    expect(lines).toEqual(['abort seen true AbortError']);
  });

  it('times out a loop after an await, and one that swallows the interrupt', async () => {
    const afterAwait = 'export default async () => { await null; for (;;) {} }';
    expect(await run(afterAwait, {}, { limits: { timeoutMs: 100 } })).toMatchObject({ status: 'timed_out' });
    const swallow = 'export default async () => { try { await (async () => { for (;;) {} })(); } catch {} return { escaped: true }; }';
    expect(await run(swallow, {}, { limits: { timeoutMs: 100 } })).toMatchObject({ status: 'timed_out' });
  });

  it('kills and replaces a child stuck in one long built-in call past deadline + grace', async () => {
    const code = `export default async () => {
      const rows = []; for (let i = 0; i < 300000; i++) rows.push({ i, s: 'row' + i, n: [i, i] });
      return { size: JSON.stringify(rows).length + JSON.stringify(rows).length + JSON.stringify(rows).length };
    }`;
    expect(await run(code, {}, { limits: { timeoutMs: 50, memoryMb: 256 } })).toMatchObject({ status: 'timed_out' });
    await expectPoolHealthy();
  });

  it('aborts a run when the caller aborts its signal', async () => {
    const controller = new AbortController();
    const outcome = await timeout({ mode: 'never_settles' }, { limits: { timeoutMs: 10_000 }, signal: controller.signal, onLog: () => controller.abort() });
    expect(outcome).toMatchObject({ status: 'aborted', error: { code: 'aborted' } });
    const already = new AbortController();
    already.abort();
    expect(await hello({ name: 'x' }, { signal: already.signal })).toMatchObject({ status: 'aborted' });
  });

  it('ends the run of a child killed from outside with sandbox_crashed, and respawns it', async () => {
    let entered!: () => void;
    const inHost = new Promise<void>((resolve) => (entered = resolve));
    const pending = malicious({ attack: 'fetch_loopback' }, { capabilities: ['http_request'], host: () => (entered(), new Promise(() => {})) });
    await inHost;
    const pids = pool.childPids();
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    expect(await pending).toMatchObject({ status: 'failed', error: { code: 'sandbox_crashed' } });
    await expectPoolHealthy();
    await vi.waitFor(() => expect(pool.childPids().filter((pid) => !pids.includes(pid))).toHaveLength(2));
  });
});

describe('the sandbox contains the malicious agent', () => {
  const contained = ['read_process', 'require', 'import_fs', 'globalthis', 'function_this', 'ctx_constructor', 'fetch_without_capability', 'timer_flood', 'stack_overflow'];
  it.each(contained)('contains %s and reports it', async (attack) => {
    const outcome = await malicious({ attack });
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
    expect(outcome).toMatchObject({ outputs: { contained: true } });
  });

  it.each(['fetch_loopback', 'fetch_metadata', 'fetch_dns_loopback'])('sends %s to the host, whose refusal reaches the agent as an error', async (attack) => {
    const calls: HostCall[] = [];
    const host = async (call: HostCall) => {
      calls.push(call);
      throw Object.assign(new Error('The address is not public'), { code: 'ssrf_blocked' });
    };
    const outcome = await malicious({ attack }, { capabilities: ['http_request'], host });
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { contained: true, observed: 'ssrf_blocked: The address is not public' } });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ api: 'fetch', args: [expect.stringMatching(/^http:\/\//), { method: 'GET', headers: {} }] });
  });

  it('gives the agent the host fetch answer as a response object', async () => {
    const code = `export default async (inputs, ctx) => {
      const res = await ctx.fetch(new URL('https://api.example.com/x'), { method: 'POST', headers: [['a', 'b']], body: '{"q":1}' });
      return { ok: res.ok, status: res.status, json: await res.json(), text: await res.text(), h: res.headers['content-type'] };
    }`;
    const calls: HostCall[] = [];
    const host = async (call: HostCall) => {
      calls.push(call);
      return { status: 201, statusText: 'Created', headers: { 'content-type': 'application/json' }, url: 'https://api.example.com/x', body: '{"r":2}' };
    };
    expect(await run(code, {}, { capabilities: ['http_request'], host })).toMatchObject({
      status: 'succeeded',
      outputs: { ok: true, status: 201, json: { r: 2 }, text: '{"r":2}', h: 'application/json' },
    });
    expect(calls).toEqual([{ api: 'fetch', args: ['https://api.example.com/x', { method: 'POST', headers: { a: 'b' }, body: '{"q":1}' }] }]);
  });

  it('adds only the APIs of the declared capabilities; database_read cannot write', async () => {
    const code = 'export default async (inputs, ctx) => ({ keys: Object.keys(ctx).sort().join(","), db: ctx.db ? Object.keys(ctx.db).sort().join(",") : "" })';
    expect(await run(code, {}, { capabilities: ['database_read'] })).toMatchObject({ outputs: { keys: 'config,db,execution_id,log,secrets,signal', db: 'get,list' } });
    expect(await run(code, {}, { capabilities: ['database_write', 'email', 'file_storage', 'webhook', 'charge'] })).toMatchObject({
      outputs: { keys: 'charge,config,db,email,emit,execution_id,log,secrets,signal,storage', db: 'delete,get,list,put' },
    });
  });

  it('adds ctx.browser.read only with browser_automation, forwarding the url and options as JSON', async () => {
    const code = `export default async (inputs, ctx) => {
      if (!inputs.call) return { browser: typeof ctx.browser, keys: Object.keys(ctx).sort().join(',') };
      const page = await ctx.browser.read(new URL('https://example.com/a'), inputs.options);
      return { title: page.title, methods: Object.keys(ctx.browser).join(',') };
    }`;
    expect(await run(code, {}, { capabilities: ['http_request', 'email', 'file_storage', 'database_write', 'webhook'] })).toMatchObject({ outputs: { browser: 'undefined' } });
    expect(await run(code, {}, { capabilities: ['browser_automation'] })).toMatchObject({ outputs: { browser: 'object', keys: 'browser,config,execution_id,log,secrets,signal' } });
    const calls: HostCall[] = [];
    const host = async (c: HostCall) => (calls.push(c), { url: 'https://example.com/a', status: 200, title: 'A', text: '', fields: {} });
    expect(await run(code, { call: true }, { capabilities: ['browser_automation'], host })).toMatchObject({ outputs: { title: 'A', methods: 'read' } });
    expect(await run(code, { call: true, options: { selectors: { h: 'h1' }, timeout_ms: 5000 } }, { capabilities: ['browser_automation'], host })).toMatchObject({ status: 'succeeded' });
    expect(calls).toEqual([
      { api: 'browser.read', args: ['https://example.com/a', {}] },
      { api: 'browser.read', args: ['https://example.com/a', { selectors: { h: 'h1' }, timeout_ms: 5000 }] },
    ]);
  });

  it('caps capability calls per run', async () => {
    const code = `export default async (inputs, ctx) => {
      let ok = 0; let refused = '';
      for (let i = 0; i < 1005; i++) { try { await ctx.db.get('k' + i); ok++; } catch (e) { refused = e.code; } }
      return { ok, refused };
    }`;
    expect(await run(code, {}, { capabilities: ['database_read'], limits: { timeoutMs: 10_000 } })).toMatchObject({ outputs: { ok: 1000, refused: 'capability_limit_exceeded' } });
  });

  it('fails a 1 GiB allocation with memory_limit_exceeded', async () => {
    expect(await malicious({ attack: 'memory_bomb' })).toMatchObject({ status: 'failed', error: { code: 'memory_limit_exceeded' } });
    await expectPoolHealthy();
  });

  it('fails a 10 MiB output with output_too_large', async () => {
    expect(await malicious({ attack: 'big_output' }, { limits: { memoryMb: 128 } })).toMatchObject({ status: 'failed', error: { code: 'output_too_large' } });
  });

  it('drops __proto__ and constructor keys of the outputs, so they pollute nothing', async () => {
    const outcome = await malicious({ attack: 'proto_output' });
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { contained: true } });
    const outputs = (outcome as Extract<SandboxOutcome, { status: 'succeeded' }>).outputs;
    expect(Object.keys(outputs).sort()).toEqual(['contained', 'observed']);
    const merged = Object.assign({}, outputs);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });

  it('keeps prototype pollution inside the run', async () => {
    expect(await malicious({ attack: 'prototype_pollution' }, { capabilities: [] })).toMatchObject({ status: 'succeeded' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
    const check = 'export default async (inputs) => ({ a: typeof {}.polluted, b: typeof [].polluted, c: typeof inputs.pollutedThroughInputs })';
    expect(await run(check, {})).toMatchObject({ outputs: { a: 'undefined', b: 'undefined', c: 'undefined' } });
  });

  it('truncates a log flood and says so', async () => {
    const lines: SandboxLogLine[] = [];
    const outcome = await malicious({ attack: 'log_flood' }, { limits: { maxLogBytes: 16 * 1024 }, onLog: (l) => lines.push(l) });
    expect(outcome).toMatchObject({ status: 'succeeded', logsTruncated: true, outputs: { contained: true } });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.reduce((n, l) => n + Buffer.byteLength(l.message), 0)).toBeLessThanOrEqual(16 * 1024);
  });

  it('does not let a global written in one run reach the next run of the same bundle', async () => {
    expect(await malicious({ attack: 'global_write' })).toMatchObject({ status: 'succeeded' });
    for (let i = 0; i < 4; i++) {
      expect(await malicious({ attack: 'global_read' })).toMatchObject({ outputs: { contained: true, observed: 'undefined,undefined' } });
    }
  });

  it('survives every attack and still runs hello-world', async () => {
    await expectPoolHealthy();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
