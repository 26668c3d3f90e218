import { defineAgent, z } from '@frameos/agent-sdk';

/**
 * Scores leads 0–100 with explainable rules: every point added or taken away is a factor with its
 * reason. Reads the Lead Finder's fields (position, seniority, department, source confidence,
 * LinkedIn, phone), the Email Verifier's `email_status`, and optionally the company from the Data
 * Enrichment agent (employees, industry, country) against an ideal customer profile.
 */

const leadIn = z.looseObject({
  email: z.string(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  position: z.string().nullish(),
  seniority: z.string().nullish(),
  department: z.string().nullish(),
  company: z.string().nullish(),
  linkedin_url: z.string().nullish(),
  phone: z.string().nullish(),
  source_confidence: z.number().nullish(),
  email_status: z.enum(['valid', 'invalid', 'risky', 'unknown']).optional(),
});

const companyIn = z.looseObject({
  name: z.string().nullish(),
  employees: z.number().nullish(),
  industry: z.string().nullish(),
  country: z.string().nullish(),
  country_code: z.string().nullish(),
});

const profileSchema = z.object({
  target_titles: z.array(z.string().min(2)).default(['founder', 'ceo', 'cto', 'chief', 'vp', 'head', 'director']).describe('Words in the job title that make a buyer'),
  target_departments: z.array(z.string()).default(['executive', 'sales', 'marketing', 'management', 'it']),
  target_seniorities: z.array(z.string()).default(['executive', 'senior']),
  min_employees: z.number().int().min(0).optional(),
  max_employees: z.number().int().min(0).optional(),
  target_industries: z.array(z.string()).default([]),
  target_countries: z.array(z.string()).default([]).describe('Country names or ISO codes'),
});

const factorSchema = z.object({ factor: z.string(), points: z.number().int(), reason: z.string() });
type Factor = z.infer<typeof factorSchema>;

const has = (list: string[], value: string | null | undefined) => !!value && list.some((x) => x.toLowerCase() === value.toLowerCase());
const ROLE = /^(info|sales|support|contact|hello|admin|office|team|marketing|billing|hr|jobs|careers|press|noreply|no-reply)@/i;

export default defineAgent({
  manifest: {
    id: 'agt_lead_scorer',
    name: 'Lead Scorer',
    version: '1.0.0',
    description: 'Scores and ranks leads 0–100 with explainable rules — title, seniority, department, email status, data quality and company fit against your ideal customer profile — and grades them A–D. Reads the Lead Finder\'s or Email Verifier\'s `leads` and the Data Enrichment agent\'s `company`.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 5, currency: 'USD' },
    capabilities: [],
    runtime: { timeout_ms: 10_000, memory_mb: 64 },
    metadata: { category: 'sales', tags: ['leads', 'lead-scoring', 'icp', 'b2b', 'offline'] },
  },
  inputs: z.object({
    leads: z.array(leadIn).min(1).max(1000).describe('Leads (the Lead Finder\'s or the Email Verifier\'s `leads`)'),
    company: companyIn.optional().describe('The leads\' company (the Data Enrichment agent\'s `company`), for the company-fit factors'),
    profile: profileSchema.prefault({}).describe('The ideal customer profile'),
  }),
  outputs: z.object({
    leads: z.array(z.looseObject({ email: z.string(), score: z.number().int(), grade: z.enum(['A', 'B', 'C', 'D']), factors: z.array(factorSchema) })).describe('The leads, best first, each with its score, grade and the factors that made it'),
    summary: z.object({ count: z.number().int(), average_score: z.number(), grades: z.object({ A: z.number().int(), B: z.number().int(), C: z.number().int(), D: z.number().int() }) }),
  }),
  examples: [{ name: 'Two leads', inputs: { leads: [{ email: 'ada@example.com', position: 'VP Engineering', seniority: 'executive', department: 'it', email_status: 'valid' }, { email: 'info@example.com', email_status: 'risky' }] } }],
  handler: async (inputs) => {
    const p = inputs.profile;
    const company = inputs.company;
    const companyFactors: Factor[] = [];
    if (company) {
      const employees = company.employees;
      if (typeof employees === 'number' && (p.min_employees !== undefined || p.max_employees !== undefined)) {
        const fits = (p.min_employees === undefined || employees >= p.min_employees) && (p.max_employees === undefined || employees <= p.max_employees);
        companyFactors.push(fits ? { factor: 'company_size', points: 10, reason: `${employees} employees is in the target range` } : { factor: 'company_size', points: -10, reason: `${employees} employees is outside the target range` });
      }
      if (p.target_industries.length && company.industry) {
        const fits = p.target_industries.some((i) => company.industry!.toLowerCase().includes(i.toLowerCase()));
        companyFactors.push({ factor: 'industry', points: fits ? 10 : -5, reason: `industry ${company.industry} ${fits ? 'is' : 'is not'} a target` });
      }
      if (p.target_countries.length && (company.country || company.country_code)) {
        const fits = has(p.target_countries, company.country) || has(p.target_countries, company.country_code);
        companyFactors.push({ factor: 'country', points: fits ? 5 : -5, reason: `${company.country ?? company.country_code} ${fits ? 'is' : 'is not'} a target country` });
      }
    }

    const scored = inputs.leads.map((lead, index) => {
      const factors: Factor[] = [{ factor: 'base', points: 30, reason: 'every lead starts at 30' }];
      const title = (lead.position ?? '').toLowerCase();
      const titleHit = p.target_titles.find((t) => new RegExp(`(^|[^a-z])${t.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z]|$)`).test(title));
      if (titleHit) factors.push({ factor: 'title', points: 20, reason: `title "${lead.position}" matches "${titleHit}"` });
      else if (title) factors.push({ factor: 'title', points: 5, reason: 'has a job title' });
      if (has(p.target_seniorities, lead.seniority)) factors.push({ factor: 'seniority', points: lead.seniority === 'executive' ? 15 : 10, reason: `${lead.seniority} seniority` });
      else if (lead.seniority === 'junior') factors.push({ factor: 'seniority', points: -5, reason: 'junior seniority' });
      if (has(p.target_departments, lead.department)) factors.push({ factor: 'department', points: 10, reason: `${lead.department} is a target department` });
      switch (lead.email_status) {
        case 'valid':
          factors.push({ factor: 'email_status', points: 15, reason: 'email verified' });
          break;
        case 'risky':
          factors.push({ factor: 'email_status', points: -10, reason: 'email is risky (role, disposable or no MX)' });
          break;
        case 'invalid':
          factors.push({ factor: 'email_status', points: -50, reason: 'email is invalid' });
          break;
        default:
          break;
      }
      if (ROLE.test(lead.email)) factors.push({ factor: 'role_address', points: -15, reason: 'a shared role address, not a person' });
      if (typeof lead.source_confidence === 'number') {
        if (lead.source_confidence >= 90) factors.push({ factor: 'source_confidence', points: 5, reason: `provider confidence ${lead.source_confidence}` });
        else if (lead.source_confidence < 50) factors.push({ factor: 'source_confidence', points: -5, reason: `low provider confidence ${lead.source_confidence}` });
      }
      if (lead.linkedin_url) factors.push({ factor: 'linkedin', points: 3, reason: 'LinkedIn profile known' });
      if (lead.phone) factors.push({ factor: 'phone', points: 2, reason: 'phone number known' });
      if (!lead.first_name && !lead.last_name) factors.push({ factor: 'name', points: -5, reason: 'no name' });
      factors.push(...companyFactors);
      const raw = factors.reduce((s, f) => s + f.points, 0);
      const score = Math.max(0, Math.min(100, raw));
      const grade = score >= 75 ? ('A' as const) : score >= 55 ? ('B' as const) : score >= 35 ? ('C' as const) : ('D' as const);
      return { index, lead: { ...lead, score, grade, factors } };
    });
    scored.sort((a, b) => b.lead.score - a.lead.score || a.index - b.index);
    const leads = scored.map((s) => s.lead);
    const grades = { A: 0, B: 0, C: 0, D: 0 };
    for (const l of leads) grades[l.grade]++;
    const average = Math.round((leads.reduce((s, l) => s + l.score, 0) / leads.length) * 10) / 10;
    return { leads, summary: { count: leads.length, average_score: average, grades } };
  },
});
