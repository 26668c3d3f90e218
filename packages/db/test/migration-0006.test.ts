import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../src/migrate.ts';

/** The migrations up to and including `lastTag`, as a folder of their own. */
function migrationsUpTo(lastTag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'frameos-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === lastTag) + 1);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

describe('migration 0006_transfer_kinds_and_holds on a ledger written before it', () => {
  const client = new PGlite();
  const db = drizzle({ client });
  const before = migrationsUpTo('0005_exact_money_range');
  afterAll(async () => {
    await client.close();
    rmSync(before, { recursive: true, force: true });
  });

  it('turns a clearing → payable payment into a payment_capture and has captures and releases name their hold', async () => {
    await migrate(db, { migrationsFolder: before });
    await client.exec(`
      insert into organizations (id, name) values ('org_1', 'o');
      insert into ledger_accounts (id, org_id, type, owner_ref, currency, balance, allow_negative) values
        ('lac_w', 'org_1', 'agent_wallet', 'aga_1', 'USD', 700, false),
        ('lac_c', 'org_1', 'rail_clearing', 'stripe', 'USD', 0, false),
        ('lac_p', 'org_1', 'vendor_payable', 'v', 'USD', 1300, false),
        ('lac_f', 'org_1', 'test_funding', 'org_1', 'USD', -2000, true);
      insert into transfers (id, org_id, kind, reference) values
        ('trf_top', 'org_1', 'top_up', 'trf_top'),
        ('trf_led', 'org_1', 'payment', 'pay_ledger'),
        ('trf_h1', 'org_1', 'payment_hold', 'pay_settled'), ('trf_s1', 'org_1', 'payment', 'pay_settled'),
        ('trf_h2', 'org_1', 'payment_hold', 'pay_failed'), ('trf_r2', 'org_1', 'payment_release', 'pay_failed');
      insert into postings (transfer_id, account_id, amount, currency) values
        ('trf_top', 'lac_f', -2000, 'USD'), ('trf_top', 'lac_w', 2000, 'USD'),
        ('trf_led', 'lac_w', -500, 'USD'), ('trf_led', 'lac_p', 500, 'USD'),
        ('trf_h1', 'lac_w', -800, 'USD'), ('trf_h1', 'lac_c', 800, 'USD'),
        ('trf_s1', 'lac_c', -800, 'USD'), ('trf_s1', 'lac_p', 800, 'USD'),
        ('trf_h2', 'lac_w', -300, 'USD'), ('trf_h2', 'lac_c', 300, 'USD'),
        ('trf_r2', 'lac_c', -300, 'USD'), ('trf_r2', 'lac_w', 300, 'USD');
    `);

    await migrate(db, { migrationsFolder });

    const rows = (await client.query<{ id: string; kind: string; hold_transfer_id: string | null }>('select id, kind, hold_transfer_id from transfers order by id')).rows;
    expect(rows).toEqual([
      { id: 'trf_h1', kind: 'payment_hold', hold_transfer_id: null },
      { id: 'trf_h2', kind: 'payment_hold', hold_transfer_id: null },
      { id: 'trf_led', kind: 'payment', hold_transfer_id: null },
      { id: 'trf_r2', kind: 'payment_release', hold_transfer_id: 'trf_h2' },
      { id: 'trf_s1', kind: 'payment_capture', hold_transfer_id: 'trf_h1' },
      { id: 'trf_top', kind: 'top_up', hold_transfer_id: null },
    ]);
    await expect(client.query(`insert into transfers (id, org_id, kind, reference) values ('trf_x', 'org_1', 'payment_capture', 'pay_x')`)).rejects.toThrow(/transfers_resolves_hold/);
    await expect(client.query(`insert into transfers (id, org_id, kind, reference) values ('trf_y', 'org_1', 'gift', 'pay_y')`)).rejects.toThrow(/transfers_kind_check/);
  });
});
