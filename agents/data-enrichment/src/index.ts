import { defineAgent, z } from '@frameos/agent-sdk';
import { normaliseDomain } from '../../shared/domains.ts';

/**
 * Company data enrichment through a configured provider speaking the Clearbit Company API shape
 * (`GET <provider_url>?domain=…`, `Authorization: Bearer <api_key>`; Hunter's company enrichment
 * answers the same object inside `data`). Returns the requested fields, each null when the provider
 * did not have it, and a confidence computed from what came back: the share of requested fields
 * present, lowered when the provider's domain differs from the one asked for or its record is stale.
 */

const FIELDS = ['name', 'legal_name', 'description', 'industry', 'sector', 'employees', 'employees_range', 'annual_revenue', 'founded_year', 'country', 'country_code', 'state', 'city', 'website', 'phone', 'linkedin_url', 'twitter', 'logo', 'tech', 'tags'] as const;
type Field = (typeof FIELDS)[number];
type Value = string | number | string[] | null;

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strings = (v: unknown): string[] | null => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : null);

/** The provider's company object (Clearbit's camelCase) → the agent's snake_case fields. */
function mapCompany(c: Record<string, unknown>, domain: string): Record<Field, Value> {
  const category = obj(c.category);
  const metrics = obj(c.metrics);
  const geo = obj(c.geo);
  const site = obj(c.site);
  const linkedin = str(obj(c.linkedin).handle);
  const twitter = str(obj(c.twitter).handle);
  const phones = strings(site.phoneNumbers);
  const tech = strings(c.tech);
  const tags = strings(c.tags);
  return {
    name: str(c.name),
    legal_name: str(c.legalName),
    description: str(c.description),
    industry: str(category.industry) ?? str(c.industry),
    sector: str(category.sector),
    employees: num(metrics.employees) ?? num(c.employees),
    employees_range: str(metrics.employeesRange),
    annual_revenue: num(metrics.annualRevenue) ?? str(metrics.estimatedAnnualRevenue),
    founded_year: num(c.foundedYear),
    country: str(geo.country),
    country_code: str(geo.countryCode),
    state: str(geo.state),
    city: str(geo.city),
    website: str(site.url) ?? (str(c.domain) ? `https://${str(c.domain)}` : `https://${domain}`),
    phone: str(c.phone) ?? phones?.[0] ?? null,
    linkedin_url: linkedin ? (linkedin.startsWith('http') ? linkedin : `https://www.linkedin.com/${linkedin.replace(/^\//, '')}`) : null,
    twitter: twitter ? `@${twitter.replace(/^@/, '')}` : null,
    logo: str(c.logo),
    tech: tech && tech.length ? tech : null,
    tags: tags && tags.length ? tags : null,
  };
}

const valueSchema = z.union([z.string(), z.number(), z.array(z.string()), z.null()]);

export default defineAgent({
  manifest: {
    id: 'agt_data_enrichment',
    name: 'Company Data Enrichment',
    version: '1.0.0',
    description: 'Enriches a company from its domain — name, industry, size, revenue, location, social profiles, tech — through your enrichment provider (Clearbit/Hunter-compatible company API), with a confidence score computed from what the provider returned. Its `company` feeds the Lead Scorer.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 20, currency: 'USD' },
    capabilities: ['http_request'],
    runtime: { timeout_ms: 30_000, memory_mb: 64 },
    metadata: { category: 'sales', tags: ['enrichment', 'firmographics', 'company-data', 'clearbit', 'b2b'] },
  },
  inputs: z.object({
    domain: z.string().min(4).max(253).describe('The company\'s domain (e.g. the Lead Finder\'s `domain`); a URL is accepted'),
    fields: z.array(z.enum(FIELDS)).min(1).max(FIELDS.length).default(['name', 'description', 'industry', 'employees', 'founded_year', 'country', 'city', 'website', 'linkedin_url']).describe('The fields to return'),
  }),
  outputs: z.object({
    domain: z.string(),
    found: z.boolean().describe('The provider knows the company'),
    company: z.record(z.string(), valueSchema).describe('Each requested field, null when the provider did not have it (the Lead Scorer\'s `company`)'),
    confidence: z.number().describe('0–1: requested fields present × domain match × freshness'),
    missing_fields: z.array(z.string()),
    confidence_factors: z.array(z.object({ factor: z.string(), value: z.number(), reason: z.string() })).describe('How the confidence was computed'),
  }),
  examples: [{ name: 'Firmographics', inputs: { domain: 'stripe.com', fields: ['name', 'industry', 'employees', 'country'] } }],
  handler: async (inputs, ctx) => {
    const providerUrl = ctx.config.provider_url;
    if (typeof providerUrl !== 'string' || !/^https?:\/\//.test(providerUrl)) throw new Error('configuration: config.provider_url is not set; set it to your enrichment provider\'s company endpoint (Clearbit: https://company.clearbit.com/v2/companies/find, Hunter: https://api.hunter.io/v2/companies/find) and add its host to allowed_hosts.');
    const apiKey = ctx.secrets.api_key;
    if (!apiKey) throw new Error('configuration: the secret api_key is not set; add your enrichment provider\'s API key to the deployment\'s secrets.');
    const domain = normaliseDomain(inputs.domain);
    const fields = [...new Set(inputs.fields)];
    const url = new URL(providerUrl);
    url.searchParams.set('domain', domain);
    const res = await ctx.fetch(url.href, { headers: { accept: 'application/json', authorization: `Bearer ${apiKey}` } });
    const raw = await res.text();
    const empty = Object.fromEntries(fields.map((f) => [f, null])) as Record<string, Value>;
    if (res.status === 404) return { domain, found: false, company: empty, confidence: 0, missing_fields: fields, confidence_factors: [{ factor: 'found', value: 0, reason: 'the provider does not know this domain' }] };
    if (res.status === 202) throw new Error('The provider is still looking this company up (202 Accepted); run again in a few minutes.');
    if (!res.ok) {
      let detail = raw.slice(0, 200);
      try {
        const body = obj(JSON.parse(raw));
        detail = str(obj(body.error).message) ?? str(obj((body.errors as unknown[] | undefined)?.[0]).details) ?? detail;
      } catch {
        // not JSON
      }
      if (res.status === 401 || res.status === 403) throw new Error(`The provider refused the api_key (${res.status}): ${detail}`);
      if (res.status === 429) throw new Error(`The provider's rate limit was reached (429); try again later.`);
      throw new Error(`The provider answered ${res.status}: ${detail}`);
    }
    let body: Record<string, unknown>;
    try {
      body = obj(JSON.parse(raw));
    } catch {
      throw new Error('The provider\'s answer is not JSON.');
    }
    const record = body.data !== undefined ? obj(body.data) : body;
    if (Object.keys(record).length === 0) throw new Error('The provider\'s answer holds no company object.');
    const mapped = mapCompany(record, domain);
    const company: Record<string, Value> = {};
    for (const f of fields) company[f] = mapped[f];
    const missing = fields.filter((f) => company[f] === null);
    const coverage = (fields.length - missing.length) / fields.length;
    const factors = [{ factor: 'coverage', value: Math.round(coverage * 100) / 100, reason: `${fields.length - missing.length} of ${fields.length} requested fields returned` }];
    const returnedDomain = str(record.domain)?.toLowerCase().replace(/^www\./, '');
    const domainMatch = returnedDomain === undefined || returnedDomain === null ? 0.8 : returnedDomain === domain ? 1 : 0.4;
    factors.push({ factor: 'domain_match', value: domainMatch, reason: returnedDomain == null ? 'the provider did not say which domain it matched' : returnedDomain === domain ? 'the provider matched the domain asked for' : `the provider matched another domain (${returnedDomain})` });
    const indexedAt = str(record.indexedAt);
    const ageDays = indexedAt && !Number.isNaN(Date.parse(indexedAt)) ? (Date.now() - Date.parse(indexedAt)) / 86_400_000 : null;
    const freshness = ageDays === null ? 1 : ageDays > 730 ? 0.7 : ageDays > 365 ? 0.85 : 1;
    factors.push({ factor: 'freshness', value: freshness, reason: ageDays === null ? 'no record date' : `the record is ${Math.round(ageDays)} days old` });
    const confidence = Math.round(coverage * domainMatch * freshness * 100) / 100;
    return { domain, found: true, company, confidence, missing_fields: missing, confidence_factors: factors };
  },
});
