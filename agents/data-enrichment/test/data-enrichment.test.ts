import { describe, expect, it } from 'vitest';
import { LOCAL_HOST, useAgent, useLocalServer } from '../../test/support.ts';
import { CLEARBIT_KEY, clearbitCompany } from '../../test/fixtures/providers.ts';

describe('agt_data_enrichment', () => {
  const agent = useAgent('data-enrichment');
  const provider = useLocalServer(clearbitCompany);
  const configured = () => ({ host: LOCAL_HOST, config: { provider_url: `${provider.url}/v2/companies/find` }, secrets: { api_key: CLEARBIT_KEY } });

  it('has a manifest the registry accepts: 20 cents per execution, http_request', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest).toMatchObject({ pricing: { model: 'per_execution', amount: 20, currency: 'USD' }, capabilities: ['http_request'] });
  });

  it('returns the requested fields from a Clearbit-shaped answer with a confidence from what came back', async () => {
    const [full, sparse, wrapped] = await Promise.all([
      agent.run({ domain: 'https://www.acme.test/', fields: ['name', 'industry', 'employees', 'country', 'country_code', 'linkedin_url', 'twitter', 'phone', 'tech', 'annual_revenue', 'website'] }, configured()),
      agent.run({ domain: 'sparse.test', fields: ['name', 'industry', 'employees', 'country'] }, configured()),
      agent.run({ domain: 'wrapped.test', fields: ['name', 'employees', 'country_code'] }, configured()),
    ]);
    expect(full).toMatchObject({
      status: 'succeeded',
      outputs: {
        domain: 'acme.test',
        found: true,
        company: { name: 'Acme Corp', industry: 'Internet Software & Services', employees: 240, country: 'United States', country_code: 'US', linkedin_url: 'https://www.linkedin.com/company/acme', twitter: '@acme', phone: '+1 415-555-0199', tech: ['stripe', 'google_analytics'], annual_revenue: '$10M-$50M', website: 'https://acme.test' },
        confidence: 1,
        missing_fields: [],
      },
    });
    // 1 of 4 fields, another domain matched (0.4), a record over two years old (0.7).
    expect(sparse.outputs).toMatchObject({ found: true, company: { name: 'Sparse Ltd', industry: null, employees: null, country: null }, missing_fields: ['industry', 'employees', 'country'], confidence: 0.07 });
    expect((sparse.outputs!.confidence_factors as { factor: string; value: number }[]).map((f) => [f.factor, f.value])).toEqual([['coverage', 0.25], ['domain_match', 0.4], ['freshness', 0.7]]);
    // Hunter-style answers wrap the same object in `data`.
    expect(wrapped.outputs).toMatchObject({ company: { name: 'Wrapped Inc', employees: 12, country_code: 'IN' }, confidence: 1 });
    expect(provider.requests.every((r) => r.headers.authorization === `Bearer ${CLEARBIT_KEY}` && !r.url.includes(CLEARBIT_KEY))).toBe(true);
  });

  it('an unknown domain is found: false with confidence 0; configuration, refusals and queued lookups are errors', async () => {
    const [unknown, noUrl, noKey, wrongKey, queued, badField] = await Promise.all([
      agent.run({ domain: 'unknown.test', fields: ['name'] }, configured()),
      agent.run({ domain: 'acme.test' }, { host: LOCAL_HOST, secrets: { api_key: CLEARBIT_KEY } }),
      agent.run({ domain: 'acme.test' }, { host: LOCAL_HOST, config: { provider_url: `${provider.url}/v2/companies/find` } }),
      agent.run({ domain: 'acme.test' }, { ...configured(), secrets: { api_key: 'wrong' } }),
      agent.run({ domain: 'queued.test' }, configured()),
      agent.run({ domain: 'acme.test', fields: ['shoe_size'] }, configured()),
    ]);
    expect(unknown).toMatchObject({ status: 'succeeded', outputs: { found: false, company: { name: null }, confidence: 0, missing_fields: ['name'] } });
    expect(noUrl).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^configuration: config\.provider_url is not set/) } });
    expect(noKey).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^configuration: the secret api_key is not set/) } });
    expect(wrongKey).toMatchObject({ status: 'failed', error: { message: 'The provider refused the api_key (401): Invalid API key' } });
    expect(queued).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/still looking this company up \(202/) } });
    expect(badField).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.fields\.0/) } });
  });
});
