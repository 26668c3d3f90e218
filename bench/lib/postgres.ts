import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Facts about the PostgreSQL server that decide how hard pgbench may push it. */
export interface PostgresFacts {
  version: string;
  maxConnections: number;
  superuserReservedConnections: number;
  connectionsInUse: number;
}

export function databaseUrlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function throwAwayDatabaseName(purpose: string): string {
  return `frameos_${purpose}_${randomBytes(4).toString('hex')}`;
}

async function withAdminClient<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Names come from throwAwayDatabaseName, but quote them anyway. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  return databaseUrlFor(adminUrl, name);
}

/** WITH (FORCE) ends sessions still connected (a server that did not exit cleanly). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`));
}

export async function readPostgresFacts(adminUrl: string): Promise<PostgresFacts> {
  return withAdminClient(adminUrl, async (client) => {
    const setting = async (name: string) => {
      const result = await client.query<{ setting: string }>('SELECT setting FROM pg_settings WHERE name = $1', [name]);
      return result.rows[0]?.setting ?? '';
    };
    const inUse = await client.query<{ count: string }>("SELECT count(*) AS count FROM pg_stat_activity WHERE backend_type = 'client backend'");
    return {
      version: await setting('server_version'),
      maxConnections: Number(await setting('max_connections')),
      superuserReservedConnections: Number(await setting('superuser_reserved_connections')),
      connectionsInUse: Number(inUse.rows[0]?.count ?? 0),
    };
  });
}
