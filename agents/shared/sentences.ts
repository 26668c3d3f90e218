/**
 * Sentence splitting shared by the text agents (summarizer, sentiment, Twitter thread). Bundled into
 * each agent by `packageAgent`: agents import nothing at run time, but may share source files.
 */

/** Words whose trailing `.` does not end a sentence ("Dr. Smith", "e.g. this", "Jan. 5"). */
export const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'e.g', 'i.e', 'inc', 'ltd', 'co', 'corp', 'fig', 'no', 'approx', 'dept', 'est',
  'u.s', 'u.k', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);

/** Blank lines and list items start a new block; `line` makes every line break one (one review per line). */
const BLOCKS = {
  paragraph: /\r?\n\s*\r?\n|\r?\n(?=\s*(?:[-*•]|\d+[.)])\s)/,
  line: /\r?\n+/,
} as const;

/**
 * The sentences of a text: blocks first, then `.`, `!` or `?` (with closing quotes or brackets)
 * followed by a space — except a `.` after an abbreviation or a single letter, or before a
 * lowercase word.
 */
export function splitSentences(text: string, blocks: keyof typeof BLOCKS = 'paragraph'): string[] {
  const sentences: string[] = [];
  for (const block of text.split(BLOCKS[blocks])) {
    const flat = block.replace(/\s+/g, ' ').trim();
    if (!flat) continue;
    let start = 0;
    const end = /[.!?]+["'”’)\]]*(?=\s|$)/g;
    for (let m = end.exec(flat); m; m = end.exec(flat)) {
      const stop = m.index + m[0].length;
      const lastWord = (flat.slice(start, m.index).split(' ').pop() ?? '').toLowerCase();
      const next = flat.slice(stop).trimStart();
      if (next && m[0] === '.' && (ABBREVIATIONS.has(lastWord) || /^[a-z]$/.test(lastWord) || /^[a-z]/.test(next))) continue;
      sentences.push(flat.slice(start, stop).trim());
      start = stop;
    }
    const rest = flat.slice(start).trim();
    if (rest) sentences.push(rest);
  }
  return sentences;
}
