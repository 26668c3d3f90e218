/**
 * `npm run packages:check` (also in .ci/run): builds and packs the publishable packages
 * (scripts/pack-packages.ts), then checks what a user would install (docs/packages.md):
 *
 * 1. every tarball holds its package.json, README, and the compiled JS and `.d.ts` of each export
 *    and bin — and nothing else: no server code (apps/, packages/db), no tests, no TypeScript
 *    sources; every import in it is relative and inside the package, a Node built-in, or a declared
 *    dependency (never @frameos/db or the server);
 * 2. installed offline into a fresh directory outside the repository — the tarballs extracted into
 *    its node_modules, the repository's installed third-party packages linked beside them (tsx
 *    left out: the compiled packages must not need it) — plain `node` imports @frameos/client,
 *    @frameos/agent-sdk, @frameos/agent-sdk/node, @frameos/mcp and @frameos/sandbox, runs
 *    `frameos --version`, `frameos-mcp` (no key: exit 2), `frameos init demo --yes` and `frameos test` (the scaffolded agent run in
 *    the QuickJS sandbox: the compiled sandbox child), while a resolve hook refuses any module from
 *    the repository's packages/ or apps/ or any .ts file;
 * 3. a TypeScript consumer (NodeNext, strict, library checks on) type-checks against the installed
 *    declarations;
 * 4. the TypeDoc reference builds without a warning (`npm run docs`).
 *
 * Exits 1 with the failures listed. KEEP_PACKAGE_CHECK_DIR=1 keeps the install directory.
 */
import { execFileSync, spawnSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packPackages, ROOT, type PackedPackage } from './pack-packages.ts';

const failures: string[] = [];
const fail = (message: string) => failures.push(message);
const started = Date.now();
const step = (name: string, since: number) => console.log(`  ${name} (${((Date.now() - since) / 1000).toFixed(1)} s)`);

// ---------------------------------------------------------------- 1. what the tarballs hold

const ALLOWED_FILE = /^(package\.json|README\.md|LICENSE(\.md)?|dist\/.+\.(js|d\.ts|json|wasm|txt)|bin\/[^/]+\.js)$/;
const FORBIDDEN_FILE = [
  [/(^|\/)(apps|server|db|migrations)(\/|$)/, 'server code'],
  [/(^|\/)(test|tests|__tests__|fixtures)\/|\.(test|spec)\.[cm]?[jt]s$/, 'a test file'],
  [/(?<!\.d)\.[cm]?tsx?$/, 'a TypeScript source'],
] as const;
const BUILTINS = new Set(builtinModules);
const IMPORT = /(?:^|[\s;})])(?:import|export)\s*(?:[\w*${},\s]+?\s*from\s*)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

function checkTarball(p: PackedPackage): void {
  const label = `${p.name} (${relative(ROOT, p.tarball)})`;
  const files = new Set(p.files);
  for (const f of p.files) {
    if (!ALLOWED_FILE.test(f)) fail(`${label}: unexpected file ${f}`);
    for (const [pattern, what] of FORBIDDEN_FILE) if (pattern.test(f)) fail(`${label}: ${f} is ${what}`);
  }
  for (const f of ['package.json', 'README.md']) if (!files.has(f)) fail(`${label}: no ${f}`);

  const manifest = JSON.parse(readFileSync(join(p.stageDir, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { types: string; default: string }>;
    bin?: Record<string, string>;
    devDependencies?: unknown;
    scripts?: unknown;
    private?: unknown;
  };
  if (manifest.devDependencies || manifest.scripts || manifest.private) fail(`${label}: package.json has devDependencies, scripts or private`);
  const mustHave = [...Object.values(manifest.exports).flatMap((e) => (typeof e === 'string' ? [e] : [e.types, e.default])), ...Object.values(manifest.bin ?? {})];
  for (const f of mustHave) if (!files.has(posix.normalize(f))) fail(`${label}: ${f} (named in package.json) is not in the tarball`);
  if (!p.files.some((f) => f.endsWith('.d.ts'))) fail(`${label}: no .d.ts`);

  for (const f of p.files.filter((f) => /\.(js|d\.ts)$/.test(f))) {
    const text = readFileSync(join(p.stageDir, f), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(f), spec));
        const candidates = f.endsWith('.d.ts') ? [target.replace(/\.js$/, '.d.ts'), target] : [target];
        if (spec.endsWith('.ts') && !spec.endsWith('.d.ts')) fail(`${label}: ${f} imports ${spec} (a .ts path)`);
        else if (!candidates.some((c) => files.has(c))) fail(`${label}: ${f} imports ${spec}, which is not in the tarball`);
      } else if (!spec.startsWith('node:') && !BUILTINS.has(spec)) {
        const dep = packageName(spec);
        if (dep === '@frameos/db' || dep === '@frameos/server' || dep === '@frameos/web') fail(`${label}: ${f} imports ${spec} (server-side)`);
        else if (dep !== p.name && !(dep in p.dependencies) && !(f.endsWith('.d.ts') && dep.startsWith('@types/'))) {
          // bin/frameos.js falls back to tsx only when dist/ is missing, which a published package never is.
          if (!(f === 'bin/frameos.js' && dep === 'tsx')) fail(`${label}: ${f} imports ${spec}, not a dependency in package.json`);
        }
      }
    }
  }
}

// ---------------------------------------------------------------- 2. an offline install, plain node

function sh(command: string, args: string[], options: ExecFileSyncOptions & { cwd: string }): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, ...options }) as string;
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string; message: string };
    throw new Error(`${[command, ...args].join(' ')} (in ${options.cwd}) failed with ${e.status ?? e.message}:\n${e.stdout ?? ''}${e.stderr ?? ''}`.trimEnd());
  }
}

/** Refuses, at import time, any module of the repository's workspaces or any .ts file: only the installed dist/ may load. */
const GUARD_HOOKS = (root: string) => `
const forbidden = ${JSON.stringify([pathToFileURL(join(root, 'packages')).href + '/', pathToFileURL(join(root, 'apps')).href + '/'])};
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (forbidden.some((p) => result.url.startsWith(p)) || /\\.[cm]?tsx?$/.test(result.url)) {
    throw new Error('packages:check: ' + specifier + ' resolved to ' + result.url + ' (from ' + context.parentURL + '); an installed package must load its compiled dist/');
  }
  return result;
}
`;

function install(packed: PackedPackage[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'frameos-packages-'));
  for (let up = dir; ; up = dirname(up)) {
    if (existsSync(join(up, 'node_modules'))) throw new Error(`${join(up, 'node_modules')} exists: the install directory must not see any node_modules but its own`);
    if (dirname(up) === up) break;
  }
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@frameos'), { recursive: true });
  mkdirSync(join(modules, '.bin'));
  // The third-party packages already installed (offline): everything top-level but the workspaces and tsx.
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry.startsWith('.') || ['@frameos', 'frameos', 'tsx'].includes(entry)) continue;
    symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry));
  }
  for (const p of packed) {
    const target = join(modules, ...p.name.split('/'));
    mkdirSync(target, { recursive: true });
    sh('tar', ['-xzf', p.tarball, '--strip-components=1', '-C', target], { cwd: dir });
    const { bin } = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    for (const [command, file] of Object.entries(bin ?? {})) symlinkSync(join(target, file), join(modules, '.bin', command));
  }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'frameos-packages-check', private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(join(dir, 'guard-hooks.mjs'), GUARD_HOOKS(ROOT));
  writeFileSync(join(dir, 'guard.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'guard-hooks.mjs')).href)});\n`);
  return dir;
}

const IMPORT_CHECK = `
const expect = {
  '@frameos/client': ['createFrameOSClient', 'verifyReceiptChain', 'verifyMandate', 'PolicyViolationError'],
  '@frameos/agent-sdk': ['defineAgent', 'z', 'buildManifest'],
  '@frameos/agent-sdk/node': ['packageAgent', 'package', 'runLocally', 'closeLocalSandbox'],
  '@frameos/mcp': ['createFrameOSMcpServer'],
  '@frameos/sandbox': ['createSandbox', 'createQuickJSProcessPool'],
  '@frameos/domain': ['evaluatePolicy', 'verifyReceiptChain'],
};
for (const [name, names] of Object.entries(expect)) {
  const url = import.meta.resolve(name);
  if (!url.startsWith(new URL('./node_modules/', import.meta.url).href) || !url.includes('/dist/')) throw new Error(name + ' resolved to ' + url);
  const mod = await import(name);
  const missing = names.filter((n) => !(n in mod));
  if (missing.length) throw new Error(name + ' does not export ' + missing.join(', '));
}
console.log('imports ok');
`;

const CONSUMER_TS = `
import { createFrameOSClient, PolicyViolationError, type FrameOSClient, type PayResult } from '@frameos/client';
import type { paths } from '@frameos/client/schema';
import { defineAgent, z } from '@frameos/agent-sdk';
import { packageAgent, runLocally, type LocalRunResult } from '@frameos/agent-sdk/node';
import { createFrameOSMcpServer } from '@frameos/mcp';

const client: FrameOSClient = createFrameOSClient({ baseUrl: 'http://localhost:3000', apiKey: 'fos_agent_x' });
export const pay = (): Promise<PayResult> => client.pay({ vendor: 'acme_api', amount: 100, currency: 'USD', policy_id: 'pol_x' });
export const refused = (err: unknown) => err instanceof PolicyViolationError && err.reason;
export type Payments = paths['/payments']['get'];
export const agent = defineAgent({
  manifest: {
    id: 'agt_consumer', name: 'Consumer', version: '1.0.0', description: 'Type-checks.',
    author: { name: 'A', email: 'a@example.com' }, pricing: { model: 'per_execution', amount: 1, currency: 'USD' },
    capabilities: ['http_request'], metadata: { category: 'productivity', tags: [] },
  },
  inputs: z.object({ text: z.string() }),
  outputs: z.object({ n: z.number() }),
  handler: async (inputs, ctx) => {
    await ctx.fetch('https://example.com');
    return { n: inputs.text.length };
  },
});
export const run = async (): Promise<LocalRunResult> => runLocally(await packageAgent('src/index.ts'), { text: 'x' });
export const mcp = createFrameOSMcpServer(client);
`;

// ---------------------------------------------------------------- run

let installDir: string | undefined;
try {
  console.log('packages:check');
  let t = Date.now();
  const packed = packPackages((line) => console.log(`  ${line}`));
  const version = packed[0]!.version;

  t = Date.now();
  for (const p of packed) checkTarball(p);
  step(`checked the contents of ${packed.length} tarballs`, t);

  t = Date.now();
  installDir = install(packed);
  const env = {
    PATH: `${join(installDir, 'node_modules', '.bin')}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: installDir,
    FRAMEOS_CONFIG_DIR: join(installDir, '.frameos'),
    NO_COLOR: '1',
    NODE_OPTIONS: `--import ${pathToFileURL(join(installDir, 'guard.mjs')).href}`,
  };
  const run = (command: string, args: string[], cwd = installDir!) => sh(command, args, { cwd, env });
  writeFileSync(join(installDir, 'imports.mjs'), IMPORT_CHECK);
  run('node', ['imports.mjs']);
  const reported = run('frameos', ['--version']).trim();
  if (reported !== version) fail(`frameos --version printed ${JSON.stringify(reported)}, expected ${version}`);
  const mcp = spawnSync('frameos-mcp', [], { cwd: installDir, env, encoding: 'utf8', timeout: 30_000 });
  if (mcp.status !== 2 || !mcp.stderr.includes('FROS_API_KEY')) fail(`frameos-mcp without a key should exit 2 asking for FROS_API_KEY; it exited ${mcp.status}: ${mcp.stderr}${mcp.error ? String(mcp.error) : ''}`);
  run('frameos', ['init', 'demo', '--yes']);
  const sdkRange = (JSON.parse(readFileSync(join(installDir, 'demo', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['@frameos/agent-sdk'];
  if (sdkRange !== `^${version}`) fail(`frameos init wrote @frameos/agent-sdk ${sdkRange}, expected ^${version}`);
  const tested = JSON.parse(run('frameos', ['test', '--json'], join(installDir, 'demo'))) as { passed?: boolean; total?: number; failed?: number };
  if (tested.passed !== true || !tested.total) fail(`frameos test in the scaffolded project: ${JSON.stringify(tested)}`);
  step(`installed offline in ${installDir}; plain node imported every package; frameos --version, frameos-mcp, init, test (${tested.total} cases passed in the sandbox)`, t);

  t = Date.now();
  mkdirSync(join(installDir, 'consumer'));
  writeFileSync(join(installDir, 'consumer', 'index.ts'), CONSUMER_TS);
  writeFileSync(
    join(installDir, 'consumer', 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], skipLibCheck: process.env.PACKAGE_CHECK_LIBS === '1' ? false : true }, files: ['index.ts'] }),
  );
  writeFileSync(join(installDir, 'consumer', 'package.json'), JSON.stringify({ type: 'module' }));
  run('node', [join(installDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'consumer/tsconfig.json']);
  step('a TypeScript consumer (NodeNext, strict) type-checks against the installed declarations', t);

  t = Date.now();
  sh('npm', ['run', '--silent', 'docs'], { cwd: ROOT });
  step('npm run docs: the TypeDoc reference builds without warnings (docs/reference/)', t);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
} finally {
  if (installDir && !process.env.KEEP_PACKAGE_CHECK_DIR) rmSync(installDir, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`packages:check failed (${failures.length}):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`packages:check passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
