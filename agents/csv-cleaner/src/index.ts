import { defineAgent, z } from '@frameos/agent-sdk';

/**
 * Cleans a CSV: parsed per RFC 4180 (quoted fields with "" escapes and line breaks, CRLF, LF or CR,
 * a BOM, the delimiter detected among , ; tab |), headers normalised to snake_case (common synonyms
 * mapped: "E-mail Address" → email), cells trimmed, emails lower-cased and checked, phones put in
 * E.164 form, empty and duplicate rows removed, and a report of every change. Rows with an email
 * also come out as `leads` and `emails` for the Email Verifier and Lead Scorer.
 */

const SYNONYMS: Record<string, string> = {
  e_mail: 'email', email_address: 'email', mail: 'email', e_mail_address: 'email', work_email: 'email',
  phone_number: 'phone', telephone: 'phone', tel: 'phone', mobile: 'phone', mobile_phone: 'phone', cell: 'phone',
  first: 'first_name', firstname: 'first_name', given_name: 'first_name', forename: 'first_name',
  last: 'last_name', lastname: 'last_name', surname: 'last_name', family_name: 'last_name',
  company_name: 'company', organisation: 'company', organization: 'company', employer: 'company', account: 'company',
  job_title: 'position', title: 'position', role: 'position',
  linkedin: 'linkedin_url', linkedin_profile: 'linkedin_url', web_site: 'website', url: 'website', company_domain: 'domain',
};

function detectDelimiter(text: string): string {
  const sample = text.slice(0, 10_000);
  let best = ',';
  let bestCount = -1;
  for (const d of [',', ';', '\t', '|']) {
    let count = 0;
    let quoted = false;
    for (const ch of sample) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === d) count++;
      else if (!quoted && (ch === '\n' || ch === '\r') && count > 0) break;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** RFC 4180 records; a quote inside an unquoted field is kept as text. */
function parseCsv(text: string, delimiter: string): { rows: string[][]; unterminated: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
      i++;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || row.length > 0 || quoted) {
    row.push(field);
    rows.push(row);
  }
  return { rows, unterminated: quoted };
}

function normaliseHeader(raw: string, index: number, synonyms: boolean): string {
  let h = raw.normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!h) h = `column_${index + 1}`;
  if (/^\d/.test(h)) h = `c_${h}`;
  return synonyms ? (SYNONYMS[h] ?? h) : h;
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function normalisePhone(raw: string, countryCode: string | undefined): string | null {
  const trimmed = raw.replace(/(?:ext\.?|x|#)\s*\d+\s*$/i, '').trim();
  let digits = trimmed.replace(/[^\d+]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (digits.indexOf('+') > 0) return null;
  if (!digits.startsWith('+')) {
    if (!countryCode) return null;
    digits = `+${countryCode}${digits.replace(/^0+/, '')}`;
  }
  const body = digits.slice(1);
  return /^[1-9]\d{6,14}$/.test(body) ? `+${body}` : null;
}

function toCsv(headers: string[], rows: Record<string, string>[], delimiter: string): string {
  const quote = (v: string) => (v.includes(delimiter) || /["\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v);
  return [headers.map(quote).join(delimiter), ...rows.map((r) => headers.map((h) => quote(r[h] ?? '')).join(delimiter))].join('\r\n');
}

const leadSchema = z.object({
  email: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  position: z.string().nullable(),
  seniority: z.string().nullable(),
  department: z.string().nullable(),
  company: z.string().nullable(),
  domain: z.string().nullable(),
  linkedin_url: z.string().nullable(),
  phone: z.string().nullable(),
  source_confidence: z.number().nullable(),
});

export default defineAgent({
  manifest: {
    id: 'agt_csv_cleaner',
    name: 'CSV Cleaner',
    version: '1.0.0',
    description: 'Cleans messy CSV exports: robust parsing (quoted fields, line breaks in cells, CRLF, any delimiter), snake_case headers, trimmed cells, normalised emails and phone numbers, empty and duplicate rows removed, with a report. Rows with an email also come out as `leads` for the Email Verifier and Lead Scorer.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 3, currency: 'USD' },
    capabilities: [],
    runtime: { timeout_ms: 30_000, memory_mb: 128 },
    metadata: { category: 'productivity', tags: ['csv', 'data-cleaning', 'dedupe', 'spreadsheets', 'offline'] },
  },
  inputs: z.object({
    csv: z.string().min(1).max(5_000_000).describe('The CSV text, header row first'),
    delimiter: z.enum([',', ';', '\t', '|', 'auto']).default('auto'),
    map_synonyms: z.boolean().default(true).describe('Map common header names to standard ones ("E-mail Address" → email, "Surname" → last_name)'),
    dedupe: z.boolean().default(true).describe('Remove duplicate rows'),
    dedupe_on: z.array(z.string()).max(20).default([]).describe('Columns (normalised names) that identify a row; default: the whole row (email when there is an email column)'),
    default_country_code: z.string().regex(/^\d{1,3}$/).optional().describe('Calling code for phone numbers written without one, e.g. "1" or "91"'),
    drop_invalid_emails: z.boolean().default(false).describe('Blank out email cells that are not valid addresses'),
  }),
  outputs: z.object({
    headers: z.array(z.string()).describe('The normalised headers'),
    rows: z.array(z.record(z.string(), z.string())).describe('The clean rows, keyed by header'),
    csv: z.string().describe('The clean CSV (RFC 4180, CRLF)'),
    leads: z.array(leadSchema).describe('Rows with a valid email, as leads (the Email Verifier\'s and Lead Scorer\'s `leads`)'),
    emails: z.array(z.string()).describe('The distinct valid emails (the Email Verifier\'s `emails`)'),
    report: z.object({
      delimiter: z.string(),
      input_rows: z.number().int().describe('data rows read'),
      output_rows: z.number().int(),
      empty_rows_removed: z.number().int(),
      duplicates_removed: z.number().int(),
      cells_trimmed: z.number().int(),
      emails_normalized: z.number().int(),
      invalid_emails: z.array(z.object({ row: z.number().int(), value: z.string() })).describe('1-based data row numbers'),
      phones_normalized: z.number().int(),
      invalid_phones: z.array(z.object({ row: z.number().int(), value: z.string() })),
      ragged_rows: z.number().int().describe('rows with more or fewer cells than headers'),
      header_changes: z.array(z.object({ from: z.string(), to: z.string() })),
    }),
  }),
  examples: [{ name: 'A messy contact export', inputs: { csv: 'First Name,E-mail Address,Phone Number\r\n  Ada ,ADA@Example.COM,(415) 555-0100\r\nAda,ada@example.com,415 555 0100\r\n,,\r\n"Hopper, Grace",grace@example,+44 20 7946 0958', default_country_code: '1' } }],
  handler: async (inputs) => {
    const text = inputs.csv.replace(/^\uFEFF/, '');
    const delimiter = inputs.delimiter === 'auto' ? detectDelimiter(text) : inputs.delimiter;
    const { rows: records, unterminated } = parseCsv(text, delimiter);
    if (unterminated) throw new Error('The CSV has a quoted field that is never closed (a missing ").');
    const headerIndex = records.findIndex((r) => r.some((c) => c.trim() !== ''));
    if (headerIndex === -1) throw new Error('The CSV has no header row.');
    const rawHeaders = records[headerIndex]!;
    const headers: string[] = [];
    const headerChanges: { from: string; to: string }[] = [];
    rawHeaders.forEach((raw, i) => {
      let h = normaliseHeader(raw, i, inputs.map_synonyms);
      for (let n = 2; headers.includes(h); n++) h = `${normaliseHeader(raw, i, inputs.map_synonyms)}_${n}`;
      headers.push(h);
      if (h !== raw) headerChanges.push({ from: raw, to: h });
    });
    for (const column of inputs.dedupe_on) if (!headers.includes(column)) throw new Error(`dedupe_on: there is no column "${column}" (the columns are: ${headers.join(', ')}).`);

    const report = { delimiter, input_rows: 0, output_rows: 0, empty_rows_removed: 0, duplicates_removed: 0, cells_trimmed: 0, emails_normalized: 0, invalid_emails: [] as { row: number; value: string }[], phones_normalized: 0, invalid_phones: [] as { row: number; value: string }[], ragged_rows: 0, header_changes: headerChanges };
    const emailColumns = headers.filter((h) => h === 'email' || /(^|_)email$/.test(h));
    const phoneColumns = headers.filter((h) => h === 'phone' || /(^|_)(phone|mobile|tel)$/.test(h));
    const dedupeOn = inputs.dedupe_on.length ? inputs.dedupe_on : headers.includes('email') ? ['email'] : headers;
    const seen = new Set<string>();
    const rows: Record<string, string>[] = [];
    records.slice(headerIndex + 1).forEach((cells, i) => {
      const rowNumber = i + 1;
      report.input_rows++;
      if (cells.every((c) => c.trim() === '')) {
        report.empty_rows_removed++;
        return;
      }
      if (cells.length !== headers.length && !(cells.length > headers.length && cells.slice(headers.length).every((c) => c.trim() === ''))) report.ragged_rows++;
      const row: Record<string, string> = {};
      headers.forEach((h, j) => {
        const raw = cells[j] ?? '';
        const value = raw.replace(/[\s\u00a0]+/g, (m) => (m.includes('\n') ? '\n' : ' ')).trim();
        if (value !== raw) report.cells_trimmed++;
        row[h] = value;
      });
      for (const h of emailColumns) {
        const value = row[h]!;
        if (!value) continue;
        const email = value.replace(/^mailto:/i, '').replace(/^<|>$/g, '').trim();
        const at = email.lastIndexOf('@');
        const normalised = at > 0 ? `${email.slice(0, at).toLowerCase()}@${email.slice(at + 1).toLowerCase()}` : email;
        if (EMAIL.test(normalised)) {
          if (normalised !== value) report.emails_normalized++;
          row[h] = normalised;
        } else {
          report.invalid_emails.push({ row: rowNumber, value });
          if (inputs.drop_invalid_emails) row[h] = '';
        }
      }
      for (const h of phoneColumns) {
        const value = row[h]!;
        if (!value) continue;
        const phone = normalisePhone(value, inputs.default_country_code);
        if (phone) {
          if (phone !== value) report.phones_normalized++;
          row[h] = phone;
        } else report.invalid_phones.push({ row: rowNumber, value });
      }
      if (inputs.dedupe) {
        const key = dedupeOn.map((h) => (row[h] ?? '').toLowerCase()).join('\u0000');
        if (dedupeOn.some((h) => row[h]) && seen.has(key)) {
          report.duplicates_removed++;
          return;
        }
        seen.add(key);
      }
      rows.push(row);
    });
    report.output_rows = rows.length;

    const get = (row: Record<string, string>, h: string) => (row[h] ? row[h]! : null);
    const leads = emailColumns.includes('email')
      ? rows.filter((r) => r.email && EMAIL.test(r.email)).map((r) => ({
          email: r.email!,
          first_name: get(r, 'first_name') ?? (get(r, 'name')?.split(' ')[0] ?? null),
          last_name: get(r, 'last_name') ?? (get(r, 'name')?.split(' ').slice(1).join(' ') || null),
          position: get(r, 'position'),
          seniority: get(r, 'seniority'),
          department: get(r, 'department'),
          company: get(r, 'company'),
          domain: get(r, 'domain') ?? r.email!.split('@')[1]!,
          linkedin_url: get(r, 'linkedin_url'),
          phone: get(r, 'phone'),
          source_confidence: null,
        }))
      : [];
    const emails = [...new Set(rows.flatMap((r) => emailColumns.map((h) => r[h] ?? '')).filter((e) => EMAIL.test(e)))];
    return { headers, rows, csv: toCsv(headers, rows, delimiter), leads, emails, report };
  },
});
