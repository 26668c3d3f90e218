import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { CliError } from './output.ts';

/** What `frameos login` keeps: the API's address and the key, in a file only the user can read (0600). */
export interface StoredConfig {
  api_url?: string;
  api_key?: string;
}

export const DEFAULT_API_URL = 'http://localhost:3000';

/** FRAMEOS_CONFIG_DIR, else the user's config directory (~/.config/frameos on Linux). */
export function configDir(env: NodeJS.ProcessEnv): string {
  return env.FRAMEOS_CONFIG_DIR || envPaths('frameos', { suffix: '' }).config;
}

export const configPath = (env: NodeJS.ProcessEnv) => join(configDir(env), 'config.json');

export async function loadConfig(env: NodeJS.ProcessEnv): Promise<StoredConfig> {
  const text = await readFile(configPath(env), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new CliError('config_unreadable', `Cannot read ${configPath(env)}: ${err.code ?? err.message}`);
  });
  if (text === null) return {};
  try {
    const value = JSON.parse(text) as StoredConfig;
    return { ...(typeof value.api_url === 'string' ? { api_url: value.api_url } : {}), ...(typeof value.api_key === 'string' ? { api_key: value.api_key } : {}) };
  } catch {
    throw new CliError('config_unreadable', `${configPath(env)} is not valid JSON; run frameos login again.`);
  }
}

/** Written to a temporary file created 0600 and renamed over the old one, so the key is never readable by others. */
export async function saveConfig(env: NodeJS.ProcessEnv, config: StoredConfig): Promise<string> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = configPath(env);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
  return path;
}

export interface Credentials {
  apiUrl: string;
  apiKey: string;
}

/** --api-url/--api-key, else FROS_API_URL/FROS_API_KEY, else what `frameos login` stored. */
export async function credentials(env: NodeJS.ProcessEnv, flags: { apiUrl?: string; apiKey?: string }): Promise<Credentials> {
  const stored = await loadConfig(env);
  const apiUrl = flags.apiUrl ?? env.FROS_API_URL ?? stored.api_url ?? DEFAULT_API_URL;
  const apiKey = flags.apiKey ?? env.FROS_API_KEY ?? stored.api_key;
  if (!apiKey) throw new CliError('not_logged_in', 'No API key: run `frameos login`, or set FROS_API_KEY.');
  return { apiUrl, apiKey };
}

/** A key as it may be shown: its prefix and last four characters. */
export function maskKey(key: string): string {
  const prefix = /^fos_[a-z]+_/.exec(key)?.[0] ?? '';
  return `${prefix}…${key.slice(-4)}`;
}
