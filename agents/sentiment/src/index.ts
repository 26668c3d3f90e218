import { defineAgent, z } from '@frameos/agent-sdk';
import { splitSentences } from '../../shared/sentences.ts';
import { INTENSIFIERS, LEXICON, NEGATIONS } from './lexicon.ts';

/**
 * Lexicon-based sentiment, offline: each sentence sums the valence of its words (negation within
 * three words flips and dampens, intensifiers scale, words in CAPS and "!" strengthen, the clause
 * after "but" outweighs the one before), normalised to -1…1 as VADER does (x / √(x² + 15)). The
 * text's score is the mean of its sentences' weighted by their strength.
 */


/** The lexicon's entry for a word or its stem (-s, -es, -ed, -ing, -ly). */
function valence(word: string): number | undefined {
  const direct = LEXICON.get(word);
  if (direct !== undefined) return direct;
  for (const suffix of ['ly', 'ing', 'ed', 'es', 's', 'd']) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const stem = word.slice(0, -suffix.length);
      const v = LEXICON.get(stem) ?? LEXICON.get(`${stem}e`);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

const normalise = (x: number) => x / Math.sqrt(x * x + 15);
const round = (n: number) => Math.round(n * 1000) / 1000;

interface SentenceScore {
  index: number;
  text: string;
  score: number;
  label: 'positive' | 'negative' | 'neutral';
  positive_words: string[];
  negative_words: string[];
}

function scoreSentence(text: string, index: number, threshold: number): SentenceScore {
  const tokens = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’]*/gu) ?? [];
  const positive: string[] = [];
  const negative: string[] = [];
  let sum = 0;
  let afterBut = false;
  let beforeBut = 0;
  tokens.forEach((raw, i) => {
    const word = raw.toLowerCase().replace(/’/g, "'");
    if (word === 'but' || word === 'however' || word === 'although') {
      beforeBut = sum;
      sum = 0;
      afterBut = true;
      return;
    }
    const v = valence(word);
    if (v === undefined) return;
    let s = v;
    const previous = tokens.slice(Math.max(0, i - 3), i).map((t) => t.toLowerCase().replace(/’/g, "'"));
    const intensity = previous.length ? INTENSIFIERS.get(previous[previous.length - 1]!) : undefined;
    if (intensity !== undefined) s *= intensity;
    if (raw.length > 2 && raw === raw.toUpperCase() && /\p{L}/u.test(raw)) s *= 1.3;
    const negated = previous.some((p) => NEGATIONS.has(p) || p.endsWith("n't"));
    if (negated) s *= -0.7;
    (s > 0 ? positive : negative).push(negated ? `not ${word}` : word);
    sum += s;
  });
  // "X, but Y": Y carries the sentence.
  if (afterBut) sum = beforeBut * 0.5 + sum * 1.5;
  const exclamations = Math.min(3, (text.match(/!/g) ?? []).length);
  if (sum !== 0) sum += Math.sign(sum) * exclamations * 0.3;
  const score = round(normalise(sum));
  return { index, text, score, label: score >= threshold ? 'positive' : score <= -threshold ? 'negative' : 'neutral', positive_words: positive, negative_words: negative };
}

export default defineAgent({
  manifest: {
    id: 'agt_sentiment',
    name: 'Sentiment Scorer',
    version: '1.0.0',
    description: 'Scores the sentiment of a text and of each sentence from -1 (negative) to 1 (positive) with a bundled lexicon, handling negation, intensifiers and "but". Offline; reads the Data Scraper\'s `text`, reviews or support tickets.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 2, currency: 'USD' },
    capabilities: [],
    runtime: { timeout_ms: 10_000, memory_mb: 64 },
    metadata: { category: 'research', tags: ['sentiment', 'nlp', 'reviews', 'text', 'offline'] },
  },
  inputs: z.object({
    text: z.string().min(1).max(500_000).describe('The text to score (reviews, a ticket, the Data Scraper\'s `text`)'),
    neutral_threshold: z.number().min(0).max(1).default(0.05).describe('Scores within ±this are neutral'),
  }),
  outputs: z.object({
    score: z.number().describe('The whole text, -1 (negative) to 1 (positive)'),
    label: z.enum(['positive', 'negative', 'neutral', 'mixed']).describe('mixed: clearly positive and clearly negative sentences, neither dominating'),
    sentences: z.array(z.object({ index: z.number().int(), text: z.string(), score: z.number(), label: z.enum(['positive', 'negative', 'neutral']), positive_words: z.array(z.string()), negative_words: z.array(z.string()) })).describe('Each sentence with its score and the words that moved it'),
    counts: z.object({ positive: z.number().int(), negative: z.number().int(), neutral: z.number().int() }).describe('Sentences per label'),
  }),
  examples: [{ name: 'A product review', inputs: { text: 'The setup was really easy and support was helpful. But the battery life is terrible!' } }],
  handler: async (inputs) => {
    const sentences = splitSentences(inputs.text, 'line').slice(0, 5_000).map((s, i) => scoreSentence(s, i, inputs.neutral_threshold));
    if (sentences.length === 0) throw new Error('The text has no sentences to score.');
    const weights = sentences.map((s) => Math.abs(s.score) + 0.1);
    const total = weights.reduce((a, b) => a + b, 0);
    const score = round(sentences.reduce((sum, s, i) => sum + s.score * weights[i]!, 0) / total);
    const counts = { positive: 0, negative: 0, neutral: 0 };
    for (const s of sentences) counts[s.label]++;
    const strongPositive = sentences.filter((s) => s.score >= 0.4).length;
    const strongNegative = sentences.filter((s) => s.score <= -0.4).length;
    const mixed = strongPositive > 0 && strongNegative > 0 && Math.abs(score) < 0.25;
    const label: 'positive' | 'negative' | 'neutral' | 'mixed' = mixed ? 'mixed' : score >= inputs.neutral_threshold ? 'positive' : score <= -inputs.neutral_threshold ? 'negative' : 'neutral';
    return { score, label, sentences, counts };
  },
});
