/**
 * Run by `npm start` before the server: builds apps/web with Vite when apps/web/dist is missing or
 * older than any of its sources, so a fresh clone needs no extra command and a repeated start costs
 * one walk of the source tree. `npm run build:web` forces a build.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../apps/web/', import.meta.url));
const DIST_INDEX = join(WEB, 'dist', 'index.html');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function webBuildIsStale(): boolean {
  if (!existsSync(DIST_INDEX)) return true;
  const built = statSync(DIST_INDEX).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(WEB, source)) > built);
}

export async function buildWeb(): Promise<void> {
  const started = Date.now();
  console.log('Building the web app (apps/web) with Vite…');
  // Imported here so an up-to-date start does not load Vite at all.
  const { build } = await import('vite');
  await build({ root: WEB, logLevel: 'warn' });
  precompress(join(WEB, 'dist'));
  console.log(`Built the web app into apps/web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Brotli and gzip copies next to each text file; the server sends the one the browser accepts (preCompressed). */
function precompress(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) precompress(path);
    else if (/\.(js|css|html|svg|json)$/.test(entry.name)) {
      const bytes = readFileSync(path);
      writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
    }
  }
}

const force = process.argv.includes('--force');
if (force || webBuildIsStale()) {
  try {
    await buildWeb();
  } catch (err) {
    console.error(`The web app did not build: ${err instanceof Error ? err.message : String(err)}`);
    // The API still starts; /app then says the app is not built (a failed build leaves no index.html).
    if (force) process.exit(1);
  }
}
