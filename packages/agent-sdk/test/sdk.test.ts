import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestProblems, inputJsonSchema } from '@frameos/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentSchemaError, buildManifest, defineAgent, z, type AgentContext } from '@frameos/agent-sdk';
import { AgentPackageError, closeLocalSandbox, packageAgent, runLocally, type AgentPackage } from '@frameos/agent-sdk/node';
import greeter from './fixtures/greeter/index.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

afterAll(async () => closeLocalSandbox());

const fakeCtx = { execution_id: 'exe_test', config: {}, secrets: {}, log: () => {}, signal: {} } as unknown as AgentContext;

describe('defineAgent', () => {
  it('parses the inputs (defaults applied) and checks the outputs', async () => {
    expect(await greeter({ name: 'Ada' }, fakeCtx)).toEqual({ greeting: 'Hello, Ada', length: 10, has_fetch: false, has_email: false });
    await expect(greeter({ name: '' }, fakeCtx)).rejects.toThrow(/inputs\.name: Too small/);
    await expect(greeter({ name: 'Ada', style: 'whisper' }, fakeCtx)).rejects.toBeInstanceOf(AgentSchemaError);
    // @ts-expect-error -- the handler's return type is checked against outputs too
    const liar = defineAgent({
      manifest: { id: 'agt_liar', name: 'Liar', version: '1.0.0', description: 'x', pricing: { model: 'per_execution', amount: 1, currency: 'USD' }, metadata: { category: 'productivity' } },
      inputs: z.object({}),
      outputs: z.object({ n: z.number() }),
      handler: async () => ({ n: 'one' }),
    });
    await expect(liar({}, fakeCtx)).rejects.toThrow(/Invalid outputs: outputs\.n/);
  });

  it('still accepts a bare handler (the older form)', async () => {
    const handler = defineAgent(async (inputs) => ({ echo: inputs.x }));
    expect(await handler({ x: 1 }, fakeCtx)).toEqual({ echo: 1 });
  });
});

describe('the generated manifest', () => {
  const manifest = buildManifest(greeter.definition, { developerId: 'dev_123' });

  it('is one the registry accepts, with the developer filled in', () => {
    expect(manifestProblems(manifest)).toEqual([]);
    expect(manifest.author.developer_id).toBe('dev_123');
    expect(manifest.runtime).toEqual({ language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: 30_000, memory_mb: 64 });
    expect(manifest.capabilities).toEqual(['http_request']);
    expect(manifest.metadata.examples).toEqual([{ name: 'Ada', inputs: { name: 'Ada' } }]);
  });

  it('has each field with its type, requiredness, description and full JSON Schema', () => {
    expect(manifest.inputs).toEqual([
      { name: 'name', type: 'string', required: true, description: 'who to greet', schema: { type: 'string', minLength: 1 } },
      { name: 'style', type: 'string', required: false, schema: { type: 'string', enum: ['plain', 'loud'], default: 'plain' } },
      { name: 'times', type: 'number', required: false, schema: { type: 'integer', minimum: 1, maximum: 3 } },
    ]);
    expect(manifest.outputs.map((f) => [f.name, f.type, f.required])).toEqual([['greeting', 'string', true], ['length', 'number', true], ['has_fetch', 'boolean', true], ['has_email', 'boolean', true]]);
    // The catalogue's input_schema carries the full schemas.
    expect(inputJsonSchema(manifest)).toMatchObject({ properties: { style: { enum: ['plain', 'loud'] }, name: { description: 'who to greet', minLength: 1 } }, required: ['name'] });
  });

  it('names a field whose schema has no manifest type', () => {
    const agent = defineAgent({
      manifest: { id: 'agt_x', name: 'Xxx', version: '1.0.0', description: 'x', pricing: { model: 'per_execution', amount: 1, currency: 'USD' }, metadata: { category: 'productivity' } },
      inputs: z.object({ either: z.union([z.string(), z.number()]) }),
      outputs: z.object({}),
      handler: async () => ({}),
    });
    expect(() => agent.manifest()).toThrow(/inputs\.either: must be a string, number, boolean, object or array schema/);
  });
});

describe('package() and local runs', () => {
  let pkg: AgentPackage;

  it('bundles the agent into one ES module that imports nothing, with its manifest', async () => {
    pkg = await packageAgent(join(FIXTURES, 'greeter/index.ts'), { developerId: 'dev_1' });
    expect(pkg.problems).toEqual([]);
    expect(pkg.manifest.id).toBe('agt_greeter');
    expect(pkg.code).not.toMatch(/^\s*import\s/m);
    expect(pkg.code).not.toMatch(/\brequire\(/);
    expect(pkg.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('runs it in the platform sandbox: typed ctx has only the declared capability', async () => {
    const lines: string[] = [];
    const result = await runLocally(pkg, { name: 'Ada', style: 'loud' }, { onLog: (l) => lines.push(l.message) });
    expect(result).toMatchObject({ status: 'succeeded', outputs: { greeting: 'HELLO, ADA!', length: 11, has_fetch: true, has_email: false } });
    expect(lines).toEqual(['greeted Ada']);
  });

  it('refuses inputs as the platform does, then as the Zod schema does', async () => {
    expect(await runLocally(pkg, { nam: 'Ada' })).toMatchObject({ status: 'failed', error: { code: 'invalid_inputs', message: expect.stringMatching(/nam: is not one of the agent's inputs; name: is required/) } });
    expect(await runLocally(pkg, { name: '' })).toMatchObject({ status: 'failed', error: { code: 'invalid_inputs', message: expect.stringMatching(/inputs\.name: Too small/) } });
  });

  it('reuses a packaged agent only while its files are unchanged (the package cache)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frameos-sdk-cache-'));
    try {
      await cp(join(FIXTURES, 'greeter'), join(dir, 'greeter'), { recursive: true });
      const entry = join(dir, 'greeter/index.ts');
      const cacheDir = join(dir, 'cache');
      const first = await packageAgent(entry, { cacheDir, developerId: 'dev_a' });
      const again = await packageAgent(entry, { cacheDir, developerId: 'dev_b' });
      expect(again.code).toBe(first.code);
      expect([first.manifest.author.developer_id, again.manifest.author.developer_id]).toEqual(['dev_a', 'dev_b']);
      await writeFile(entry, (await readFile(entry, 'utf8')).replace('Hello, ', 'Hi, '));
      const changed = await packageAgent(entry, { cacheDir });
      expect(changed.code).not.toBe(first.code);
      expect(changed.code).toContain('Hi, ');
      expect(changed.manifest.author.developer_id).toBe('dev_unset');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an idle local sandbox does not keep a process alive (no closeLocalSandbox needed)', async () => {
    const script = `import { packageAgent, runLocally } from '@frameos/agent-sdk/node';
      const pkg = await packageAgent(${JSON.stringify(join(FIXTURES, 'greeter/index.ts'))});
      const r = await runLocally(pkg, { name: 'Ada' });
      console.log(r.status);`;
    const { execFile } = await import('node:child_process');
    const out = await new Promise<{ code: number | null; stdout: string }>((done) => {
      const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..'), timeout: 30_000 }, (err, stdout) => done({ code: err ? (err as { code?: number }).code ?? 1 : 0, stdout }));
      child.stdin?.end();
    });
    // A process held open by the sandbox would be killed at the timeout (code not 0).
    expect(out).toEqual({ code: 0, stdout: 'succeeded\n' });
  });

  it('refuses to package what is not an SDK agent, and a Node built-in', async () => {
    await expect(packageAgent(join(FIXTURES, 'bare/index.js'))).rejects.toMatchObject({ code: 'not_an_sdk_agent' });
    await expect(packageAgent(join(FIXTURES, 'uses-fs/index.ts'))).rejects.toSatisfy((err: unknown) => err instanceof AgentPackageError && err.code === 'build_failed' && /node:fs/.test(err.message));
  });
});
