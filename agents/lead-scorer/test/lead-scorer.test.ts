import { describe, expect, it } from 'vitest';
import { useAgent } from '../../test/support.ts';

interface Scored {
  email: string;
  score: number;
  grade: string;
  factors: { factor: string; points: number; reason: string }[];
}

const LEADS = [
  { email: 'alan@acme.test', first_name: 'Alan', last_name: 'Turing', position: 'Software Engineer', seniority: 'junior', department: 'it', source_confidence: 71, email_status: 'unknown' },
  { email: 'ada@acme.test', first_name: 'Ada', last_name: 'Lovelace', position: 'Chief Technology Officer', seniority: 'executive', department: 'executive', linkedin_url: 'https://www.linkedin.com/in/ada', phone: '+1 415 555 0100', source_confidence: 97, email_status: 'valid', crm_id: 'c-1' },
  { email: 'info@acme.test', first_name: null, last_name: null, email_status: 'risky' },
  { email: 'ghost@acme.test', first_name: 'Casper', position: 'Marketing Manager', seniority: 'senior', department: 'marketing', source_confidence: 35, email_status: 'invalid' },
];

describe('agt_lead_scorer', () => {
  const agent = useAgent('lead-scorer');

  it('has a manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
  });

  it('ranks the leads with explainable factors, keeps every input field, and grades them', async () => {
    const out = await agent.ok({ leads: LEADS });
    const leads = out.leads as Scored[];
    expect(leads.map((l) => [l.email, l.score, l.grade])).toEqual([
      ['ada@acme.test', 100, 'A'],
      ['alan@acme.test', 40, 'C'],
      ['info@acme.test', 0, 'D'],
      ['ghost@acme.test', 0, 'D'],
    ]);
    const ada = leads[0]!;
    expect(ada).toMatchObject({ crm_id: 'c-1', first_name: 'Ada', email_status: 'valid' });
    expect(ada.factors.map((f) => f.factor)).toEqual(['base', 'title', 'seniority', 'department', 'email_status', 'source_confidence', 'linkedin', 'phone']);
    expect(ada.factors.find((f) => f.factor === 'title')!.reason).toBe('title "Chief Technology Officer" matches "chief"');
    // Every score is the sum of its factors, clamped to 0–100.
    for (const l of leads) expect(l.score).toBe(Math.max(0, Math.min(100, l.factors.reduce((s, f) => s + f.points, 0))));
    expect(out.summary).toEqual({ count: 4, average_score: 35, grades: { A: 1, B: 0, C: 1, D: 2 } });
  });

  it('adds company fit from the Data Enrichment agent\'s company against the profile', async () => {
    const out = await agent.ok({
      leads: [LEADS[0]],
      company: { name: 'Acme Corp', employees: 240, industry: 'Internet Software & Services', country: 'United States', country_code: 'US', website: 'https://acme.test' },
      profile: { min_employees: 50, max_employees: 1000, target_industries: ['software'], target_countries: ['US'] },
    });
    const alan = (out.leads as Scored[])[0]!;
    expect(alan.factors.filter((f) => ['company_size', 'industry', 'country'].includes(f.factor)).map((f) => f.points)).toEqual([10, 10, 5]);
    expect(alan.score).toBe(65);
    expect(alan.grade).toBe('B');
    expect(await agent.run({ leads: [] })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.leads/) } });
    expect(await agent.run({ leads: [{ name: 'no email' }] })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.leads\.0\.email/) } });
  });
});
