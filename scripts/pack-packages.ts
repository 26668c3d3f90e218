/**
 * `npm run packages:pack`: builds the publishable packages (docs/packages.md) and packs them.
 *
 * For every package in PUBLISHABLE (dependency order): `tsc` compiles `src` to JavaScript and
 * declarations in one program (`rewriteRelativeImportExtensions`: `./x.ts` imports become `./x.js`),
 * the package is staged in `tmp/packages/<dir>/` — `dist/`, README, LICENSE if any, bin/ for the CLI
 * and a generated package.json whose `exports`, `types` and `bin` point at `dist/` — and `npm pack`
 * writes its tarball to `tmp/packages/`. The repository's own package.json files keep pointing at
 * the TypeScript sources: the server, the tests and the web app run those through tsx/vitest/vite.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, 'tmp', 'packages');
const BUILD = join(OUT, '.build');

/** What is published, in dependency order (each depends only on the ones before it). */
export const PUBLISHABLE = ['domain', 'sandbox', 'agent-sdk', 'client', 'mcp', 'cli'] as const;
export type PackageDir = (typeof PUBLISHABLE)[number];

/** Dependencies only the repository needs (the sources run through tsx); the compiled packages never load them. */
const DEV_ONLY_DEPENDENCIES = new Set(['tsx']);
/** Runtime files in `src/` that are not TypeScript and are read next to the code (readFileSync(new URL(…))). */
const ASSET = /\.(js|json|wasm|txt)$/;

interface SourceManifest {
  name: string;
  version: string;
  description?: string;
  license?: string;
  sideEffects?: boolean;
  exports: Record<string, string>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
}

export interface PackedPackage {
  dir: PackageDir;
  name: string;
  version: string;
  stageDir: string;
  tarball: string;
  files: string[];
  dependencies: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

export const sourceManifest = (dir: PackageDir) => readJson<SourceManifest>(join(ROOT, 'packages', dir, 'package.json'));

/** The release version (root package.json) — and a failure when a publishable package or an internal dependency says otherwise. */
export function releaseVersion(): string {
  const version = readJson<{ version: string }>(join(ROOT, 'package.json')).version;
  const problems: string[] = [];
  const names = new Set(PUBLISHABLE.map((dir) => sourceManifest(dir).name));
  for (const dir of PUBLISHABLE) {
    const m = sourceManifest(dir);
    if (m.version !== version) problems.push(`packages/${dir}/package.json: version ${m.version}, the root package.json says ${version}`);
    for (const [dep, range] of Object.entries(m.dependencies ?? {})) {
      if (dep.startsWith('@frameos/') && !names.has(dep)) problems.push(`packages/${dir}/package.json: depends on ${dep}, which is not published (server-side)`);
      if (names.has(dep) && range !== version) problems.push(`packages/${dir}/package.json: ${dep} at ${range}, expected ${version}`);
    }
  }
  if (problems.length > 0) throw new Error(`package versions are not in step (docs/packages.md):\n  ${problems.join('\n  ')}`);
  return version;
}

/** `./src/x.ts` → `./dist/x.js` (or `.d.ts`). */
function distPath(source: string, ext: '.js' | '.d.ts'): string {
  if (!source.startsWith('./src/') || !source.endsWith('.ts')) throw new Error(`${source}: an export must be a ./src/*.ts file`);
  return `./dist/${source.slice('./src/'.length, -'.ts'.length)}${ext}`;
}

function compile(): void {
  rmSync(BUILD, { recursive: true, force: true });
  mkdirSync(BUILD, { recursive: true });
  const rel = (p: string) => relative(BUILD, p);
  const tsconfig = {
    extends: rel(join(ROOT, 'tsconfig.json')),
    compilerOptions: {
      noEmit: false,
      declaration: true,
      allowImportingTsExtensions: false,
      rewriteRelativeImportExtensions: true,
      incremental: false,
      rootDir: rel(join(ROOT, 'packages')),
      outDir: 'out',
    },
    include: PUBLISHABLE.map((dir) => rel(join(ROOT, 'packages', dir, 'src'))),
    exclude: [],
  };
  writeFileSync(join(BUILD, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(BUILD, 'tsconfig.json')], { stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`tsc failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [relative(base, p)];
  });
}

/**
 * tsc rewrites `./x.ts` to `./x.js` in JavaScript but leaves declarations as written; TypeScript
 * 5 reads `./x.ts` in a .d.ts as the declaration next to it, older ones and other tools do not.
 */
function rewriteDeclarationImports(dist: string): void {
  for (const file of walk(dist).filter((f) => f.endsWith('.d.ts'))) {
    const path = join(dist, file);
    const text = readFileSync(path, 'utf8');
    const fixed = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1$2.js$3');
    if (fixed !== text) writeFileSync(path, fixed);
  }
}

function stage(dir: PackageDir, version: string, internal: Set<string>): { stageDir: string; manifest: Record<string, unknown> } {
  const src = join(ROOT, 'packages', dir);
  const m = sourceManifest(dir);
  const stageDir = join(OUT, dir);
  const dist = join(stageDir, 'dist');
  cpSync(join(BUILD, 'out', dir, 'src'), dist, { recursive: true });
  for (const asset of walk(join(src, 'src')).filter((f) => ASSET.test(f))) cpSync(join(src, 'src', asset), join(dist, asset));
  rewriteDeclarationImports(dist);

  const files = ['dist'];
  if (!existsSync(join(src, 'README.md'))) throw new Error(`packages/${dir}/README.md is missing: every published package has one`);
  cpSync(join(src, 'README.md'), join(stageDir, 'README.md'));
  for (const license of ['LICENSE', 'LICENSE.md']) {
    const from = [join(src, license), join(ROOT, license)].find((p) => existsSync(p));
    if (from) cpSync(from, join(stageDir, license));
  }

  const entries: Record<string, { types: string; default: string }> = {};
  for (const [subpath, source] of Object.entries(m.exports)) entries[subpath] = { types: distPath(source, '.d.ts'), default: distPath(source, '.js') };
  const exports = { ...entries, './package.json': './package.json' };

  let bin: Record<string, string> | undefined;
  if (m.bin) {
    bin = {};
    for (const [command, source] of Object.entries(m.bin)) {
      if (source.startsWith('./src/')) {
        const target = distPath(source, '.js');
        if (!readFileSync(join(stageDir, target), 'utf8').startsWith('#!/usr/bin/env node')) throw new Error(`packages/${dir}: bin ${command} (${source}) has no #!/usr/bin/env node line`);
        bin[command] = target;
      } else {
        // packages/cli/bin/frameos.js: runs ../dist/main.js when it exists, the sources through tsx otherwise.
        cpSync(join(src, source), join(stageDir, source));
        if (!files.includes(dirname(source).slice(2))) files.push(dirname(source).slice(2));
        bin[command] = source;
      }
      chmodSync(join(stageDir, bin[command]), 0o755);
    }
  }

  const dependencies: Record<string, string> = {};
  for (const [dep, range] of Object.entries(m.dependencies ?? {})) {
    if (DEV_ONLY_DEPENDENCIES.has(dep)) continue;
    dependencies[dep] = internal.has(dep) ? version : range;
  }

  const main = entries['.'];
  const manifest = {
    name: m.name,
    version,
    description: m.description,
    license: m.license ?? 'Apache-2.0',
    type: 'module',
    ...(m.sideEffects !== undefined ? { sideEffects: m.sideEffects } : {}),
    engines: { node: '>=20.19' },
    ...(main ? { main: main.default, types: main.types } : {}),
    exports,
    ...(bin ? { bin } : {}),
    files,
    dependencies,
    ...(m.name.startsWith('@') ? { publishConfig: { access: 'public' } } : {}),
  };
  writeFileSync(join(stageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { stageDir, manifest };
}

/** Builds, stages and packs every publishable package; the tarballs land in tmp/packages/. */
export function packPackages(log: (line: string) => void = () => {}): PackedPackage[] {
  const version = releaseVersion();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  let t = Date.now();
  compile();
  log(`compiled ${PUBLISHABLE.length} packages with tsc (${Date.now() - t} ms)`);
  t = Date.now();
  const internal = new Set(PUBLISHABLE.map((dir) => sourceManifest(dir).name));
  const packed: PackedPackage[] = [];
  for (const dir of PUBLISHABLE) {
    const { stageDir, manifest } = stage(dir, version, internal);
    const [result] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', OUT], { cwd: stageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    ) as { filename: string; files: { path: string }[] }[];
    packed.push({
      dir,
      name: manifest.name as string,
      version,
      stageDir,
      tarball: join(OUT, result!.filename),
      files: result!.files.map((f) => f.path).sort(),
      dependencies: manifest.dependencies as Record<string, string>,
    });
  }
  rmSync(BUILD, { recursive: true, force: true });
  log(`staged and packed ${packed.length} tarballs in ${relative(ROOT, OUT)}/ (${Date.now() - t} ms)`);
  return packed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    for (const p of packPackages((line) => console.log(line))) console.log(`  ${relative(ROOT, p.tarball)}  ${p.name}@${p.version}  ${p.files.length} files`);
  } catch (err) {
    console.error(`packages:pack failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
