/**
 * Shared by the catalogue agents' tests (agents/<name>/test): package an agent once per file, run it
 * in the platform's sandbox (`runLocally`), and start local provider servers speaking a provider's
 * wire format. Tests only: agents themselves import nothing but the SDK.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { packageAgent, runLocally, type AgentPackage, type LocalRunOptions, type LocalRunResult } from '@frameos/agent-sdk/node';

export const AGENTS_DIR = join(import.meta.dirname, '..');
export const LOCAL_HOST = { allowedHosts: ['127.0.0.1'], allowPrivateNetworks: true } as const;

export interface PackagedAgent {
  pkg: () => AgentPackage;
  run: (inputs: Record<string, unknown>, options?: LocalRunOptions) => Promise<LocalRunResult>;
  /** Runs and expects success: the outputs. */
  ok: (inputs: Record<string, unknown>, options?: LocalRunOptions) => Promise<Record<string, unknown>>;
}

/** Packages agents/<name> once for the file (beforeAll; cached across files while the sources are unchanged). */
export function useAgents<const N extends string>(...names: N[]): Record<N, PackagedAgent> {
  const packages = new Map<string, AgentPackage>();
  beforeAll(async () => {
    await Promise.all(names.map(async (name) => packages.set(name, await packageAgent(join(AGENTS_DIR, name, 'src/index.ts'), { developerId: 'dev_catalog_test' }))));
  });
  // The local sandbox is shared by the agent test files of a worker; idle, it keeps nothing alive.
  const agents = {} as Record<N, PackagedAgent>;
  for (const name of names) {
    const pkg = () => {
      const p = packages.get(name);
      if (!p) throw new Error(`${name} is not packaged yet`);
      return p;
    };
    const run = (inputs: Record<string, unknown>, options?: LocalRunOptions) => runLocally(pkg(), inputs, options);
    const ok = async (inputs: Record<string, unknown>, options?: LocalRunOptions) => {
      const result = await run(inputs, options);
      if (result.status !== 'succeeded' || !result.outputs) throw new Error(`${name} ${result.status}: ${result.error?.code} ${result.error?.message}`);
      return result.outputs;
    };
    agents[name] = { pkg, run, ok };
  }
  return agents;
}

export function useAgent(name: string): PackagedAgent {
  return useAgents(name)[name]!;
}

export interface LocalServer {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
}

export interface RouteAnswer {
  status?: number;
  headers?: Record<string, string | undefined>;
  body: unknown;
}

export type Route = (req: { method: string; url: URL; headers: IncomingMessage['headers']; body: string }) => RouteAnswer | Promise<RouteAnswer>;

/** A node:http server on 127.0.0.1 for the file (beforeAll/afterAll); a string body is sent as is, anything else as JSON. */
export function useLocalServer(route: Route): LocalServer {
  const state: LocalServer = { url: '', requests: [] };
  let server: ReturnType<typeof createServer> | null = null;
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        state.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
        Promise.resolve(route({ method: req.method ?? 'GET', url: new URL(req.url ?? '/', state.url), headers: req.headers, body })).then(
          (answer) => {
            const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
            const type = typeof answer.body === 'string' ? 'text/html; charset=utf-8' : 'application/json';
            const headers = Object.fromEntries(Object.entries({ 'content-type': type, ...answer.headers }).filter((e): e is [string, string] => e[1] !== undefined));
            res.writeHead(answer.status ?? 200, headers);
            res.end(text);
          },
          (err: unknown) => {
            res.writeHead(500);
            res.end(String(err));
          },
        );
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
  return state;
}
