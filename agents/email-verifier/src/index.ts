import { defineAgent, z } from '@frameos/agent-sdk';
import { DISPOSABLE, FREE_PROVIDERS, POPULAR, ROLE_LOCAL_PARTS } from './domains.ts';

/**
 * Verifies email addresses: syntax (the practical subset of RFC 5321/5322 mailboxes), disposable
 * domains, role addresses, free providers and likely typos offline; the domain's mail servers (MX,
 * else an A record as the implicit MX, RFC 5321 §5.1; a null MX, RFC 7505, refuses mail) through a
 * DNS-over-HTTPS resolver speaking the JSON format (Cloudflare, Google) when `config.doh_url` is
 * set. Takes `emails`, or `leads` (the Lead Finder's), which it returns annotated with
 * `email_status` for the Lead Scorer. Pay per use: one unit per address checked.
 */

type Status = 'valid' | 'invalid' | 'risky' | 'unknown';

const leadIn = z.looseObject({ email: z.string().describe('the address to verify') });

const resultSchema = z.object({
  email: z.string().describe('as given, trimmed'),
  normalized: z.string().describe('lower-cased domain (the local part is kept)'),
  status: z.enum(['valid', 'invalid', 'risky', 'unknown']).describe('valid: every check passed, mail servers included; unknown: nothing wrong found but deliverability not checked'),
  syntax_ok: z.boolean(),
  disposable: z.boolean(),
  role_account: z.boolean(),
  free_provider: z.boolean(),
  mx_found: z.boolean().nullable().describe('null when not checked'),
  mx_records: z.array(z.string()).describe('mail servers, by preference'),
  did_you_mean: z.string().nullable().describe('a likely intended address for a mistyped domain'),
  reasons: z.array(z.string()),
});
type Result = z.infer<typeof resultSchema>;

const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function syntaxProblem(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return 'not of the form local@domain';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (email.length > 254) return 'longer than 254 characters';
  if (local.length > 64) return 'local part longer than 64 characters';
  if (!LOCAL_ATOM.test(local)) return 'local part has characters not allowed or misplaced dots';
  if (!DOMAIN.test(domain)) return 'domain is not a valid host name';
  return null;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function suggestion(domain: string): string | null {
  if (POPULAR.includes(domain)) return null;
  let best: { d: string; dist: number } | null = null;
  for (const d of POPULAR) {
    const dist = editDistance(domain, d);
    if (dist > 0 && dist <= 2 && (!best || dist < best.dist)) best = { d, dist };
  }
  return best?.d ?? null;
}

const inList = (domain: string, list: ReadonlySet<string>) => {
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i++) if (list.has(labels.slice(i).join('.'))) return true;
  return false;
};

interface DohAnswer {
  Status?: number;
  Answer?: { type?: number; data?: string }[];
}

interface MailServers {
  outcome: 'mx' | 'implicit' | 'none' | 'null_mx' | 'nxdomain' | 'error';
  records: string[];
  detail?: string;
}

export default defineAgent({
  manifest: {
    id: 'agt_email_verifier',
    name: 'Email Verifier',
    version: '1.0.0',
    description: 'Checks email addresses: syntax, disposable domains, role addresses, free providers and typos offline, and the domain\'s mail servers through a DNS-over-HTTPS resolver when configured. Takes `emails` or the Lead Finder\'s `leads` and returns them with `email_status`. Charged per address.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'pay_per_use', amount: 1, currency: 'USD' },
    capabilities: ['http_request'],
    runtime: { timeout_ms: 60_000, memory_mb: 64 },
    metadata: { category: 'sales', tags: ['email', 'verification', 'deliverability', 'leads', 'mx'] },
  },
  inputs: z.object({
    emails: z.array(z.string().max(320)).max(1000).default([]).describe('Addresses to verify'),
    leads: z.array(leadIn).max(1000).optional().describe('Leads to verify (e.g. the Lead Finder\'s `leads`): returned with `email_status`'),
    check_mx: z.boolean().optional().describe('Look up the mail servers; default: when config.doh_url is set (true without it is a configuration error)'),
  }),
  outputs: z.object({
    results: z.array(resultSchema).describe('One per distinct address, in input order'),
    leads: z.array(z.looseObject({ email: z.string(), email_status: z.enum(['valid', 'invalid', 'risky', 'unknown']) })).describe('The input leads with `email_status` (the Lead Scorer\'s `leads`); empty without leads'),
    summary: z.object({ checked: z.number().int(), valid: z.number().int(), invalid: z.number().int(), risky: z.number().int(), unknown: z.number().int(), mx_checked: z.boolean() }),
  }),
  examples: [{ name: 'A few addresses', inputs: { emails: ['ada@example.com', 'info@example.com', 'someone@mailinator.com', 'bob@gmial.com', 'not-an-email'] } }],
  handler: async (inputs, ctx) => {
    const dohUrl = ctx.config.doh_url;
    if (dohUrl !== undefined && (typeof dohUrl !== 'string' || !/^https?:\/\//.test(dohUrl))) throw new Error('configuration: config.doh_url must be a DNS-over-HTTPS JSON endpoint such as https://cloudflare-dns.com/dns-query.');
    if (inputs.check_mx === true && !dohUrl) throw new Error('configuration: check_mx is true but config.doh_url is not set; set it to a DNS-over-HTTPS JSON endpoint (https://cloudflare-dns.com/dns-query or https://dns.google/resolve) and add its host to allowed_hosts.');
    const checkMx = inputs.check_mx ?? typeof dohUrl === 'string';
    const given = [...inputs.emails, ...(inputs.leads ?? []).map((l) => l.email)].map((e) => e.trim()).filter(Boolean);
    if (given.length === 0) throw new Error('Nothing to verify: give `emails` or `leads`.');
    const firstSeen = new Map<string, string>();
    for (const e of given) if (!firstSeen.has(e.toLowerCase())) firstSeen.set(e.toLowerCase(), e);
    const distinct = [...firstSeen.values()];

    const dnsCache = new Map<string, Promise<MailServers>>();
    const query = async (name: string, type: 'MX' | 'A'): Promise<DohAnswer> => {
      const url = new URL(dohUrl as string);
      url.searchParams.set('name', name);
      url.searchParams.set('type', type);
      const res = await ctx.fetch(url.href, { headers: { accept: 'application/dns-json' } });
      if (!res.ok) throw new Error(`DNS-over-HTTPS answered ${res.status}`);
      return (await res.json()) as DohAnswer;
    };
    const mailServers = (domain: string): Promise<MailServers> => {
      let pending = dnsCache.get(domain);
      if (!pending) {
        pending = (async (): Promise<MailServers> => {
          try {
            const mx = await query(domain, 'MX');
            if (mx.Status === 3) return { outcome: 'nxdomain', records: [] };
            if (mx.Status !== 0) return { outcome: 'error', records: [], detail: `DNS status ${mx.Status}` };
            const records = (mx.Answer ?? [])
              .filter((a) => a.type === 15 && typeof a.data === 'string')
              .map((a) => {
                const [pref, host] = a.data!.trim().split(/\s+/);
                return { pref: Number(pref), host: (host ?? '').replace(/\.$/, '').toLowerCase() };
              })
              .sort((a, b) => a.pref - b.pref || (a.host < b.host ? -1 : 1));
            if (records.length === 1 && records[0]!.host === '') return { outcome: 'null_mx', records: [] };
            if (records.length) return { outcome: 'mx', records: records.map((r) => r.host).filter(Boolean) };
            const a = await query(domain, 'A');
            return (a.Answer ?? []).some((x) => x.type === 1) ? { outcome: 'implicit', records: [domain] } : { outcome: 'none', records: [] };
          } catch (err) {
            return { outcome: 'error', records: [], detail: err instanceof Error ? err.message : String(err) };
          }
        })();
        dnsCache.set(domain, pending);
      }
      return pending;
    };

    const results: Result[] = [];
    for (const email of distinct) {
      const problem = syntaxProblem(email);
      const at = email.lastIndexOf('@');
      const local = at > 0 ? email.slice(0, at) : email;
      const domain = at > 0 ? email.slice(at + 1).toLowerCase() : '';
      const reasons: string[] = [];
      const result: Result = {
        email,
        normalized: at > 0 ? `${local}@${domain}` : email,
        status: 'unknown',
        syntax_ok: problem === null,
        disposable: false,
        role_account: false,
        free_provider: false,
        mx_found: null,
        mx_records: [],
        did_you_mean: null,
        reasons,
      };
      if (problem) {
        result.status = 'invalid';
        reasons.push(`syntax: ${problem}`);
        results.push(result);
        continue;
      }
      result.disposable = inList(domain, DISPOSABLE);
      result.role_account = ROLE_LOCAL_PARTS.has(local.toLowerCase().replace(/[._-]?\d+$/, ''));
      result.free_provider = FREE_PROVIDERS.has(domain);
      const typo = suggestion(domain);
      if (typo) {
        result.did_you_mean = `${local}@${typo}`;
        reasons.push(`domain looks like a typo of ${typo}`);
      }
      if (result.disposable) reasons.push('disposable (throwaway) mailbox provider');
      if (result.role_account) reasons.push('role address, not a person');
      let status: Status = result.disposable || result.role_account || typo ? 'risky' : 'unknown';
      if (checkMx) {
        const servers = await mailServers(domain);
        if (servers.outcome === 'error') reasons.push(`mail servers not checked: ${servers.detail}`);
        else {
          result.mx_found = servers.outcome === 'mx';
          result.mx_records = servers.records;
          if (servers.outcome === 'nxdomain') {
            status = 'invalid';
            reasons.push('the domain does not exist');
          } else if (servers.outcome === 'null_mx') {
            status = 'invalid';
            reasons.push('the domain accepts no mail (null MX)');
          } else if (servers.outcome === 'none') {
            status = 'invalid';
            reasons.push('the domain has no mail server');
          } else if (servers.outcome === 'implicit') {
            status = 'risky';
            reasons.push('no MX record: mail would go to the domain\'s own address');
          } else if (status === 'unknown') status = 'valid';
        }
      } else reasons.push('mail servers not checked (no DNS-over-HTTPS resolver configured)');
      result.status = status;
      results.push(result);
    }
    await ctx.charge(results.length, { event: 'email_verified' });

    const byEmail = new Map(results.map((r) => [r.email.toLowerCase(), r.status]));
    const leads = (inputs.leads ?? []).map((lead) => ({ ...lead, email_status: byEmail.get(lead.email.trim().toLowerCase()) ?? ('unknown' as const) }));
    const count = (s: Status) => results.filter((r) => r.status === s).length;
    return { results, leads, summary: { checked: results.length, valid: count('valid'), invalid: count('invalid'), risky: count('risky'), unknown: count('unknown'), mx_checked: checkMx } };
  },
});
