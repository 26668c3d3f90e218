import { defineAgent, z } from '@frameos/agent-sdk';
import { normaliseDomain } from '../../shared/domains.ts';

/**
 * Finds the people of a company by its domain through a people-search provider speaking Hunter's
 * domain-search API (`GET <provider_url>?domain=…&limit=…&offset=…`, `X-API-KEY`), page by page,
 * and returns them as `leads` in the shape the Email Verifier and Lead Scorer take. Pay per use:
 * one unit per lead returned (none found, nothing charged).
 */

const SENIORITIES = ['junior', 'senior', 'executive'] as const;
const DEPARTMENTS = ['executive', 'it', 'finance', 'management', 'sales', 'legal', 'support', 'hr', 'marketing', 'communication', 'education', 'design', 'health', 'operations'] as const;

const nullableString = z.string().nullable();
const leadSchema = z.object({
  email: z.string().describe('work email address'),
  first_name: nullableString,
  last_name: nullableString,
  position: nullableString.describe('job title'),
  seniority: nullableString.describe('junior, senior or executive'),
  department: nullableString,
  company: nullableString,
  domain: nullableString,
  linkedin_url: nullableString,
  phone: nullableString,
  source_confidence: z.number().nullable().describe('0–100: the provider\'s confidence in the address'),
});

const providerEmail = z.looseObject({
  value: z.string(),
  type: z.string().nullish(),
  confidence: z.number().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  position: z.string().nullish(),
  seniority: z.string().nullish(),
  department: z.string().nullish(),
  linkedin: z.string().nullish(),
  phone_number: z.string().nullish(),
});
const providerAnswer = z.looseObject({
  data: z.looseObject({ domain: z.string().nullish(), organization: z.string().nullish(), emails: z.array(providerEmail).default([]) }),
  meta: z.looseObject({ results: z.number().nullish() }).optional(),
});

function linkedinUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  if (/^https?:\/\//.test(value)) return value;
  return `https://www.linkedin.com/in/${value.replace(/^\/?(in\/)?/, '')}`;
}

export default defineAgent({
  manifest: {
    id: 'agt_lead_finder',
    name: 'Lead Finder',
    version: '1.0.0',
    description: 'Finds the people and work emails of a company by its domain through your people-search provider (Hunter-compatible domain search), filtered by seniority and department. Returns `leads` for the Email Verifier and Lead Scorer. Charged per lead found.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'pay_per_use', amount: 2, currency: 'USD' },
    capabilities: ['http_request'],
    runtime: { timeout_ms: 60_000, memory_mb: 64 },
    metadata: { category: 'sales', tags: ['leads', 'prospecting', 'b2b', 'email-finder', 'hunter'] },
  },
  inputs: z.object({
    domain: z.string().min(4).max(253).describe('The company\'s domain, e.g. stripe.com (a URL is accepted)'),
    limit: z.number().int().min(1).max(100).default(10).describe('At most this many leads (each one is charged)'),
    seniority: z.array(z.enum(SENIORITIES)).max(3).default([]).describe('Only these seniority levels'),
    department: z.array(z.enum(DEPARTMENTS)).max(14).default([]).describe('Only these departments'),
    type: z.enum(['personal', 'generic', 'any']).default('personal').describe('personal: people; generic: role addresses such as sales@'),
  }),
  outputs: z.object({
    domain: z.string().describe('The domain searched (the Data Enrichment agent\'s `domain`)'),
    organization: z.string().describe('The company\'s name as the provider knows it; empty when unknown'),
    leads: z.array(leadSchema).describe('The people found (the Email Verifier\'s and Lead Scorer\'s `leads`)'),
    total_available: z.number().int().describe('How many addresses the provider has for the domain'),
  }),
  examples: [{ name: 'Executives of a company', inputs: { domain: 'example.com', limit: 5, seniority: ['executive'] } }],
  handler: async (inputs, ctx) => {
    const providerUrl = ctx.config.provider_url;
    if (typeof providerUrl !== 'string' || !/^https?:\/\//.test(providerUrl)) throw new Error('configuration: config.provider_url is not set; set it to your people-search provider\'s domain-search endpoint (Hunter: https://api.hunter.io/v2/domain-search) and add its host to allowed_hosts.');
    const apiKey = ctx.secrets.api_key;
    if (!apiKey) throw new Error('configuration: the secret api_key is not set; add your people-search provider\'s API key to the deployment\'s secrets.');
    const domain = normaliseDomain(inputs.domain);
    const pageSize = typeof ctx.config.page_size === 'number' && ctx.config.page_size >= 1 ? Math.min(100, Math.floor(ctx.config.page_size)) : 100;
    const leads: z.infer<typeof leadSchema>[] = [];
    const seen = new Set<string>();
    let organization = '';
    let total = 0;
    for (let offset = 0; leads.length < inputs.limit && offset < 1_000; offset += pageSize) {
      const url = new URL(providerUrl);
      url.searchParams.set('domain', domain);
      url.searchParams.set('limit', String(Math.min(pageSize, inputs.limit - leads.length)));
      url.searchParams.set('offset', String(offset));
      if (inputs.type !== 'any') url.searchParams.set('type', inputs.type);
      if (inputs.seniority.length) url.searchParams.set('seniority', inputs.seniority.join(','));
      if (inputs.department.length) url.searchParams.set('department', inputs.department.join(','));
      const res = await ctx.fetch(url.href, { headers: { accept: 'application/json', 'x-api-key': apiKey } });
      const raw = await res.text();
      if (!res.ok) {
        let detail = raw.slice(0, 200);
        try {
          const body = JSON.parse(raw) as { errors?: { details?: unknown }[] };
          if (typeof body.errors?.[0]?.details === 'string') detail = body.errors[0].details;
        } catch {
          // not JSON
        }
        if (res.status === 401 || res.status === 403) throw new Error(`The provider refused the api_key (${res.status}): ${detail}`);
        if (res.status === 429) throw new Error(`The provider's rate limit was reached (429); try again later. ${detail}`);
        throw new Error(`The provider answered ${res.status}: ${detail}`);
      }
      let answer: z.infer<typeof providerAnswer>;
      try {
        answer = providerAnswer.parse(JSON.parse(raw));
      } catch {
        throw new Error('The provider\'s answer is not a domain-search response ({data: {emails: […]}}).');
      }
      organization ||= answer.data.organization ?? '';
      total = Math.max(total, answer.meta?.results ?? 0, offset + answer.data.emails.length);
      for (const e of answer.data.emails) {
        const email = e.value.trim().toLowerCase();
        if (!email.includes('@') || seen.has(email) || leads.length >= inputs.limit) continue;
        // The provider may ignore a filter; apply them here too.
        if (inputs.type !== 'any' && e.type && e.type !== inputs.type) continue;
        if (inputs.seniority.length && !(inputs.seniority as readonly string[]).includes(e.seniority ?? '')) continue;
        if (inputs.department.length && !(inputs.department as readonly string[]).includes(e.department ?? '')) continue;
        seen.add(email);
        leads.push({
          email,
          first_name: e.first_name ?? null,
          last_name: e.last_name ?? null,
          position: e.position ?? null,
          seniority: e.seniority ?? null,
          department: e.department ?? null,
          company: answer.data.organization ?? null,
          domain,
          linkedin_url: linkedinUrl(e.linkedin),
          phone: e.phone_number ?? null,
          source_confidence: typeof e.confidence === 'number' ? Math.max(0, Math.min(100, Math.round(e.confidence))) : null,
        });
      }
      if (answer.data.emails.length < pageSize) break;
    }
    if (leads.length > 0) await ctx.charge(leads.length, { event: 'lead_found' });
    ctx.log(`found ${leads.length} leads at ${domain}`);
    return { domain, organization, leads, total_available: total };
  },
});
