/**
 * The examples every catalogue agent ships (shown in the catalogue, run by `frameos dev`, the A2A
 * skill's examples) are valid inputs, and those of the offline agents succeed. In-process (no
 * sandbox): the sandboxed runs are each agent's own test.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputProblems, manifestProblems, type AgentManifest } from '@frameos/domain';
import { definedAgentOf, type AgentContext } from '@frameos/agent-sdk';
import { AGENTS_DIR } from './support.ts';

const CATALOGUE = ['data-scraper', 'summarizer', 'sentiment', 'keyword-extractor', 'seo-content', 'twitter-thread', 'web-monitor', 'lead-finder', 'email-verifier', 'lead-scorer', 'data-enrichment', 'csv-cleaner', 'invoice-parser', 'code-review'];

const ctx = { execution_id: 'exe_example', config: {}, secrets: {}, log: () => {}, signal: { aborted: false }, charge: async () => ({}) } as unknown as AgentContext;

describe('catalogue examples', () => {
  it('lists every catalogue agent directory', () => {
    const dirs = readdirSync(AGENTS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && readdirSync(join(AGENTS_DIR, d.name)).includes('src')).map((d) => d.name);
    expect(dirs).toEqual(expect.arrayContaining(CATALOGUE));
  });

  for (const name of CATALOGUE) {
    it(`${name}: a valid manifest, valid examples, and offline examples that run`, async () => {
      const mod = (await import(join(AGENTS_DIR, name, 'src/index.ts'))) as { default: unknown };
      const agent = definedAgentOf(mod.default);
      expect(agent, name).not.toBeNull();
      const manifest = agent!.manifest({ developerId: 'dev_examples' });
      expect(manifestProblems(manifest)).toEqual([]);
      expect(manifest.metadata.examples?.length ?? 0).toBeGreaterThan(0);
      for (const example of manifest.metadata.examples ?? []) {
        expect(inputProblems(manifest as unknown as AgentManifest, example.inputs), `${name}: ${example.name}`).toEqual([]);
        expect(agent!.definition.inputs.safeParse(example.inputs).success, `${name}: ${example.name}`).toBe(true);
        if (manifest.capabilities.length === 0) await expect(agent!(example.inputs, ctx)).resolves.toBeTypeOf('object');
      }
    });
  }
});
