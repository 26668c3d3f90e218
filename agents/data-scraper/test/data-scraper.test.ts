import { describe, expect, it } from 'vitest';
import { LOCAL_HOST, useAgent, useLocalServer } from '../../test/support.ts';
import { ARTICLE_HTML } from '../../test/fixtures/site.ts';

describe('agt_data_scraper', () => {
  const agent = useAgent('data-scraper');
  const site = useLocalServer(({ url }) => {
    if (url.pathname === '/article') return { body: ARTICLE_HTML };
    if (url.pathname === '/old') return { status: 301, headers: { location: '/article' }, body: '' };
    if (url.pathname === '/notes.txt') return { headers: { 'content-type': 'text/plain' }, body: 'Plain notes.\nSecond line.' };
    if (url.pathname === '/data.json') return { body: { a: 1 } };
    return { status: 404, body: 'not found' };
  });

  it('has a manifest the registry accepts, declaring http_request', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest.capabilities).toEqual(['http_request']);
  });

  it('extracts title, meta, text without nav/footer/scripts, headings, links, JSON-LD and fields (following a redirect)', async () => {
    const out = await agent.ok(
      { url: `${site.url}/old`, fields: { author: 'meta:author', price: '\\$\\s?([0-9][0-9,.]*)', h2: 'heading:2', pricing: 'link:^pricing$', missing: 'meta:nope', year: 'html:<footer>&copy; (\\d{4})' } },
      { host: LOCAL_HOST },
    );
    expect(out).toMatchObject({
      url: `${site.url}/old`,
      final_url: `${site.url}/article`,
      status: 200,
      title: 'Solar Storage in 2026 — Energy Weekly',
      description: 'Why batteries decide the future of solar power.',
      lang: 'en',
      meta: { 'og:title': 'Solar Storage in 2026', canonical: `${site.url}/articles/solar-storage` },
      structured_data: [{ '@type': 'Article', headline: 'Solar Storage in 2026' }],
      fields: { author: 'Ada Lovelace', price: '4,990', h2: 'The storage challenge', pricing: `${site.url}/pricing`, missing: null, year: '2026' },
      headings: [{ level: 1, text: 'Solar Storage in 2026' }, { level: 2, text: 'The storage challenge' }],
    });
    const text = out.text as string;
    expect(text.split('\n\n')[0]).toBe('Solar Storage in 2026');
    expect(text).toContain('Solar power is now the cheapest source of electricity in many countries.');
    expect(text).toContain('$4,990 today & prices keep falling.');
    expect(text).not.toMatch(/Home|Privacy|tracking|not text|color: red|a comment/);
    const links = out.links as { href: string; text: string; internal: boolean }[];
    expect(links).toEqual(expect.arrayContaining([
      expect.objectContaining({ href: `${site.url}/pricing`, text: 'Pricing', internal: true }),
      expect.objectContaining({ href: 'https://other.example/x', internal: false }),
      expect.objectContaining({ href: `${site.url}/reports/2026.pdf`, text: 'full report' }),
    ]));
    expect(links.some((l) => l.href.startsWith('javascript'))).toBe(false);
    expect(out.word_count as number).toBeGreaterThan(50);
  });

  it('reads plain text; refuses error pages, JSON, bad patterns and hosts not allowed', async () => {
    const all = await Promise.all([
      agent.run({ url: `${site.url}/notes.txt` }, { host: LOCAL_HOST }),
      agent.run({ url: `${site.url}/gone` }, { host: LOCAL_HOST }),
      agent.run({ url: `${site.url}/data.json` }, { host: LOCAL_HOST }),
      agent.run({ url: `${site.url}/article`, fields: { bad: '([' } }, { host: LOCAL_HOST }),
      agent.run({ url: `${site.url}/article` }),
      agent.run({ url: 'ftp://example.com/x' }),
    ]);
    expect(all[0]).toMatchObject({ status: 'succeeded', outputs: { text: 'Plain notes.\nSecond line.', title: '' } });
    expect(all[1]).toMatchObject({ status: 'failed', error: { code: 'agent_error', message: expect.stringMatching(/answered 404/) } });
    expect(all[2]).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/Not an HTML or text page: application\/json/) } });
    expect(all[3]).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/fields: the pattern "\(\[" is not a valid regular expression/) } });
    expect(all[4]).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/allowed_hosts|allows no hosts/) } });
    expect(all[5]).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.url/) } });
  });
});
