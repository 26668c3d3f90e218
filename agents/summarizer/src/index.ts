import { defineAgent, z } from '@frameos/agent-sdk';
import { splitSentences } from '../../shared/sentences.ts';

/**
 * Extractive summariser: every sentence is scored by the frequency of its content words across the
 * whole text (normalised by the most frequent word), with a small bonus for the opening sentences
 * and a penalty for very short or very long ones; the best sentences are returned in their
 * original order. Offline and deterministic.
 */

const STOPWORDS = new Set(
  ('a about above after again against all also am an and any are aren as at be because been before being below between both but by can cannot could did do does doing down during each few for from further get got had has have having he her here hers herself him himself his how however i if in into is it its itself just let me more most much must my myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up upon us very was we were what when where which while who whom why will with would yet you your yours yourself yourselves one two may might many new said says like well even still')
    .split(' '),
);


const wordsOf = (sentence: string) => (sentence.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).map((w) => w.replace(/['’]s$/, ''));

export default defineAgent({
  manifest: {
    id: 'agt_summarizer',
    name: 'Text Summarizer',
    version: '1.0.0',
    description: 'Extractive summary of any text: scores each sentence by the frequency of its content words and keeps the best ones in their original order. Offline and deterministic; feeds the Twitter Thread Generator.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 3, currency: 'USD' },
    capabilities: [],
    runtime: { timeout_ms: 10_000, memory_mb: 64 },
    metadata: { category: 'productivity', tags: ['summarization', 'text', 'nlp', 'offline'] },
  },
  inputs: z.object({
    text: z.string().min(1).max(500_000).describe('The text to summarise (plain text, e.g. the Data Scraper\'s `text`)'),
    max_sentences: z.number().int().min(1).max(50).default(5).describe('At most this many sentences in the summary'),
    ratio: z.number().gt(0).max(1).optional().describe('Keep at most this share of the sentences (0–1); the smaller of the two limits applies'),
    min_words: z.number().int().min(1).max(50).default(5).describe('Sentences with fewer words are not picked (headings, captions)'),
  }),
  outputs: z.object({
    text: z.string().describe('The summary: the selected sentences in their original order'),
    sentences: z.array(z.object({ index: z.number().int().describe('position in the original text (0-based)'), text: z.string(), score: z.number().describe('0–1, relative to the best sentence') })).describe('The selected sentences with their scores'),
    sentence_count: z.number().int().describe('Sentences in the summary'),
    original_sentence_count: z.number().int().describe('Sentences in the input'),
    compression_ratio: z.number().describe('Characters of the summary ÷ characters of the input'),
    top_terms: z.array(z.string()).describe('The most frequent content words, which drove the scores'),
  }),
  examples: [{ name: 'A short article', inputs: { text: 'Solar power is now the cheapest source of electricity in many countries. Panel prices fell by 90% in a decade. Storage is the remaining challenge: batteries are still expensive. Grid operators are investing in storage to smooth the evening peak. Analysts expect solar and storage together to dominate new capacity.', max_sentences: 2 } }],
  handler: async (inputs) => {
    const all = splitSentences(inputs.text);
    if (all.length === 0) throw new Error('The text has no sentences to summarise.');
    const frequency = new Map<string, number>();
    const words = all.map((s) => wordsOf(s));
    for (const list of words) for (const w of list) if (!STOPWORDS.has(w) && w.length > 2 && !/^\d+$/.test(w)) frequency.set(w, (frequency.get(w) ?? 0) + 1);
    const maxFreq = Math.max(1, ...frequency.values());
    const raw = all.map((sentence, index) => {
      const list = words[index]!;
      if (list.length < inputs.min_words) return 0;
      const content = list.filter((w) => frequency.has(w));
      if (content.length === 0) return 0;
      const weight = content.reduce((sum, w) => sum + frequency.get(w)! / maxFreq, 0);
      // Normalise by length (a long sentence does not win by length alone), favour the lead sentences.
      const density = weight / Math.sqrt(list.length);
      const position = index === 0 ? 1.25 : index < 3 ? 1.1 : 1;
      const lengthPenalty = list.length > 60 ? 0.7 : 1;
      return density * position * lengthPenalty;
    });
    const best = Math.max(...raw);
    const limit = Math.max(1, Math.min(inputs.max_sentences, inputs.ratio !== undefined ? Math.floor(all.length * inputs.ratio) : Infinity, all.length));
    const ranked = raw
      .map((score, index) => ({ index, score }))
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, limit)
      .sort((a, b) => a.index - b.index);
    // Too short to score (every sentence under min_words): the opening sentences.
    const picked = ranked.length > 0 ? ranked : all.slice(0, limit).map((_, index) => ({ index, score: 0 }));
    const sentences = picked.map(({ index, score }) => ({ index, text: all[index]!, score: best > 0 ? Math.round((score / best) * 1000) / 1000 : 0 }));
    const text = sentences.map((s) => s.text).join(' ');
    const topTerms = [...frequency.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([w]) => w);
    return {
      text,
      sentences,
      sentence_count: sentences.length,
      original_sentence_count: all.length,
      compression_ratio: Math.round((text.length / inputs.text.trim().length) * 1000) / 1000,
      top_terms: topTerms,
    };
  },
});
