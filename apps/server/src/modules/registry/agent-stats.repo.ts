import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@frameos/db';
import { exactInteger, rowsOf } from '../../lib/sql-values.ts';
import type { CatalogueQuery } from './registry.schemas.ts';

/**
 * The catalogue's read model: each listed agent with its stats, counted from the deployments and
 * executions tables of the executions module (a deliberate exception to table ownership, listed in
 * scripts/table-ownership.ts: the executions module depends on the registry, so asking it through a
 * service would be an import cycle). Only reads; nothing here writes those tables.
 *
 * - deployments: deployments not deleted;
 * - executions: finished runs (succeeded, failed, timed_out); queued, running, aborted and rejected ones do not count;
 * - success_rate: succeeded ÷ executions, null before the first run;
 * - p50_duration_ms: the median duration of the succeeded runs, null before the first.
 */
export interface AgentStats {
  deployments: number;
  executions: number;
  successRate: number | null;
  p50DurationMs: number | null;
}

export interface CatalogueRow {
  id: string;
  developerId: string;
  developerName: string;
  name: string;
  description: string;
  category: string;
  tags: string[];
  manifest: Record<string, unknown>;
  latestApprovedVersion: string;
  createdAt: Date;
  updatedAt: Date;
  stats: AgentStats;
}

const FINISHED = sql`('succeeded','failed','timed_out')`;

function runsOf(agentIds: SQL): SQL {
  return sql`
    select e.agent_id,
           count(*) filter (where e.status in ${FINISHED}) as executions,
           count(*) filter (where e.status = 'succeeded') as succeeded,
           percentile_cont(0.5) within group (order by e.duration_ms) filter (where e.status = 'succeeded' and e.duration_ms is not null) as p50
      from executions e
     where e.agent_id in (${agentIds})
     group by e.agent_id`;
}

function deploymentsOf(agentIds: SQL): SQL {
  return sql`select d.agent_id, count(*) as deployments from deployments d where d.status <> 'deleted' and d.agent_id in (${agentIds}) group by d.agent_id`;
}

function statsOf(row: Record<string, unknown>): AgentStats {
  const executions = row.executions === null || row.executions === undefined ? 0 : exactInteger(row.executions);
  const succeeded = row.succeeded === null || row.succeeded === undefined ? 0 : exactInteger(row.succeeded);
  return {
    deployments: row.deployments === null || row.deployments === undefined ? 0 : exactInteger(row.deployments),
    executions,
    successRate: executions === 0 ? null : Math.round((succeeded / executions) * 10_000) / 10_000,
    p50DurationMs: row.p50 === null || row.p50 === undefined ? null : Math.round(Number(row.p50)),
  };
}

/** The stats of one agent (zeros and nulls when it never ran). */
export async function agentStats(db: Executor, agentId: string): Promise<AgentStats> {
  const ids = sql`select ${agentId}::text`;
  const [row] = rowsOf(
    await db.execute(sql`
      with runs as (${runsOf(ids)}), deps as (${deploymentsOf(ids)})
      select (select executions from runs) as executions, (select succeeded from runs) as succeeded,
             (select p50 from runs) as p50, (select deployments from deps) as deployments`),
  );
  return statsOf(row ?? {});
}

const ORDER: Record<CatalogueQuery['sort'], SQL> = {
  // The most recently approved listing first.
  latest: sql`l.approved_at desc nulls last, l.id asc`,
  popular: sql`coalesce(r.executions, 0) desc, coalesce(dp.deployments, 0) desc, l.id asc`,
  // No ratings exist yet: the success rate stands in for one, then how often the agent ran.
  rating: sql`(case when coalesce(r.executions, 0) = 0 then null else r.succeeded::float8 / r.executions end) desc nulls last, coalesce(r.executions, 0) desc, l.id asc`,
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One page of the catalogue: approved, unsuspended agents matching the filters, in the order asked
 * for, after `startingAfter` (an agent id of the previous page; one that has left the list since ends it).
 */
export async function listCatalogue(db: Executor, query: CatalogueQuery): Promise<CatalogueRow[]> {
  const filters: SQL[] = [sql`a.latest_approved_version is not null`, sql`a.suspended_at is null`];
  if (query.category) filters.push(sql`a.category = ${query.category}`);
  if (query.pricing_model) filters.push(sql`a.pricing_model = ${query.pricing_model}`);
  if (query.tag) filters.push(sql`a.tags @> ${JSON.stringify([query.tag])}::jsonb`);
  if (query.q) {
    const document = sql`a.name || ' ' || a.description || ' ' || coalesce((select string_agg(t, ' ') from jsonb_array_elements_text(a.tags) as t), '')`;
    filters.push(sql`(to_tsvector('simple', ${document}) @@ plainto_tsquery('simple', ${query.q}) or a.name ilike ${`%${escapeLike(query.q)}%`})`);
  }
  const cursor = query.starting_after ?? null;
  const rows = rowsOf(
    await db.execute(sql`
      with listed as (
        select a.id, a.developer_id, dv.name as developer_name, a.name, a.description, a.category, a.tags,
               a.latest_approved_version, a.created_at, a.updated_at, a.approved_at, v.manifest
          from agents a
          join agent_versions v on v.agent_id = a.id and v.version = a.latest_approved_version
          join developers dv on dv.id = a.developer_id
         where ${sql.join(filters, sql` and `)}
      ),
      runs as (${runsOf(sql`select id from listed`)}),
      deps as (${deploymentsOf(sql`select id from listed`)}),
      ranked as (
        select l.*, r.executions, r.succeeded, r.p50, dp.deployments, row_number() over (order by ${ORDER[query.sort]}) as rn
          from listed l
          left join runs r on r.agent_id = l.id
          left join deps dp on dp.agent_id = l.id
      )
      select * from ranked
       where ${cursor}::text is null or rn > (select rn from ranked where id = ${cursor})
       order by rn
       limit ${query.limit + 1}`),
  );
  return rows.map((row) => ({
    id: row.id as string,
    developerId: row.developer_id as string,
    developerName: row.developer_name as string,
    name: row.name as string,
    description: row.description as string,
    category: row.category as string,
    tags: row.tags as string[],
    manifest: row.manifest as Record<string, unknown>,
    latestApprovedVersion: row.latest_approved_version as string,
    createdAt: new Date(row.created_at as string | Date),
    updatedAt: new Date(row.updated_at as string | Date),
    stats: statsOf(row),
  }));
}
