import pg from 'pg';
import type { SqlReader } from '../../test/support/sql-reader.ts';

export interface LedgerInvariants {
  unbalancedTransfers: number;
  nonZeroCurrencies: { currency: string; total: string }[];
  accountsDisagreeingWithPostings: number;
}

/** Reads the ledger straight from PostgreSQL: the truth the API must never contradict. */
export async function readLedgerInvariants(databaseUrl: string): Promise<LedgerInvariants> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const unbalanced = await client.query(`select count(*)::int as n from (select transfer_id from postings group by transfer_id, currency having sum(amount) <> 0) t`);
    const totals = await client.query(`select currency, sum(balance)::text as total from ledger_accounts group by currency having sum(balance) <> 0`);
    const disagree = await client.query(`
      select count(*)::int as n from ledger_accounts a
      left join (select account_id, sum(amount) as s from postings group by account_id) p on p.account_id = a.id
      where a.balance <> coalesce(p.s, 0)`);
    return {
      unbalancedTransfers: unbalanced.rows[0].n,
      nonZeroCurrencies: totals.rows,
      accountsDisagreeingWithPostings: disagree.rows[0].n,
    };
  } finally {
    await client.end();
  }
}

export async function queryRows(databaseUrl: string, sqlText: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sqlText, params)).rows;
  } finally {
    await client.end();
  }
}

/** A `SqlReader` on a database by URL, for the checks shared with the in-process tests (ledgerReport, marketplace-kit). */
export function pgSql(databaseUrl: string): SqlReader {
  return (strings, ...values) => queryRows(databaseUrl, strings.reduce((text, part, i) => `${text}$${i}${part}`), values);
}
