/**
 * A small bundled sentiment lexicon: word → valence from -4 (very negative) to +4 (very positive),
 * written for this agent (reviews, support tickets, social posts). Inflections are matched by the
 * agent's stemming of -s, -ed, -ing, -ly.
 */
const ENTRIES: Record<number, string> = {
  4: 'amazing awesome brilliant exceptional fantastic flawless incredible magnificent outstanding perfect phenomenal superb wonderful masterpiece breathtaking',
  3: 'beautiful delighted delightful excellent fabulous glad gorgeous great happy impressive impressed love loved lovely marvelous pleased remarkable terrific thrilled stunning exceeded recommend recommended favorite favourite best enjoy enjoyed joy excited exciting',
  2: 'good nice helpful friendly fast quick smooth easy reliable solid useful effective efficient comfortable clean fresh fun glad grateful thank thanks appreciate appreciated satisfied positive pleasant polite responsive intuitive affordable worth win wins winning success successful improve improved improvement better benefit strong safe secure stable elegant generous kind welcome wow',
  1: 'ok okay fine decent fair adequate reasonable like liked interesting cool calm clear convenient handy promising hope hopeful cheap accurate',
  [-1]: 'slow meh average confusing confused odd weird unclear expensive pricey delay delayed late lack lacking minor issue issues bug bugs glitch bland boring tired dated noisy cluttered difficult hard complicated',
  [-2]: 'bad poor annoying annoyed disappointing disappointed frustrating frustrated unhappy sad wrong broken fail failed failure problem problems error errors crash crashed crashes unreliable rude unhelpful lost missing refund complaint complain ugly dirty weak worse wasted waste overpriced mediocre sloppy lag laggy buggy slowest cancel cancelled unresponsive',
  [-3]: 'awful terrible horrible hate hated useless worthless angry furious scam fraud dreadful nightmare disgusting unacceptable pathetic ridiculous outrage outraged ruined dangerous',
  [-4]: 'worst abysmal atrocious appalling catastrophic disastrous',
};

export const LEXICON: ReadonlyMap<string, number> = new Map(Object.entries(ENTRIES).flatMap(([score, words]) => words.split(' ').map((w): [string, number] => [w, Number(score)])));

/** Words that flip the polarity of the next few words. */
export const NEGATIONS = new Set(['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'without', 'hardly', 'barely', "isn't", "wasn't", "aren't", "weren't", "don't", "doesn't", "didn't", "can't", 'cannot', "couldn't", "won't", "wouldn't", "shouldn't", "hasn't", "haven't", "hadn't", 'isnt', 'wasnt', 'dont', 'doesnt', 'didnt', 'cant', 'wont']);

/** Words that scale the next sentiment word. */
export const INTENSIFIERS: ReadonlyMap<string, number> = new Map([
  ['very', 1.5], ['really', 1.4], ['extremely', 1.8], ['incredibly', 1.7], ['absolutely', 1.6], ['totally', 1.5], ['so', 1.3], ['super', 1.5], ['highly', 1.5], ['truly', 1.4], ['completely', 1.5], ['quite', 1.2],
  ['slightly', 0.5], ['somewhat', 0.6], ['barely', 0.4], ['kinda', 0.6], ['little', 0.6], ['bit', 0.7], ['fairly', 0.8], ['mostly', 0.8],
]);
