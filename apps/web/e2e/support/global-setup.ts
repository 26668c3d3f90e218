/**
 * One server and one browser for the whole E2E run (docs/testing.md): the server on a fresh embedded
 * database, Debian's Chromium through playwright-core's launchServer (never a downloaded browser).
 * Each test file connects to the browser and uses its own contexts.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, startServer, type RunningServer } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eBaseUrl: string;
    e2eBrowserWs: string;
  }
}

let server: RunningServer | undefined;
let browser: BrowserServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(`${ROOT}test-results/screenshots`, { recursive: true });
  [server, browser] = await Promise.all([startServer(), chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })]);
  project.provide('e2eBaseUrl', server.baseUrl);
  project.provide('e2eBrowserWs', browser.wsEndpoint());
}

export async function teardown(): Promise<void> {
  await browser?.close();
  await server?.stop();
}
