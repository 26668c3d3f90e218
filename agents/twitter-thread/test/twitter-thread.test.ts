import { describe, expect, it } from 'vitest';
import { useAgent } from '../../test/support.ts';

interface Tweet {
  index: number;
  text: string;
  length: number;
}

const LONG = Array.from({ length: 30 }, (_, i) => `Point ${i + 1}: agents pay each other through signed mandates, and every payment (really, every single one) lands on the ledger with a receipt.`).join(' ');

describe('agt_twitter_thread', () => {
  const agent = useAgent('twitter-thread');

  it('has a manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
  });

  it('packs sentences into numbered tweets of at most 280 characters, hashtags on the last', async () => {
    const out = await agent.ok({ text: LONG.slice(0, 1500), hashtags: ['AI', '#payments'], max_tweets: 15 });
    const tweets = out.tweets as Tweet[];
    expect(out.count).toBe(tweets.length);
    expect(tweets.length).toBeGreaterThan(3);
    expect(tweets.every((t) => t.length <= 280 && t.text.endsWith(`${t.index}/${tweets.length}`))).toBe(true);
    expect(tweets.at(-1)!.text).toMatch(/#AI #payments \d+\/\d+$/);
    expect(tweets[0]!.text).not.toContain('#AI');
    expect(out).toMatchObject({ condensed: false, dropped_sentences: 0, hashtags: ['#AI', '#payments'] });
  });

  it('condenses to max_tweets: fillers and parentheticals first, then whole sentences', async () => {
    const out = await agent.ok({ text: LONG, max_tweets: 4, numbering: 'prefix', hook: 'A thread on agent payments 🧵' });
    const tweets = out.tweets as Tweet[];
    expect(tweets).toHaveLength(4);
    expect(out.condensed).toBe(true);
    expect(out.dropped_sentences as number).toBeGreaterThan(0);
    expect(tweets[0]!.text).toMatch(/^1\/4 A thread on agent payments 🧵/);
    expect(tweets.map((t) => t.text).join(' ')).not.toMatch(/really|\(/);
    expect(tweets.every((t) => t.length <= 280)).toBe(true);
  });

  it('counts URLs as 23 and splits one over-long sentence at its clauses; auto hashtags', async () => {
    const url = `https://example.com/${'x'.repeat(200)}`;
    const sentence = `${'word '.repeat(40).trim()}, ${'extra '.repeat(40).trim()}, see ${url}`;
    const out = await agent.ok({ text: sentence, numbering: 'none', auto_hashtags: 1 });
    const tweets = out.tweets as Tweet[];
    expect(tweets.length).toBe(2);
    expect(tweets.every((t) => t.length <= 280)).toBe(true);
    expect(tweets.at(-1)!.text).toContain(url);
    expect(out.hashtags).toEqual(['#extra']);
    expect(await agent.run({ text: 'Hello.', max_tweets: 0 })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.max_tweets/) } });
  });
});
