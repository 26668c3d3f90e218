import { describe, expect, it } from 'vitest';
import { useAgent } from '../../test/support.ts';

interface Sentence {
  score: number;
  label: string;
  positive_words: string[];
  negative_words: string[];
}

describe('agt_sentiment', () => {
  const agent = useAgent('sentiment');

  it('has a manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
  });

  it('scores each sentence: polarity, negation, intensifiers', async () => {
    const out = await agent.ok({ text: 'The setup was really easy and support was helpful.\nThe app is not good. It is okay, I guess. The battery life is TERRIBLE!!' });
    const s = out.sentences as Sentence[];
    expect(s.map((x) => x.label)).toEqual(['positive', 'negative', 'positive', 'negative']);
    expect(s[1]!.negative_words).toEqual(['not good']);
    expect(s[3]!.score).toBeLessThan(-0.5);
    expect(s[0]!.positive_words).toEqual(['easy', 'helpful']);
    expect(out.counts).toEqual({ positive: 2, negative: 2, neutral: 0 });
    expect(s.every((x) => x.score >= -1 && x.score <= 1)).toBe(true);
  });

  it('labels whole texts: positive, negative, neutral, and "but" shifting the weight', async () => {
    expect(await agent.ok({ text: 'Absolutely love it. Best purchase this year, highly recommended!' })).toMatchObject({ label: 'positive' });
    expect(await agent.ok({ text: 'Worst support ever. The product crashed twice and the refund was refused.' })).toMatchObject({ label: 'negative' });
    expect(await agent.ok({ text: 'The package arrived on Tuesday. It contains a cable.' })).toMatchObject({ label: 'neutral', score: 0 });
    const but = (await agent.ok({ text: 'The screen is nice but the keyboard is awful.' })) as { score: number };
    expect(but.score).toBeLessThan(0);
  });

  it('refuses an empty text', async () => {
    expect(await agent.run({ text: '' })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.text/) } });
    expect(await agent.run({ text: '   ' })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/no sentences/) } });
  });
});
