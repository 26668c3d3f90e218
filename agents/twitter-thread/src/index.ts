import { defineAgent, z } from '@frameos/agent-sdk';
import { splitSentences } from '../../shared/sentences.ts';

/**
 * Turns a text into a numbered thread of tweets of at most 280 characters as X counts them (URLs
 * 23, most CJK characters and emoji 2), offline: sentences are packed greedily, a sentence too long
 * for one tweet is split at its clauses, then its words. Past `max_tweets` the text is condensed —
 * filler phrases and parentheticals first, then the sentences with the least frequent content words
 * — never cut mid-sentence.
 */

const LIMIT = 280;
const URL_WEIGHT = 23;
const urlRe = /https?:\/\/[^\s]+/g;

/** twitter-text v3: code points in these ranges weigh 1, every other 2; a URL 23. */
function weight(cp: number): number {
  return (cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247)) ? 1 : 2;
}

export function tweetLength(text: string): number {
  let length = 0;
  let rest = text.replace(urlRe, () => {
    length += URL_WEIGHT;
    return '';
  });
  rest = rest.normalize('NFC');
  for (const ch of rest) length += weight(ch.codePointAt(0)!);
  return length;
}


/** Pieces of at most `budget`: clauses first, then words (a single over-long word is cut). */
function splitLong(sentence: string, budget: number): string[] {
  if (tweetLength(sentence) <= budget) return [sentence];
  const clauses = sentence.split(/(?<=[,;:—–])\s+/);
  const units = clauses.length > 1 ? clauses : sentence.split(' ');
  const pieces: string[] = [];
  let current = '';
  for (const unit of units) {
    const candidate = current ? `${current} ${unit}` : unit;
    if (tweetLength(candidate) <= budget) {
      current = candidate;
    } else {
      if (current) pieces.push(current);
      if (tweetLength(unit) <= budget) current = unit;
      else {
        const sub = clauses.length > 1 ? splitLong(unit, budget) : [...unit].reduce<string[]>((acc, ch) => {
          const last = acc[acc.length - 1];
          if (last !== undefined && tweetLength(last + ch) <= budget - 1) acc[acc.length - 1] = last + ch;
          else acc.push(ch);
          return acc;
        }, []);
        pieces.push(...sub.slice(0, -1));
        current = sub[sub.length - 1] ?? '';
      }
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

function pack(sentences: string[], budget: number): string[] {
  const tweets: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    for (const piece of splitLong(sentence, budget)) {
      const candidate = current ? `${current} ${piece}` : piece;
      if (tweetLength(candidate) <= budget) current = candidate;
      else {
        tweets.push(current);
        current = piece;
      }
    }
  }
  if (current) tweets.push(current);
  return tweets;
}

const FILLERS: [RegExp, string][] = [
  [/\s*\([^()]{0,120}\)/g, ''],
  [/\bin order to\b/gi, 'to'],
  [/\bdue to the fact that\b/gi, 'because'],
  [/\bat this point in time\b/gi, 'now'],
  [/\ba (?:large|great) number of\b/gi, 'many'],
  [/\b(?:basically|actually|really|very|just|quite|literally|essentially),?\s+/gi, ''],
  [/\bit is important to note that\s+/gi, ''],
  [/\s{2,}/g, ' '],
];

const condense = (sentence: string) => FILLERS.reduce((s, [re, by]) => s.replace(re, by), sentence).replace(/^\p{Ll}/u, (c) => c.toUpperCase()).trim();

const STOPWORDS = new Set('a an and are as at be but by for from has have he her his i if in into is it its of on or our she that the their they this to was we were what when which who will with you your not can do does did so than then there these those also more most very just about'.split(' '));
const contentWords = (s: string) => (s.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w));

function hashtag(raw: string): string {
  const body = raw.replace(/^#/, '').replace(/[^\p{L}\p{N}_]/gu, '');
  return body ? `#${body}` : '';
}

export default defineAgent({
  manifest: {
    id: 'agt_twitter_thread',
    name: 'Twitter Thread Generator',
    version: '1.0.0',
    description: 'Turns a text into a numbered X/Twitter thread of tweets of at most 280 characters (counted as X counts them), condensing it to fit a maximum number of tweets, with optional hashtags. Offline; reads the Summarizer\'s `text`.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 5, currency: 'USD' },
    capabilities: [],
    runtime: { timeout_ms: 10_000, memory_mb: 64 },
    metadata: { category: 'marketing', tags: ['twitter', 'x', 'social-media', 'content', 'offline'] },
  },
  inputs: z.object({
    text: z.string().min(1).max(100_000).describe('The text to turn into a thread (e.g. the Summarizer\'s `text`)'),
    max_tweets: z.number().int().min(1).max(25).default(10).describe('The thread is condensed to at most this many tweets'),
    numbering: z.enum(['suffix', 'prefix', 'none']).default('suffix').describe('Where "1/5" goes in each tweet'),
    hook: z.string().max(200).optional().describe('An opening line for the first tweet'),
    hashtags: z.array(z.string().min(1).max(50)).max(10).default([]).describe('Hashtags to add, with or without #'),
    auto_hashtags: z.number().int().min(0).max(5).default(0).describe('Also add this many hashtags made from the text\'s most frequent words'),
    hashtag_position: z.enum(['last', 'first', 'all']).default('last').describe('Which tweets carry the hashtags'),
  }),
  outputs: z.object({
    tweets: z.array(z.object({ index: z.number().int().describe('1-based'), text: z.string(), length: z.number().int().describe('as X counts it; at most 280') })).describe('The thread, in order'),
    count: z.number().int().describe('Tweets in the thread'),
    condensed: z.boolean().describe('The text was shortened to fit max_tweets'),
    dropped_sentences: z.number().int().describe('Sentences left out to fit max_tweets'),
    hashtags: z.array(z.string()).describe('The hashtags used'),
  }),
  examples: [{ name: 'A launch announcement', inputs: { text: 'We just shipped FrameOS agents. Every run is paid through a signed mandate and lands on a double-entry ledger. Developers earn per execution, and buyers see a verifiable receipt for every payment.', hashtags: ['AI', 'payments'] } }],
  handler: async (inputs) => {
    let sentences = splitSentences(inputs.text);
    if (inputs.hook) sentences.unshift(inputs.hook.trim());
    if (sentences.length === 0) throw new Error('The text has no sentences to turn into tweets.');

    const frequency = new Map<string, number>();
    for (const s of sentences) for (const w of contentWords(s)) frequency.set(w, (frequency.get(w) ?? 0) + 1);
    const auto = [...frequency.entries()].filter(([w]) => !/^\d+$/.test(w)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, inputs.auto_hashtags).map(([w]) => hashtag(w));
    const tags = [...new Set([...inputs.hashtags.map(hashtag), ...auto].filter(Boolean))];
    const tagText = tags.join(' ');
    const tagCost = tags.length ? tweetLength(tagText) + 1 : 0;
    if (tagCost > 200) throw new Error('The hashtags are too long to fit in a tweet with any text.');

    // Every tweet is packed to fit the numbering of the longest thread kept and the hashtags, so any tweet can carry them.
    const numberCost = inputs.numbering === 'none' ? 0 : `${inputs.max_tweets}/${inputs.max_tweets}`.length + 1;
    const budget = LIMIT - numberCost - tagCost;
    const build = (list: string[]) => pack(list, budget);

    let tweets = build(sentences);
    let condensed = false;
    let dropped = 0;
    if (tweets.length > inputs.max_tweets) {
      condensed = true;
      sentences = sentences.map(condense).filter(Boolean);
      tweets = build(sentences);
      // Still too long: leave out the least informative sentences (never the first), best kept in order.
      const score = (s: string) => {
        const words = contentWords(s);
        return words.length ? words.reduce((sum, w) => sum + (frequency.get(w) ?? 0), 0) / Math.sqrt(words.length) : 0;
      };
      while (tweets.length > inputs.max_tweets && sentences.length > 1) {
        let worst = 1;
        for (let i = 2; i < sentences.length; i++) if (score(sentences[i]!) < score(sentences[worst]!)) worst = i;
        sentences.splice(worst, 1);
        dropped++;
        tweets = build(sentences);
      }
      if (tweets.length > inputs.max_tweets) tweets = tweets.slice(0, inputs.max_tweets);
    }

    const n = tweets.length;
    const out = tweets.map((body, i) => {
      const where = inputs.hashtag_position;
      const tagged = tags.length > 0 && (where === 'all' || (where === 'first' && i === 0) || (where === 'last' && i === n - 1));
      let text = tagged ? `${body} ${tagText}` : body;
      if (inputs.numbering === 'suffix' && n > 1) text = `${text} ${i + 1}/${n}`;
      if (inputs.numbering === 'prefix' && n > 1) text = `${i + 1}/${n} ${text}`;
      return { index: i + 1, text, length: tweetLength(text) };
    });
    const tooLong = out.find((t) => t.length > LIMIT);
    if (tooLong) throw new Error(`Tweet ${tooLong.index} is ${tooLong.length} characters; this is a bug in the thread builder.`);
    return { tweets: out, count: n, condensed, dropped_sentences: dropped, hashtags: tags };
  },
});
