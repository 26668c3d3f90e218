import { readFileSync } from 'node:fs';

/**
 * The CLI's version, read from its package.json: `../package.json` from both `src/version.ts` (the
 * repository) and `dist/version.js` (the published package), so `frameos --version` and the SDK
 * range `frameos init` writes follow the release (versions are kept in step, docs/packages.md).
 */
export const CLI_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
