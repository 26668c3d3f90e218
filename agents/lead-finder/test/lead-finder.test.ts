import { describe, expect, it } from 'vitest';
import { LOCAL_HOST, useAgent, useLocalServer } from '../../test/support.ts';
import { HUNTER_KEY, hunterDomainSearch } from '../../test/fixtures/providers.ts';

describe('agt_lead_finder', () => {
  const agent = useAgent('lead-finder');
  const hunter = useLocalServer(hunterDomainSearch);
  const configured = () => ({ host: LOCAL_HOST, config: { provider_url: `${hunter.url}/v2/domain-search`, page_size: 2 }, secrets: { api_key: HUNTER_KEY } });

  it('has a pay-per-use manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest).toMatchObject({ pricing: { model: 'pay_per_use', amount: 2, currency: 'USD' }, capabilities: ['http_request'], metadata: { category: 'sales' } });
  });

  it('searches the domain page by page, maps the people to leads, and charges one unit per lead', async () => {
    const result = await agent.run({ domain: 'https://www.Acme.test/about', limit: 3 }, configured());
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toMatchObject({ domain: 'acme.test', organization: 'Acme Corp', total_available: 4 });
    const leads = result.outputs!.leads as Record<string, unknown>[];
    expect(leads.map((l) => l.email)).toEqual(['ada@acme.test', 'grace@acme.test', 'alan@acme.test']);
    expect(leads[0]).toEqual({ email: 'ada@acme.test', first_name: 'Ada', last_name: 'Lovelace', position: 'Chief Technology Officer', seniority: 'executive', department: 'executive', company: 'Acme Corp', domain: 'acme.test', linkedin_url: 'https://www.linkedin.com/in/ada', phone: '+1 415 555 0100', source_confidence: 97 });
    expect(leads[1]!.linkedin_url).toBe('https://www.linkedin.com/in/grace-hopper');
    expect(result.record.charges).toEqual([{ units: 3, event: 'lead_found' }]);
    // Two pages of two, the second asking only for what was missing; the key in a header, never the URL.
    const asked = hunter.requests.map((r) => new URL(r.url, hunter.url));
    expect(asked.map((u) => [u.searchParams.get('offset'), u.searchParams.get('limit'), u.searchParams.get('type')])).toEqual([['0', '2', 'personal'], ['2', '1', 'personal']]);
    expect(hunter.requests.every((r) => r.headers['x-api-key'] === HUNTER_KEY && !r.url.includes(HUNTER_KEY))).toBe(true);
  });

  it('filters by seniority; no leads found charges nothing', async () => {
    const [executives, none] = await Promise.all([
      agent.run({ domain: 'acme.test', seniority: ['executive'] }, configured()),
      agent.run({ domain: 'empty.test' }, configured()),
    ]);
    expect((executives.outputs!.leads as { email: string }[]).map((l) => l.email)).toEqual(['ada@acme.test', 'grace@acme.test']);
    expect(none).toMatchObject({ status: 'succeeded', outputs: { leads: [], organization: '', total_available: 0 } });
    expect(none.record.charges).toEqual([]);
  });

  it('configuration errors, provider refusals and bad inputs are clear', async () => {
    const [noUrl, noKey, wrongKey, limited, badDomain, badSeniority] = await Promise.all([
      agent.run({ domain: 'acme.test' }, { host: LOCAL_HOST, secrets: { api_key: HUNTER_KEY } }),
      agent.run({ domain: 'acme.test' }, { host: LOCAL_HOST, config: { provider_url: `${hunter.url}/v2/domain-search` } }),
      agent.run({ domain: 'acme.test' }, { ...configured(), secrets: { api_key: 'nope' } }),
      agent.run({ domain: 'busy.test' }, configured()),
      agent.run({ domain: 'not a domain' }, configured()),
      agent.run({ domain: 'acme.test', seniority: ['intern'] }, configured()),
    ]);
    expect(noUrl).toMatchObject({ status: 'failed', error: { code: 'agent_error', message: expect.stringMatching(/^configuration: config\.provider_url is not set/) } });
    expect(noKey).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^configuration: the secret api_key is not set/) } });
    expect(wrongKey).toMatchObject({ status: 'failed', error: { message: 'The provider refused the api_key (401): No user found for the API key supplied' } });
    expect(limited).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/rate limit was reached \(429\)/) } });
    expect(badDomain).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/is not a domain name/) } });
    expect(badSeniority).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.seniority/) } });
    expect([noUrl, noKey, wrongKey].every((r) => r.record.charges.length === 0)).toBe(true);
  });
});
