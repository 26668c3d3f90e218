import { defineAgent, z } from '@frameos/agent-sdk';

/**
 * Keywords of a text, offline. RAKE (Rose et al., 2010): candidate phrases are the runs of words
 * between stopwords and punctuation; a word scores degree ÷ frequency, a phrase the sum of its
 * words. TF: single content words (and frequent two-word phrases) by frequency. Either way the
 * ranked keywords feed the SEO Content Generator's `keywords`.
 */

const STOPWORDS = new Set(
  ('a about above across after again against all almost also although always am among an and another any anyone anything are around as at be because been before being below between both but by can cannot could did do does doing done down during each either else enough etc even ever every few for from further get gets got had has have having he her here hers herself him himself his how however i if in into is it its itself just least less let like made make makes many may me might more most mostly much must my myself near need needs neither never new no none nor not now of off often on once one only onto or other others otherwise our ours ourselves out over own per perhaps quite rather really said same say says see seem seems several shall she should since so some something sometimes still such than that the their theirs them themselves then there therefore these they this those though through thus to together too toward towards under until up upon us use used uses using very via was we well were what whatever when whenever where whether which while who whom whose why will with within without would yet you your yours yourself yourselves')
    .split(' '),
);

const wordRe = /[\p{L}\p{N}][\p{L}\p{N}'’+#.-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu;

/** Phrases: runs of content words between stopwords and punctuation. */
function candidatePhrases(text: string, maxWords: number): string[][] {
  const phrases: string[][] = [];
  for (const chunk of text.toLowerCase().split(/[.,;:!?()[\]{}"“”‘’|/\\\n\r\t–—]+|\s-\s/)) {
    let current: string[] = [];
    for (const raw of chunk.match(wordRe) ?? []) {
      const word = raw.replace(/['’]s$/, '').replace(/\.$/, '');
      if (STOPWORDS.has(word) || /^\d+(\.\d+)?$/.test(word) || word.length < 2) {
        if (current.length) phrases.push(current);
        current = [];
      } else {
        current.push(word);
      }
    }
    if (current.length) phrases.push(current);
  }
  return phrases.filter((p) => p.length <= maxWords);
}

interface Scored {
  keyword: string;
  score: number;
  occurrences: number;
}

function rake(text: string, maxWords: number, minLength: number): Scored[] {
  const phrases = candidatePhrases(text, maxWords);
  const freq = new Map<string, number>();
  const degree = new Map<string, number>();
  for (const phrase of phrases) {
    for (const w of phrase) {
      freq.set(w, (freq.get(w) ?? 0) + 1);
      degree.set(w, (degree.get(w) ?? 0) + phrase.length);
    }
  }
  const byPhrase = new Map<string, Scored>();
  for (const phrase of phrases) {
    const keyword = phrase.join(' ');
    if (keyword.length < minLength) continue;
    const existing = byPhrase.get(keyword);
    if (existing) {
      existing.occurrences++;
      continue;
    }
    const score = phrase.reduce((s, w) => s + degree.get(w)! / freq.get(w)!, 0);
    byPhrase.set(keyword, { keyword, score, occurrences: 1 });
  }
  // A phrase that recurs is a keyword, not a one-off run of words: weigh it up a little.
  return [...byPhrase.values()].map((k) => ({ ...k, score: k.score * (1 + Math.log(k.occurrences)) }));
}

function termFrequency(text: string, maxWords: number, minLength: number): Scored[] {
  const phrases = candidatePhrases(text, 100);
  const counts = new Map<string, number>();
  let total = 0;
  for (const phrase of phrases) {
    for (let n = 1; n <= Math.min(2, maxWords); n++) {
      for (let i = 0; i + n <= phrase.length; i++) {
        const gram = phrase.slice(i, i + n).join(' ');
        if (gram.length < minLength) continue;
        counts.set(gram, (counts.get(gram) ?? 0) + 1);
        if (n === 1) total++;
      }
    }
  }
  return [...counts.entries()]
    .filter(([gram, count]) => !gram.includes(' ') || count >= 2)
    .map(([keyword, occurrences]) => ({ keyword, occurrences, score: (occurrences / Math.max(1, total)) * 100 * (keyword.includes(' ') ? 1.5 : 1) }));
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export default defineAgent({
  manifest: {
    id: 'agt_keyword_extractor',
    name: 'Keyword Extractor',
    version: '1.0.0',
    description: 'Ranked keywords and key phrases of a text with RAKE or term frequency, offline. Its `keywords` feed the SEO Content Generator.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 2, currency: 'USD' },
    capabilities: [],
    runtime: { timeout_ms: 10_000, memory_mb: 64 },
    metadata: { category: 'marketing', tags: ['seo', 'keywords', 'rake', 'nlp', 'offline'] },
  },
  inputs: z.object({
    text: z.string().min(1).max(500_000).describe('The text to analyse (e.g. the Data Scraper\'s `text`)'),
    max_keywords: z.number().int().min(1).max(100).default(10).describe('How many keywords to return'),
    method: z.enum(['rake', 'tf']).default('rake').describe('rake: key phrases (Rapid Automatic Keyword Extraction); tf: frequent words and two-word phrases'),
    max_words: z.number().int().min(1).max(5).default(3).describe('Longest phrase, in words'),
    min_length: z.number().int().min(1).max(20).default(3).describe('Shortest keyword, in characters'),
  }),
  outputs: z.object({
    keywords: z.array(z.string()).describe('The keywords, best first (the SEO Content Generator\'s `keywords`)'),
    scored_keywords: z.array(z.object({ keyword: z.string(), score: z.number().describe('relative weight; comparable within one run'), occurrences: z.number().int().describe('times the phrase occurs') })).describe('The keywords with their scores'),
    method: z.enum(['rake', 'tf']).describe('The method used'),
  }),
  examples: [{ name: 'Product copy', inputs: { text: 'Compact espresso machine with a 15 bar pump. The espresso machine heats up in 30 seconds and the milk frother makes cafe-quality foam. Easy cleaning, compact design.', max_keywords: 5 } }],
  handler: async (inputs) => {
    const scored = inputs.method === 'rake' ? rake(inputs.text, inputs.max_words, inputs.min_length) : termFrequency(inputs.text, inputs.max_words, inputs.min_length);
    if (scored.length === 0) throw new Error('The text has no content words to extract keywords from.');
    const ranked = scored.sort((a, b) => b.score - a.score || b.occurrences - a.occurrences || (a.keyword < b.keyword ? -1 : 1));
    // Drop a keyword contained in a better-ranked one that occurs as often (the phrase says it already).
    const kept: Scored[] = [];
    for (const k of ranked) {
      if (kept.length >= inputs.max_keywords) break;
      const inside = kept.some((b) => ` ${b.keyword} `.includes(` ${k.keyword} `) && b.occurrences >= k.occurrences);
      if (!inside) kept.push(k);
    }
    return { keywords: kept.map((k) => k.keyword), scored_keywords: kept.map((k) => ({ keyword: k.keyword, score: round(k.score), occurrences: k.occurrences })), method: inputs.method };
  },
});
