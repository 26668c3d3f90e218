import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as prompts from '@clack/prompts';
import { agentEntry, AgentPackageError, packageAgent, runLocally, type AgentPackage, type LocalRunResult } from '@frameos/agent-sdk/node';
import type { CommandContext } from '../context.ts';
import { CliError, EXIT } from '../output.ts';
import { projectFiles } from './templates.ts';

/** Packages the project's agent, turning the SDK's refusals into CLI errors. */
export async function packageProject(dir: string, developerId?: string): Promise<AgentPackage> {
  try {
    return await packageAgent(await agentEntry(dir), developerId !== undefined ? { developerId } : {});
  } catch (err) {
    if (err instanceof AgentPackageError) throw new CliError(err.code, err.message);
    throw err;
  }
}

async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new CliError('file_not_found', `Cannot read ${what} ${path}.`, EXIT.usage);
  });
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError('invalid_json', `${what} ${path} is not valid JSON.`, EXIT.usage);
  }
}

async function readJsonObject(path: string | undefined, cwd: string, what: string): Promise<Record<string, unknown> | undefined> {
  if (path === undefined) return undefined;
  const value = await readJsonFile(resolve(cwd, path), what);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('invalid_json', `${what} ${path} must hold a JSON object.`, EXIT.usage);
  return value as Record<string, unknown>;
}

const toKebab = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'my-agent';

export async function initCommand(ctx: CommandContext, dirArg: string | undefined, options: { name?: string; id?: string; yes?: boolean }) {
  const dir = resolve(ctx.cwd, dirArg ?? '.');
  let name = options.name;
  if (!name && ctx.out.interactive && !options.yes) {
    const answer = await prompts.text({ message: 'Agent name', placeholder: 'Word Counter', defaultValue: 'Word Counter', validate: (v) => (v && v.trim().length < 3 ? 'at least 3 characters' : undefined) });
    if (prompts.isCancel(answer)) throw new CliError('cancelled', 'Cancelled.', EXIT.usage);
    name = String(answer || 'Word Counter');
  }
  name ??= basename(dir).replace(/[-_]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
  if (name.trim().length < 3) name = 'Word Counter';
  const slug = toKebab(name);
  const id = options.id ?? `agt_${slug.replace(/-/g, '_')}`;
  if (!/^agt_[a-z0-9_]+$/.test(id)) throw new CliError('invalid_agent_id', `--id ${id} must match ^agt_[a-z0-9_]+$.`, EXIT.usage);
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.filter((f) => f !== '.git').length > 0) throw new CliError('directory_not_empty', `${dir} is not empty; pick a new directory: frameos init my-agent`, EXIT.usage);
  const files = projectFiles({ id, name, packageName: slug });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  ctx.out.result({ dir, agent_id: id, name, files: Object.keys(files) }, () => {
    ctx.out.line(`${ctx.out.colors.green('✓')} Created ${ctx.out.colors.bold(name)} (${id}) in ${dir}`);
    for (const f of Object.keys(files)) ctx.out.line(`  ${f}`);
    ctx.out.line();
    ctx.out.line(`Next: cd ${dirArg ?? '.'} && npx frameos test && npx frameos dev`);
  });
}

export async function validateCommand(ctx: CommandContext, dirArg: string | undefined) {
  const pkg = await packageProject(resolve(ctx.cwd, dirArg ?? '.'));
  const m = pkg.manifest;
  const valid = pkg.problems.length === 0;
  ctx.out.result({ valid, problems: pkg.problems, manifest: m, bytes: pkg.bytes, sha256: pkg.sha256 }, () => {
    ctx.out.line(`${ctx.out.colors.bold(m.name)} ${m.id}@${m.version} — ${m.pricing.model} ${m.pricing.amount} ${m.pricing.currency} (minor units), ${pkg.bytes} bytes`);
    ctx.out.table(['field', 'in/out', 'type', 'required', 'description'], [
      ...m.inputs.map((f) => [f.name, 'input', f.type, f.required ? 'yes' : 'no', f.description ?? '']),
      ...m.outputs.map((f) => [f.name, 'output', f.type, f.required ? 'yes' : 'no', f.description ?? '']),
    ]);
    ctx.out.line(`capabilities: ${m.capabilities.join(', ') || 'none'}`);
    if (valid) ctx.out.line(`${ctx.out.colors.green('✓')} The registry would accept this manifest.`);
    else for (const p of pkg.problems) ctx.out.line(`${ctx.out.colors.red('✗')} ${p.path}: ${p.message}`);
  });
  if (!valid) throw new CliError('invalid_manifest', `The manifest has ${pkg.problems.length} problem(s).`, EXIT.failed, { problems: pkg.problems, reported: true });
}

export interface DevOptions {
  input?: string;
  example?: string;
  config?: string;
  secrets?: string;
  allowHost?: string[];
  allowPrivateNetwork?: boolean;
}

function localOptions(ctx: CommandContext, config: Record<string, unknown> | undefined, secrets: Record<string, unknown> | undefined, hosts: string[] | undefined, allowPrivate: boolean | undefined, live: boolean) {
  return {
    config: config ?? {},
    secrets: Object.fromEntries(Object.entries(secrets ?? {}).map(([k, v]) => [k, String(v)])),
    host: { allowedHosts: hosts ?? [], allowPrivateNetworks: allowPrivate === true },
    ...(live ? { onLog: (l: { level: string; message: string }) => ctx.out.line(ctx.out.colors.dim(`[${l.level}] ${l.message}`)) } : {}),
  };
}

const runSummary = (r: LocalRunResult) => ({
  status: r.status,
  outputs: r.outputs ?? null,
  error: r.error ?? null,
  duration_ms: Math.round(r.durationMs),
  logs: r.logs,
  logs_truncated: r.logsTruncated,
  record: { emails: r.record.emails, events: r.record.events, charges: r.record.charges },
});

export async function devCommand(ctx: CommandContext, dirArg: string | undefined, options: DevOptions) {
  const dir = resolve(ctx.cwd, dirArg ?? '.');
  const pkg = await packageProject(dir);
  let inputs = await readJsonObject(options.input, ctx.cwd, 'input file');
  if (!inputs) {
    const examples = pkg.manifest.metadata.examples ?? [];
    const example = options.example ? examples.find((e) => e.name === options.example) : examples[0];
    if (!example) throw new CliError('no_input', options.example ? `No example named ${JSON.stringify(options.example)}; the manifest has: ${examples.map((e) => e.name).join(', ') || 'none'}.` : 'The agent has no examples: pass --input file.json.', EXIT.usage);
    inputs = example.inputs;
    ctx.out.note(ctx.out.colors.dim(`Running example "${example.name}"`));
  }
  const result = await runLocally(pkg, inputs, localOptions(ctx, await readJsonObject(options.config, ctx.cwd, 'config file'), await readJsonObject(options.secrets, ctx.cwd, 'secrets file'), options.allowHost, options.allowPrivateNetwork, !ctx.out.json));
  ctx.out.result(runSummary(result), () => {
    if (result.status === 'succeeded') {
      ctx.out.line(`${ctx.out.colors.green('✓')} succeeded in ${Math.round(result.durationMs)} ms`);
      ctx.out.line(JSON.stringify(result.outputs, null, 2));
    } else {
      ctx.out.line(`${ctx.out.colors.red('✗')} ${result.status}: ${result.error?.message ?? ''}`);
    }
    for (const email of result.record.emails) ctx.out.line(ctx.out.colors.dim(`(recorded, not sent) email to ${JSON.stringify((email as { to?: unknown }).to)}`));
  });
  if (result.status !== 'succeeded') throw new CliError(result.error?.code ?? result.status, result.error?.message ?? result.status, EXIT.failed, { reported: true });
}

interface TestCase {
  name: string;
  inputs: Record<string, unknown>;
  config?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
  allowed_hosts?: string[];
  allow_private_network?: boolean;
  expect?: { status?: string; outputs?: Record<string, unknown>; error_code?: string };
  source: string;
}

async function testCases(dir: string, pkg: AgentPackage): Promise<TestCase[]> {
  const cases: TestCase[] = (pkg.manifest.metadata.examples ?? []).map((e) => ({ name: `example: ${e.name}`, inputs: e.inputs, expect: { status: 'succeeded' }, source: 'manifest' }));
  const casesDir = join(dir, 'test', 'cases');
  const files = (await readdir(casesDir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const value = (await readJsonFile(join(casesDir, file), 'test case')) as Partial<TestCase>;
    if (typeof value !== 'object' || value === null || typeof value.inputs !== 'object') throw new CliError('invalid_test_case', `test/cases/${file} needs an "inputs" object.`, EXIT.usage);
    cases.push({ ...value, name: value.name ?? file, inputs: value.inputs, source: `test/cases/${file}` } as TestCase);
  }
  return cases;
}

/** The differences between what a case expects and what the run did (empty: it passed). */
function mismatches(c: TestCase, r: LocalRunResult): string[] {
  const want = c.expect ?? { status: 'succeeded' };
  const problems: string[] = [];
  if ((want.status ?? 'succeeded') !== r.status) problems.push(`status ${r.status}${r.error ? ` (${r.error.code}: ${r.error.message})` : ''}, expected ${want.status ?? 'succeeded'}`);
  if (want.error_code !== undefined && r.error?.code !== want.error_code) problems.push(`error ${r.error?.code ?? 'none'}, expected ${want.error_code}`);
  for (const [key, value] of Object.entries(want.outputs ?? {})) {
    const got = r.outputs?.[key];
    if (!isDeepStrictEqual(got, value)) problems.push(`outputs.${key} is ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`);
  }
  return problems;
}

export async function testCommand(ctx: CommandContext, dirArg: string | undefined) {
  const dir = resolve(ctx.cwd, dirArg ?? '.');
  const pkg = await packageProject(dir);
  const results: { name: string; source: string; passed: boolean; problems: string[]; duration_ms: number }[] = [];
  if (pkg.problems.length > 0) results.push({ name: 'manifest', source: 'manifest', passed: false, problems: pkg.problems.map((p) => `${p.path}: ${p.message}`), duration_ms: 0 });
  for (const c of await testCases(dir, pkg)) {
    const r = await runLocally(pkg, c.inputs, localOptions(ctx, c.config, c.secrets, c.allowed_hosts, c.allow_private_network, false));
    const problems = mismatches(c, r);
    results.push({ name: c.name, source: c.source, passed: problems.length === 0, problems, duration_ms: Math.round(r.durationMs) });
  }
  const failed = results.filter((r) => !r.passed).length;
  ctx.out.result({ passed: failed === 0, total: results.length, failed, results }, () => {
    for (const r of results) {
      ctx.out.line(`${r.passed ? ctx.out.colors.green('✓') : ctx.out.colors.red('✗')} ${r.name} ${ctx.out.colors.dim(`${r.duration_ms} ms`)}`);
      for (const p of r.problems) ctx.out.line(`    ${ctx.out.colors.red(p)}`);
    }
    ctx.out.line(`${results.length - failed} passed, ${failed} failed`);
  });
  if (results.length === 0) throw new CliError('no_tests', 'No test cases: add examples to the manifest or JSON files to test/cases/.');
  if (failed > 0) throw new CliError('tests_failed', `${failed} of ${results.length} test case(s) failed.`, EXIT.failed, { reported: true });
}
