/**
 * Workflows across the catalogue: one agent's outputs passed unchanged as the next one's inputs
 * (matched by field name), every agent in the real sandbox. Also the contract a workflow planner
 * relies on: each chained field has the same name and manifest type on both sides.
 */
import { describe, expect, it } from 'vitest';
import { LOCAL_HOST, useAgents, useLocalServer } from './support.ts';
import { ARTICLE_HTML } from './fixtures/site.ts';
import { CLEARBIT_KEY, HUNTER_KEY, clearbitCompany, dnsOverHttps, hunterDomainSearch } from './fixtures/providers.ts';

const CHAINS: [string, string, string][] = [
  ['data-scraper', 'text', 'summarizer'],
  ['data-scraper', 'text', 'sentiment'],
  ['data-scraper', 'text', 'keyword-extractor'],
  ['data-scraper', 'text', 'seo-content'],
  ['summarizer', 'text', 'twitter-thread'],
  ['summarizer', 'text', 'seo-content'],
  ['keyword-extractor', 'keywords', 'seo-content'],
  ['lead-finder', 'leads', 'email-verifier'],
  ['lead-finder', 'leads', 'lead-scorer'],
  ['lead-finder', 'domain', 'data-enrichment'],
  ['email-verifier', 'leads', 'lead-scorer'],
  ['data-enrichment', 'company', 'lead-scorer'],
  ['csv-cleaner', 'leads', 'email-verifier'],
  ['csv-cleaner', 'emails', 'email-verifier'],
  ['csv-cleaner', 'leads', 'lead-scorer'],
];

/** Picks the named outputs, unchanged. */
const pick = (outputs: Record<string, unknown> | undefined, ...names: string[]) => Object.fromEntries(names.map((n) => [n, outputs?.[n]]));

describe('chained agents', () => {
  const a = useAgents('data-scraper', 'summarizer', 'sentiment', 'keyword-extractor', 'seo-content', 'twitter-thread', 'lead-finder', 'email-verifier', 'lead-scorer', 'data-enrichment', 'csv-cleaner');
  const site = useLocalServer(({ url }) => (url.pathname === '/article' ? { body: ARTICLE_HTML } : { status: 404, body: 'not found' }));
  const hunter = useLocalServer(hunterDomainSearch);
  const doh = useLocalServer(dnsOverHttps);
  const clearbit = useLocalServer(clearbitCompany);

  it('every chained field has the same name and manifest type on both sides', () => {
    for (const [from, field, to] of CHAINS) {
      const out = a[from as keyof typeof a].pkg().manifest.outputs.find((f) => f.name === field);
      const input = a[to as keyof typeof a].pkg().manifest.inputs.find((f) => f.name === field);
      expect(out, `${from}.outputs.${field}`).toBeDefined();
      expect(input, `${to}.inputs.${field}`).toBeDefined();
      expect(input!.type, `${from} → ${to} (${field})`).toBe(out!.type);
    }
  });

  it('scraper (local site) → summarizer → twitter thread; the same text → sentiment and keywords → SEO content', async () => {
    const page = await a['data-scraper'].ok({ url: `${site.url}/article` }, { host: LOCAL_HOST });
    const [summary, sentiment, keywords] = await Promise.all([
      a.summarizer.ok({ ...pick(page, 'text'), max_sentences: 3 }),
      a.sentiment.ok(pick(page, 'text')),
      a['keyword-extractor'].ok({ ...pick(page, 'text'), max_keywords: 5 }),
    ]);
    const picked = summary.sentences as { text: string }[];
    expect(picked).toHaveLength(3);
    for (const sentence of picked) expect(page.text).toContain(sentence.text);
    expect(['positive', 'negative', 'neutral', 'mixed']).toContain(sentiment.label);
    expect(keywords.keywords).toContain('solar power');
    const [thread, article] = await Promise.all([
      a['twitter-thread'].ok({ ...pick(summary, 'text'), hashtags: ['solar'] }),
      a['seo-content'].ok({ topic: 'Solar storage', ...pick(keywords, 'keywords'), ...pick(page, 'text') }),
    ]);
    const tweets = thread.tweets as { text: string; length: number }[];
    expect(tweets.length).toBeGreaterThanOrEqual(1);
    expect(tweets.every((t) => t.length <= 280)).toBe(true);
    expect(tweets.map((t) => t.text).join(' ')).toContain(picked[0]!.text);
    expect(tweets.at(-1)!.text).toContain('#solar');
    expect(article.content).toContain(`## What is ${(keywords.keywords as string[])[0]}?`);
  });

  it('lead finder → email verifier → lead scorer, with the finder\'s domain → data enrichment → the scorer\'s company', async () => {
    const found = await a['lead-finder'].ok({ domain: 'acme.test', limit: 5, type: 'any' }, { host: LOCAL_HOST, config: { provider_url: `${hunter.url}/v2/domain-search` }, secrets: { api_key: HUNTER_KEY } });
    const [verified, enriched] = await Promise.all([
      a['email-verifier'].ok(pick(found, 'leads'), { host: LOCAL_HOST, config: { doh_url: `${doh.url}/dns-query` } }),
      a['data-enrichment'].ok({ ...pick(found, 'domain'), fields: ['name', 'employees', 'industry', 'country_code'] }, { host: LOCAL_HOST, config: { provider_url: `${clearbit.url}/v2/companies/find` }, secrets: { api_key: CLEARBIT_KEY } }),
    ]);
    expect((verified.leads as { email_status: string }[]).every((l) => l.email_status === 'valid' || l.email_status === 'risky')).toBe(true);
    const scored = await a['lead-scorer'].ok({ ...pick(verified, 'leads'), ...pick(enriched, 'company'), profile: { min_employees: 100, target_industries: ['software'], target_countries: ['US'] } });
    const leads = scored.leads as { email: string; score: number; grade: string; email_status: string; position: string | null; factors: { factor: string }[] }[];
    expect(leads).toHaveLength(5);
    expect(leads[0]).toMatchObject({ email: 'ada@acme.test', grade: 'A', email_status: 'valid', position: 'Chief Technology Officer' });
    expect(leads.at(-1)!.email).toBe('info@acme.test');
    expect(leads[0]!.factors.map((f) => f.factor)).toEqual(expect.arrayContaining(['email_status', 'company_size', 'industry', 'country']));
  });

  it('CSV cleaner → email verifier → lead scorer', async () => {
    const clean = await a['csv-cleaner'].ok({ csv: 'Name,Email,Title\nAda Lovelace,ADA@acme.test,CTO\nNobody,info@acme.test,\n' });
    const verified = await a['email-verifier'].ok(pick(clean, 'leads'));
    const scored = await a['lead-scorer'].ok(pick(verified, 'leads'));
    expect((scored.leads as { email: string; first_name: string }[]).map((l) => [l.email, l.first_name])).toEqual([['ada@acme.test', 'Ada'], ['info@acme.test', 'Nobody']]);
  });
});
