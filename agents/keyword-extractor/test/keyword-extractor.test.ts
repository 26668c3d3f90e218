import { describe, expect, it } from 'vitest';
import { useAgent } from '../../test/support.ts';

const TEXT = `Compact espresso machine with a 15 bar pump. The compact espresso machine heats up in 30 seconds, and the milk frother makes cafe-quality foam.
Cleaning the espresso machine is easy: the drip tray and the milk frother are dishwasher safe. Espresso lovers get barista results at home.`;

describe('agt_keyword_extractor', () => {
  const agent = useAgent('keyword-extractor');

  it('has a manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest.metadata.category).toBe('marketing');
  });

  it('RAKE: ranks the recurring key phrases first', async () => {
    const out = await agent.ok({ text: TEXT, max_keywords: 6 });
    const keywords = out.keywords as string[];
    expect(keywords[0]).toBe('compact espresso machine');
    expect(keywords).toContain('milk frother');
    expect(keywords).not.toContain('the');
    // "espresso machine" is inside "compact espresso machine" but occurs more often, so it stays.
    const scored = out.scored_keywords as { keyword: string; score: number; occurrences: number }[];
    expect(scored.find((k) => k.keyword === 'milk frother')?.occurrences).toBe(2);
    expect(scored.map((k) => k.score)).toEqual([...scored.map((k) => k.score)].sort((a, b) => b - a));
    expect(out.method).toBe('rake');
  });

  it('TF: frequent words and two-word phrases', async () => {
    const out = await agent.ok({ text: TEXT, method: 'tf', max_keywords: 4 });
    expect((out.keywords as string[])[0]).toBe('espresso machine');
    expect(out.keywords).toContain('espresso');
  });

  it('refuses a text with no content words and bad options', async () => {
    expect(await agent.run({ text: 'the and of it' })).toMatchObject({ status: 'failed', error: { code: 'agent_error', message: expect.stringMatching(/no content words/) } });
    expect(await agent.run({ text: 'x', method: 'lda' })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.method/) } });
  });
});
