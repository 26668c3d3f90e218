import { describe, expect, it } from 'vitest';
import { useAgent } from '../../test/support.ts';

const MESSY = '\uFEFFFirst Name,E-mail Address,Phone Number,Company Name,Notes\r\n'
  + '  Ada ,ADA@Example.COM,(415) 555-0100,Acme,"said ""hi"""\r\n'
  + 'Ada,ada@example.com,415 555 0100,Acme,dup by email\r\n'
  + ',,,,\r\n'
  + '"Hopper, Grace",grace@example,+44 20 7946 0958,Navy,"line one\r\nline two"\r\n'
  + 'Alan,mailto:Alan@Bletchley.test,0044 1908 640404,Bletchley,\r\n'
  + 'Short,short@x.test\r\n';

describe('agt_csv_cleaner', () => {
  const agent = useAgent('csv-cleaner');

  it('has a manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
  });

  it('parses quotes, escaped quotes, line breaks in cells and CRLF; normalises headers, emails and phones; dedupes; reports', async () => {
    const out = await agent.ok({ csv: MESSY, default_country_code: '1' });
    expect(out.headers).toEqual(['first_name', 'email', 'phone', 'company', 'notes']);
    const rows = out.rows as Record<string, string>[];
    expect(rows).toEqual([
      { first_name: 'Ada', email: 'ada@example.com', phone: '+14155550100', company: 'Acme', notes: 'said "hi"' },
      { first_name: 'Hopper, Grace', email: 'grace@example', phone: '+442079460958', company: 'Navy', notes: 'line one\nline two' },
      { first_name: 'Alan', email: 'alan@bletchley.test', phone: '+441908640404', company: 'Bletchley', notes: '' },
      { first_name: 'Short', email: 'short@x.test', phone: '', company: '', notes: '' },
    ]);
    expect(out.report).toEqual({
      delimiter: ',', input_rows: 6, output_rows: 4, empty_rows_removed: 1, duplicates_removed: 1, cells_trimmed: 2, emails_normalized: 2,
      invalid_emails: [{ row: 4, value: 'grace@example' }], phones_normalized: 4, invalid_phones: [], ragged_rows: 1,
      header_changes: [{ from: 'First Name', to: 'first_name' }, { from: 'E-mail Address', to: 'email' }, { from: 'Phone Number', to: 'phone' }, { from: 'Company Name', to: 'company' }, { from: 'Notes', to: 'notes' }],
    });
    expect((out.csv as string).split('\r\n')[2]).toBe('"Hopper, Grace",grace@example,+442079460958,Navy,"line one\nline two"');
    expect(out.emails).toEqual(['ada@example.com', 'alan@bletchley.test', 'short@x.test']);
    expect((out.leads as { email: string; first_name: string; company: string; domain: string }[]).map((l) => [l.email, l.first_name, l.company, l.domain])).toEqual([
      ['ada@example.com', 'Ada', 'Acme', 'example.com'], ['alan@bletchley.test', 'Alan', 'Bletchley', 'bletchley.test'], ['short@x.test', 'Short', null, 'x.test'],
    ]);
  });

  it('detects ; and tab delimiters, keeps unmapped headers, dedupes on chosen columns; refuses broken CSV', async () => {
    const semi = await agent.ok({ csv: 'SKU;Qty;Price €\nA-1;2;3,50\na-1;2;3,50\nB-2;1;9,99\n', map_synonyms: false, dedupe_on: ['sku'] });
    expect(semi).toMatchObject({ headers: ['sku', 'qty', 'price'], rows: [{ sku: 'A-1', qty: '2', price: '3,50' }, { sku: 'B-2', qty: '1', price: '9,99' }], report: { delimiter: ';', duplicates_removed: 1 }, leads: [], emails: [] });
    const [tab, unterminated, missingColumn] = await Promise.all([
      agent.run({ csv: 'a\tb\n1\t2\n' }),
      agent.run({ csv: 'a,b\n"1,2\n' }),
      agent.run({ csv: 'a,b\n1,2\n', dedupe_on: ['c'] }),
    ]);
    expect(tab).toMatchObject({ status: 'succeeded', outputs: { rows: [{ a: '1', b: '2' }], report: { delimiter: '\t' } } });
    expect(unterminated).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/never closed/) } });
    expect(missingColumn).toMatchObject({ status: 'failed', error: { message: 'dedupe_on: there is no column "c" (the columns are: a, b).' } });
  });
});
