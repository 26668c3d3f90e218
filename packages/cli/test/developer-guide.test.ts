import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '@frameos/sandbox';
import { useTestApp } from '../../../apps/server/test/support/test-app.ts';
import { setupAgent } from '../../../apps/server/test/support/fixtures.ts';
import { developer, marketplaceEnv, newSandbox, platformAdminToken, testWorker } from '../../../apps/server/test/support/marketplace-kit.ts';
import type { ExecutionWorker } from '../../../apps/server/src/modules/executions/execution-runner.ts';
import { runCli } from '../src/program.ts';

const GUIDE = join(import.meta.dirname, '../../../docs/developer-guide.md');

type Step = { kind: 'sh'; line: string } | { kind: 'file'; path: string; content: string };

/** The guide's steps in order: each line of a ```sh block, and each block marked file=… (written where the reader is). */
export function guideSteps(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const block of markdown.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const [, lang, info, body] = block as unknown as [string, string, string, string];
    const file = /file=(\S+)/.exec(info)?.[1];
    if (file) steps.push({ kind: 'file', path: file, content: body });
    else if (lang === 'sh') for (const line of body.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) steps.push({ kind: 'sh', line });
  }
  return steps;
}

/** Splits a command line as a POSIX shell would for these commands: quotes, and $VARS expanded outside single quotes. */
function words(line: string, vars: Record<string, string>): string[] {
  const out: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
    } else if (c === '$' && /[A-Z_]/.test(line[i + 1] ?? '')) {
      const name = /^[A-Z_][A-Z0-9_]*/.exec(line.slice(i + 1))![0];
      if (!(name in vars)) throw new Error(`the guide uses $${name}, which the test does not set`);
      current += vars[name];
      inWord = true;
      i += name.length;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === ' ') {
      if (inWord) out.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced quote in: ${line}`);
  if (inWord) out.push(current);
  return out;
}

describe('docs/developer-guide.md, command by command, against a live server', () => {
  const t = useTestApp({ env: marketplaceEnv });
  let sandbox: Sandbox;
  let worker: ExecutionWorker;
  let work: string;

  beforeAll(async () => {
    sandbox = newSandbox();
    worker = testWorker(t, sandbox);
    worker.start();
    work = await mkdtemp(join(tmpdir(), 'frameos-guide-'));
  });

  afterAll(async () => {
    await worker.stop();
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  });

  it('every step works as written', async () => {
    const steps = guideSteps(await readFile(GUIDE, 'utf8'));
    expect(steps.filter((s) => s.kind === 'sh').length).toBeGreaterThanOrEqual(10);
    const apiUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const dev = await developer(t, 'Guide reader');
    const admin = await platformAdminToken(t);
    // The reader's own agent account and policy, in the developer's organization, allowing the agent.
    const wallet = await setupAgent(t, dev.org, { currency: 'USD', balance: 10_000, policy: { vendor_allowlist: ['agt_word_counter'], per_tx_cap: 1_000, daily_limit: 10_000 } });
    const vars = { FROS_API_URL: apiUrl, FROS_ORG_KEY: dev.org.orgKey, AGENT_ACCOUNT_ID: wallet.agentId, POLICY_ID: wallet.policyId };
    const env = { PATH: process.env.PATH ?? '', HOME: work, FRAMEOS_CONFIG_DIR: join(work, '.config') };

    let cwd = work;
    const transcript: string[] = [];
    for (const step of steps) {
      if (step.kind === 'file') {
        await mkdir(dirname(join(cwd, step.path)), { recursive: true });
        await writeFile(join(cwd, step.path), step.content);
        continue;
      }
      const argv = words(step.line, vars);
      if (argv[0] === 'cd') {
        cwd = resolve(cwd, argv[1]!);
        continue;
      }
      expect(argv.slice(0, 2), step.line).toEqual(['npx', 'frameos']);
      let stdout = '';
      let stderr = '';
      const sink = (append: (s: string) => void) => ({ write: (chunk: string | Uint8Array) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
      const code = await runCli(argv.slice(2), { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env }, cwd);
      transcript.push(`$ ${step.line}\n${stdout}${stderr}`);
      expect(code, transcript.join('\n')).toBe(0);

      const command = argv.slice(2).filter((a) => !a.startsWith('-')).slice(0, 2).join(' ');
      if (command === 'deploy') {
        expect(stdout).toMatch(/Review status: pending_review/);
        const approved = await t.request('POST', '/admin/agents/agt_word_counter/approve', { token: admin, body: {} });
        expect(approved.status, approved.text).toBe(200);
      }
      if (command === 'test') expect(stdout).toMatch(/ 0 failed/);
      if (step.line.endsWith('run agt_word_counter --input input.json')) {
        expect(JSON.parse(stdout.slice(0, stdout.lastIndexOf('}') + 1))).toMatchObject({ count: 5, top_words: [{ word: 'agents', count: 2 }, { word: 'paying', count: 1 }, { word: 'receipts', count: 1 }] });
        expect(stdout).toMatch(/cost 0\.50 USD/);
      }
    }
    // The paid run: 0.50 USD from the wallet, once.
    const balance = await t.request('GET', `/agent-accounts/${wallet.agentId}`, { token: dev.org.orgKey });
    expect(JSON.stringify(balance.body)).toMatch(/9950/);
  });
});
