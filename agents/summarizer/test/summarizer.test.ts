import { describe, expect, it } from 'vitest';
import { useAgent } from '../../test/support.ts';

const ARTICLE = `Solar power is now the cheapest source of electricity in many countries. Panel prices fell by 90% in a decade, according to Dr. Smith of the U.S. Energy Lab.

Storage is the remaining challenge for solar power: batteries are still expensive. Grid operators are investing in battery storage to smooth the evening peak of electricity demand. The weather was nice on Tuesday. Analysts expect solar power and battery storage together to dominate new electricity capacity.

Read more.`;

describe('agt_summarizer', () => {
  const agent = useAgent('summarizer');

  it('has a manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest).toMatchObject({ id: 'agt_summarizer', pricing: { model: 'per_execution', amount: 3, currency: 'USD' }, metadata: { category: 'productivity' } });
  });

  it('keeps the sentences about the main terms, in their original order', async () => {
    const out = await agent.ok({ text: ARTICLE, max_sentences: 3 });
    expect(out.original_sentence_count).toBe(7);
    expect(out.sentence_count).toBe(3);
    const sentences = out.sentences as { index: number; text: string; score: number }[];
    expect(sentences.map((s) => s.index)).toEqual([...sentences.map((s) => s.index)].sort((a, b) => a - b));
    expect(out.text).toContain('Solar power is now the cheapest source of electricity');
    expect(out.text).not.toContain('weather');
    expect(out.text).not.toContain('Read more');
    // "Dr." and "U.S." do not end a sentence.
    expect(sentences.every((s) => !s.text.endsWith('Dr.'))).toBe(true);
    expect(Math.max(...sentences.map((s) => s.score))).toBe(1);
    expect(out.top_terms).toEqual(expect.arrayContaining(['solar', 'power', 'storage', 'electricity']));
    expect(out.compression_ratio as number).toBeLessThan(1);
  });

  it('applies ratio as well as max_sentences, and refuses an empty text', async () => {
    expect((await agent.ok({ text: ARTICLE, max_sentences: 10, ratio: 0.3 })).sentence_count).toBe(2);
    expect(await agent.run({ text: '' })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.text/) } });
    expect(await agent.run({ text: 'x', ratio: 2 })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.ratio/) } });
    expect(await agent.run({ txt: 'x' })).toMatchObject({ status: 'failed', error: { code: 'invalid_inputs' } });
  });
});
