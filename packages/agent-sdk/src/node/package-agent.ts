import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Message, type Plugin } from 'esbuild';
import { manifestProblems, type Problem } from '@frameos/domain';
import { definedAgentOf } from '../define-agent.ts';
import type { GeneratedManifest } from '../manifest.ts';

/** The registry's limit on an agent's code (docs/agents.md). */
export const MAX_AGENT_CODE_BYTES = 5 * 1024 * 1024;

/** What `POST /agents/register` takes, plus what the developer wants to know before sending it. */
export interface AgentPackage {
  manifest: GeneratedManifest;
  code: string;
  sha256: string;
  bytes: number;
  /** The registry's objections to the manifest (empty when it would accept it). */
  problems: Problem[];
}

/** Why an agent could not be packaged: a build error, or a default export not made with defineAgent. */
export class AgentPackageError extends Error {
  constructor(
    readonly code: 'build_failed' | 'not_an_sdk_agent' | 'code_too_large' | 'manifest_failed',
    message: string,
  ) {
    super(message);
    this.name = 'AgentPackageError';
  }
}

export interface PackageOptions {
  /** Written into `author.developer_id` (`frameos deploy` passes the caller's). */
  developerId?: string;
  /** Default true. */
  minify?: boolean;
  /** Where packaged agents are cached (default node_modules/.cache/frameos-agents); `false` for none. */
  cacheDir?: string | false;
}

const formatMessages = (messages: Message[]) =>
  messages.slice(0, 5).map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text)).join('\n');

/**
 * Zod's `z.locales` holds ~40 languages (≈ 250 kB minified) that the sandbox would compile on every
 * run; an agent gets English only (the default error messages), which cuts the bundle by half.
 */
const englishOnlyZod: Plugin = {
  name: 'frameos-zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]zod[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'frameos-zod-locales' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'frameos-zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, resolveDir: dirname(args.path), loader: 'js' }));
  },
};

/**
 * Where the SDK's own Zod (and the SDK beside it) are installed: a project that has not installed
 * `@frameos/agent-sdk` itself (a fresh `frameos init`, `npx frameos`) still bundles against them.
 */
function sdkNodeModules(): string[] {
  const zod = createRequire(import.meta.url).resolve('zod');
  const at = zod.lastIndexOf(`${sep}node_modules${sep}`);
  return at >= 0 ? [zod.slice(0, at + `${sep}node_modules`.length)] : [];
}

/** Bundles the agent at `entry` (TypeScript or JavaScript) into one ES module that imports nothing. */
export async function bundleAgent(entry: string, options: PackageOptions = {}): Promise<string> {
  return (await buildBundle(entry, options)).code;
}

/** The bundle and the files it was built from (absolute paths), which the package cache checks. */
async function buildBundle(entry: string, options: PackageOptions): Promise<{ code: string; inputs: string[] }> {
  try {
    const result = await build({
      entryPoints: [resolve(entry)],
      bundle: true,
      format: 'esm',
      // The sandbox is neither Node nor a browser: a Node built-in is a build error, not a crash at run time.
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['import', 'default'],
      target: 'es2022',
      minify: options.minify ?? true,
      legalComments: 'none',
      write: false,
      logLevel: 'silent',
      metafile: true,
      plugins: [englishOnlyZod],
      nodePaths: sdkNodeModules(),
    });
    // Inputs of the plugin's virtual namespace are named "namespace:path"; their real files are inputs too.
    const inputs = Object.keys(result.metafile.inputs).filter((path) => !/^[a-z-]+:/.test(path)).map((path) => resolve(path));
    return { code: result.outputFiles[0]!.text, inputs };
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    throw new AgentPackageError('build_failed', errors ? formatMessages(errors) : String(err));
  }
}

/** Imports a bundle in this process (the developer's own code) and reads its manifest from its defineAgent. */
export async function manifestOfBundle(code: string, options: PackageOptions = {}): Promise<GeneratedManifest> {
  const dir = await mkdtemp(join(tmpdir(), 'frameos-agent-'));
  try {
    const file = join(dir, 'agent.mjs');
    await writeFile(file, code);
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    const agent = definedAgentOf(mod.default);
    if (!agent) throw new AgentPackageError('not_an_sdk_agent', 'The default export is not made with defineAgent({ manifest, inputs, outputs, handler }) from @frameos/agent-sdk.');
    try {
      return agent.manifest(options.developerId !== undefined ? { developerId: options.developerId } : {});
    } catch (err) {
      throw new AgentPackageError('manifest_failed', err instanceof Error ? err.message : String(err));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface CachedPackage {
  /** sha256 of every file the bundle was built from: any change rebuilds it. */
  inputs: Record<string, string>;
  code: string;
  /** Built without a developer id; `packageAgent` writes the caller's in. */
  manifest: GeneratedManifest;
}

const memoryCache = new Map<string, CachedPackage>();

/** node_modules/.cache/frameos-agents beside the SDK's own dependencies (like other build tools' caches). */
function defaultCacheDir(): string | null {
  const nodeModules = sdkNodeModules()[0];
  return nodeModules ? join(nodeModules, '.cache', 'frameos-agents') : null;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

async function unchanged(inputs: Record<string, string>): Promise<boolean> {
  const checks = await Promise.all(Object.entries(inputs).map(async ([path, hash]) => readFile(path).then((bytes) => sha256(bytes) === hash, () => false)));
  return checks.every(Boolean);
}

async function readCached(dir: string | null, key: string): Promise<CachedPackage | null> {
  const memory = memoryCache.get(key);
  if (memory) return memory;
  if (!dir) return null;
  return readFile(join(dir, `${key}.json`), 'utf8').then((text) => JSON.parse(text) as CachedPackage, () => null);
}

async function writeCached(dir: string | null, key: string, value: CachedPackage): Promise<void> {
  memoryCache.set(key, value);
  if (!dir) return;
  // A cache that cannot be written (read-only install) only costs the next build.
  try {
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `${key}.${process.pid}.tmp`);
    await writeFile(temp, JSON.stringify(value));
    await rename(temp, join(dir, `${key}.json`));
  } catch {
    // ignored on purpose
  }
}

/**
 * `package()`: bundles the agent with esbuild into the single ES module the registry accepts and
 * builds its full manifest (inputs and outputs with JSON Schema from its Zod schemas), checked by the
 * registry's own rules. The result is cached (in memory and under `cacheDir`, by default
 * node_modules/.cache/frameos-agents) and reused only while every file it was built from — the agent,
 * the SDK, Zod — is byte for byte the same.
 */
export async function packageAgent(entry: string, options: PackageOptions = {}): Promise<AgentPackage> {
  const dir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir || null;
  const key = sha256(JSON.stringify([resolve(entry), options.minify ?? true]));
  let cached = await readCached(dir, key);
  if (cached && !(await unchanged(cached.inputs))) cached = null;
  const fresh = !cached;
  if (!cached) {
    const { code, inputs } = await buildBundle(entry, options);
    const bytes = Buffer.byteLength(code);
    if (bytes > MAX_AGENT_CODE_BYTES) throw new AgentPackageError('code_too_large', `The bundle is ${bytes} bytes; the registry takes at most ${MAX_AGENT_CODE_BYTES}.`);
    const hashes = Object.fromEntries(await Promise.all(inputs.map(async (path) => [path, sha256(await readFile(path))] as const)));
    cached = { inputs: hashes, code, manifest: await manifestOfBundle(code) };
  }
  if (fresh) await writeCached(dir, key, cached);
  else memoryCache.set(key, cached);
  const manifest = structuredClone(cached.manifest);
  if (options.developerId !== undefined) manifest.author.developer_id = options.developerId;
  return { manifest, code: cached.code, sha256: sha256(cached.code), bytes: Buffer.byteLength(cached.code), problems: manifestProblems(manifest) };
}

/** The entry of an agent project: `package.json`'s `frameos.entry`, else src/index.ts, else index.js. */
export async function agentEntry(projectDir: string): Promise<string> {
  const pkg = await readFile(join(projectDir, 'package.json'), 'utf8').then((t) => JSON.parse(t) as { frameos?: { entry?: string } }, () => null);
  if (pkg?.frameos?.entry) return resolve(projectDir, pkg.frameos.entry);
  for (const candidate of ['src/index.ts', 'src/index.js', 'index.ts', 'index.js']) {
    const path = join(projectDir, candidate);
    if (await readFile(path).then(() => true, () => false)) return path;
  }
  throw new AgentPackageError('build_failed', `No agent entry in ${projectDir}: add src/index.ts or set "frameos": { "entry": … } in package.json.`);
}

