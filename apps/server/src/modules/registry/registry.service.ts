import {
  AgentManifestSchema,
  compareSemver,
  DomainError,
  inputJsonSchema,
  notFound,
  outputJsonSchema,
  parseManifest,
  semverParts,
  type AgentManifest,
  type Problem,
} from '@frameos/domain';
import type { Executor } from '@frameos/db';
import type { AppContext, RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { toPage } from '../../lib/pagination.ts';
import { isUniqueViolation } from '../../lib/pg-errors.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { assertAdmin, assertCanReadOrg, assertCanWrite, type Principal } from '../auth/principal.ts';
import { userEmail } from '../auth/auth.service.ts';
import { checkAgentCode, type CodeCheck } from './code-checks.ts';
import { agentStats, listCatalogue, type AgentStats, type CatalogueRow } from './agent-stats.repo.ts';
import {
  findAgent,
  findAgentVersion,
  findDeveloperByOrg,
  findDevelopers,
  insertAgentIfAbsent,
  insertAgentVersion,
  insertDeveloper,
  listAgentsForAdmin,
  listAgentsOfDeveloper,
  listAgentVersions,
  listVersionsOf,
  reviewAgentVersion,
  updateAgent,
  type AgentRow,
  type AgentVersionRow,
  type DeveloperRow,
} from './registry.repo.ts';
import type { AdminListStatus, AgentStatus, CatalogueQuery, VersionStatus } from './registry.schemas.ts';

// ——— Developers ———

function developerDto(row: DeveloperRow) {
  return { object: 'developer' as const, developer_id: row.id, name: row.name, email: row.email, created_at: row.createdAt.toISOString() };
}

/** One developer profile per organization (owner/admin session or the org key). */
export async function createDeveloper(ctx: RequestContext, input: { name: string; email: string }) {
  assertAdmin(ctx.principal);
  const row: DeveloperRow = { id: newId('developer'), orgId: ctx.principal.orgId, name: input.name, email: input.email.toLowerCase(), createdAt: ctx.now };
  try {
    return await inTransaction(ctx, async (tx) => {
      await insertDeveloper(tx, row);
      return developerDto(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('developer_exists', 'The organization already has a developer profile; GET /developers/me shows it.');
    throw err;
  }
}

async function requireDeveloper(db: Executor, orgId: string): Promise<DeveloperRow> {
  const developer = await findDeveloperByOrg(db, orgId);
  if (!developer) throw new DomainError('developer_required', 'The organization has no developer profile yet: POST /developers first.');
  return developer;
}

/** The caller's organization's developer profile (people and the org key; not agent keys); 403 developer_required when it has none. */
export async function getMyDeveloper(ctx: RequestContext) {
  assertCanReadOrg(ctx.principal);
  return developerDto(await requireDeveloper(ctx.db, ctx.principal.orgId));
}

/** The developer profile of an organization (null when it has none). */
export async function developerOfOrg(db: Executor, orgId: string): Promise<{ developerId: string; orgId: string; name: string } | null> {
  const row = await findDeveloperByOrg(db, orgId);
  return row ? { developerId: row.id, orgId: row.orgId, name: row.name } : null;
}

// ——— Who may do what ———

/** A user session whose email is in PLATFORM_ADMIN_EMAILS (never an API key). */
export async function isPlatformAdmin(ctx: RequestContext): Promise<boolean> {
  if (ctx.principal.type !== 'user' || ctx.app.config.platformAdminEmails.length === 0) return false;
  const email = await userEmail(ctx.db, ctx.principal.userId);
  return email !== null && ctx.app.config.platformAdminEmails.includes(email.toLowerCase());
}

async function assertPlatformAdmin(ctx: RequestContext): Promise<Extract<Principal, { type: 'user' }>> {
  if (!(await isPlatformAdmin(ctx)) || ctx.principal.type !== 'user') throw new DomainError('forbidden', 'Only platform admins (PLATFORM_ADMIN_EMAILS) review marketplace agents.');
  return ctx.principal;
}

/** The developer's own people and org key see everything of its agents; its agent keys only what everyone sees. */
const isDeveloperOf = (principal: Principal, agent: AgentRow) => principal.type !== 'agent' && principal.orgId === agent.orgId;

async function seesEverything(ctx: RequestContext, agent: AgentRow): Promise<boolean> {
  return isDeveloperOf(ctx.principal, agent) || (await isPlatformAdmin(ctx));
}

const isListed = (agent: AgentRow) => agent.latestApprovedVersion !== null && agent.suspendedAt === null;

function agentStatus(agent: AgentRow, versions: readonly Pick<AgentVersionRow, 'status'>[]): AgentStatus {
  if (agent.suspendedAt) return 'suspended';
  if (agent.latestApprovedVersion) return 'listed';
  return versions.some((v) => v.status === 'pending_review') ? 'pending_review' : 'rejected';
}

// ——— Publishing ———

function problemsMessage(problems: Problem[]): string {
  const shown = problems.slice(0, 5).map((p) => `${p.path || '(manifest)'}: ${p.message}`).join('; ');
  return `The manifest has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${shown}${problems.length > 5 ? '; …' : ''}. errors lists every one.`;
}

function readManifest(raw: unknown, developer: DeveloperRow): AgentManifest {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      const errors = [{ path: '', message: 'is not valid JSON' }];
      throw new DomainError('invalid_manifest', problemsMessage(errors), { errors });
    }
  }
  if (value === undefined) {
    const errors = [{ path: '', message: 'is required' }];
    throw new DomainError('invalid_manifest', problemsMessage(errors), { errors });
  }
  const parsed = parseManifest(value);
  const errors = parsed.ok ? [] : [...parsed.problems];
  const claimed = (value as { author?: { developer_id?: unknown } } | null)?.author?.developer_id;
  if (typeof claimed === 'string' && claimed !== developer.id && !errors.some((e) => e.path === 'author.developer_id')) {
    errors.push({ path: 'author.developer_id', message: `must be your developer id, ${developer.id}` });
  }
  if (!parsed.ok || errors.length > 0) throw new DomainError('invalid_manifest', problemsMessage(errors), { errors });
  return parsed.manifest;
}

/** Whether `version` may be added to the agent: the same developer, a version higher than every existing one. */
function assertNewVersion(agent: AgentRow | null, versions: readonly AgentVersionRow[], developer: DeveloperRow, version: string): void {
  if (!agent) return;
  if (agent.developerId !== developer.id) throw new DomainError('agent_id_taken', `Another developer publishes ${agent.id}; choose another id.`);
  if (versions.some((v) => v.version === version)) throw new DomainError('agent_version_exists', `${agent.id} ${version} already exists; versions are immutable, raise the version.`);
  const highest = versions[0];
  if (highest && compareSemver(version, highest.version) < 0) {
    throw new DomainError('agent_version_not_newer', `${agent.id} already has ${highest.version}; a new version must be higher than every existing one.`);
  }
}

function uploadDto(row: AgentVersionRow) {
  return {
    object: 'agent_version' as const,
    agent_id: row.agentId,
    version: row.version,
    status: row.status as VersionStatus,
    code_sha256: row.codeSha256,
    code_size: row.codeSize,
    checks: row.checks,
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * Uploads a new version of an agent (the caller's organization publishes it): the manifest is checked
 * (every problem listed), the code checked statically, the artifact stored in the blob store (before
 * the transaction: it is content-addressed, so a retry or a refused upload leaves at most an unused
 * blob), then the agent (first time) and the version `pending_review` are written with the answer.
 */
export async function registerAgentVersion(ctx: RequestContext, input: { manifest?: unknown; code: string }) {
  if (ctx.principal.type === 'agent') throw new DomainError('forbidden', 'An agent key cannot publish agents; use the organization key or a session.');
  assertCanWrite(ctx.principal);
  const developer = await requireDeveloper(ctx.db, ctx.principal.orgId);
  const manifest = readManifest(input.manifest, developer);
  if (manifest.runtime.language !== 'nodejs') throw new DomainError('runtime_not_supported', `runtime.language ${JSON.stringify(manifest.runtime.language)} is not supported; only nodejs agents run today.`);

  const { checks, blocking } = checkAgentCode(input.code, manifest);
  if (blocking) throw new DomainError('invalid_code', blocking.message, { check: blocking.name, checks });

  assertNewVersion(await findAgent(ctx.db, manifest.id), await listAgentVersions(ctx.db, manifest.id), developer, manifest.version);
  const blob = await ctx.app.blobs.put(Buffer.from(input.code, 'utf8'));
  const [major, minor, patch] = semverParts(manifest.version);
  try {
    return await inTransaction(ctx, async (tx) => {
      await insertAgentIfAbsent(tx, {
        id: manifest.id,
        developerId: developer.id,
        orgId: developer.orgId,
        latestApprovedVersion: null,
        ...listingColumns(manifest),
        createdAt: ctx.now,
        updatedAt: ctx.now,
      });
      // Under the agent's row lock, concurrent uploads of one agent queue: the checks see every version.
      const agent = await findAgent(tx, manifest.id, true);
      assertNewVersion(agent, await listAgentVersions(tx, manifest.id), developer, manifest.version);
      const row = await insertAgentVersion(tx, {
        agentId: manifest.id,
        version: manifest.version,
        major,
        minor,
        patch,
        manifest: manifest as unknown as Record<string, unknown>,
        codeSha256: blob.sha256,
        codeSize: blob.size,
        checks,
        status: 'pending_review',
        createdAt: ctx.now,
      });
      return uploadDto(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('agent_version_exists', `${manifest.id} ${manifest.version} already exists; versions are immutable, raise the version.`);
    throw err;
  }
}

function listingColumns(manifest: AgentManifest) {
  return {
    name: manifest.name,
    description: manifest.description,
    category: manifest.metadata.category,
    tags: manifest.metadata.tags,
    pricingModel: manifest.pricing.model,
  };
}

// ——— Review (platform admins) ———

function adminVersionDto(row: AgentVersionRow) {
  return {
    version: row.version,
    status: row.status as VersionStatus,
    code_sha256: row.codeSha256,
    code_size: row.codeSize,
    checks: row.checks as CodeCheck[],
    manifest: row.manifest,
    review_reason: row.reviewReason,
    reviewed_by: row.reviewedBy,
    reviewed_at: row.reviewedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

function adminAgentDto(agent: AgentRow, developer: DeveloperRow, allVersions: readonly AgentVersionRow[], shown: readonly AgentVersionRow[]) {
  return {
    object: 'admin_agent' as const,
    agent_id: agent.id,
    name: agent.name,
    status: agentStatus(agent, allVersions),
    latest_approved_version: agent.latestApprovedVersion,
    suspended_reason: agent.suspendedReason,
    developer: { developer_id: developer.id, name: developer.name, email: developer.email, org_id: developer.orgId },
    versions: shown.map(adminVersionDto),
    created_at: agent.createdAt.toISOString(),
    updated_at: agent.updatedAt.toISOString(),
  };
}

/** The review queue (status=pending_review) and the other lists, by agent id; each agent with its versions in that status. */
export async function listAdminAgentsPage(ctx: RequestContext, query: { status: AdminListStatus; limit: number; starting_after?: string | undefined }) {
  await assertPlatformAdmin(ctx);
  const rows = await listAgentsForAdmin(ctx.db, query.status, query.limit, query.starting_after);
  const ids = rows.map((r) => r.id);
  const versions = await listVersionsOf(ctx.db, ids);
  const developers = new Map((await findDevelopers(ctx.db, [...new Set(rows.map((r) => r.developerId))])).map((d) => [d.id, d]));
  return toPage(rows, query.limit, (agent) => {
    const all = versions.filter((v) => v.agentId === agent.id);
    const shown = query.status === 'suspended' ? all : all.filter((v) => v.status === query.status);
    return adminAgentDto(agent, developers.get(agent.developerId)!, all, shown);
  });
}

/** The developer's own agents with every version, its review status and the reviewer's reason (pending and rejected ones too). */
export async function listMyAgentsPage(ctx: RequestContext, query: { limit: number; starting_after?: string | undefined }) {
  assertCanReadOrg(ctx.principal);
  const developer = await requireDeveloper(ctx.db, ctx.principal.orgId);
  const rows = await listAgentsOfDeveloper(ctx.db, developer.id, query.limit, query.starting_after);
  const versions = await listVersionsOf(ctx.db, rows.map((r) => r.id));
  return toPage(rows, query.limit, (agent) => {
    const all = versions.filter((v) => v.agentId === agent.id);
    return { ...adminAgentDto(agent, developer, all, all), object: 'developer_agent' as const };
  });
}

/** The artifact of a version as text, for its reviewer (platform admins) and its developer. */
export async function getVersionCode(ctx: RequestContext, agentId: string, version: string): Promise<string> {
  const agent = await findAgent(ctx.db, agentId);
  if (!agent || !isDeveloperOf(ctx.principal, agent)) await assertPlatformAdmin(ctx);
  const row = await findAgentVersion(ctx.db, agentId, version);
  if (!agent || !row) throw notFound('Agent version', `${agentId} ${version}`);
  return loadAgentCode(ctx.app, row.codeSha256);
}

type Review = { kind: 'approve'; version?: string | undefined; reason?: string | undefined } | { kind: 'reject'; version?: string | undefined; reason: string };

async function review(ctx: RequestContext, agentId: string, decision: Review) {
  const reviewer = await assertPlatformAdmin(ctx);
  return inTransaction(ctx, async (tx) => {
    const agent = await findAgent(tx, agentId, true);
    if (!agent) throw notFound('Agent', agentId);
    const versions = await listAgentVersions(tx, agentId);
    const pending = versions.filter((v) => v.status === 'pending_review');
    const target = decision.version ? pending.find((v) => v.version === decision.version) : pending[0];
    if (!target) {
      throw new DomainError('agent_not_pending', decision.version ? `${agentId} ${decision.version} is not waiting for review.` : `${agentId} has no version waiting for review.`);
    }
    const reviewed = await reviewAgentVersion(tx, agentId, target.version, {
      status: decision.kind === 'approve' ? 'approved' : 'rejected',
      reason: decision.reason ?? null,
      reviewedBy: reviewer.userId,
      reviewedAt: ctx.now,
    });
    if (!reviewed) throw new DomainError('agent_not_pending', `${agentId} ${target.version} is not waiting for review.`);
    const after = versions.map((v) => (v.version === reviewed.version ? reviewed : v));
    let updated: AgentRow;
    const raisesListing = decision.kind === 'approve' && (agent.latestApprovedVersion === null || compareSemver(reviewed.version, agent.latestApprovedVersion) > 0);
    if (raisesListing) {
      // The listing shows the highest approved version: its name, description, category, tags, pricing.
      const manifest = AgentManifestSchema.parse(reviewed.manifest);
      updated = (await updateAgent(tx, agentId, { ...listingColumns(manifest), latestApprovedVersion: reviewed.version, approvedAt: ctx.now, updatedAt: ctx.now }))!;
    } else {
      updated = (await updateAgent(tx, agentId, { updatedAt: ctx.now }))!;
    }
    return adminAgentDto(updated, await requireDeveloperById(tx, agent.developerId), after, after);
  });
}

async function requireDeveloperById(db: Executor, developerId: string): Promise<DeveloperRow> {
  const [developer] = await findDevelopers(db, [developerId]);
  if (!developer) throw new Error(`agent developer ${developerId} is missing`);
  return developer;
}

/** Approves a pending version (default: the newest pending one); the listing follows the highest approved version. */
export function approveAgent(ctx: RequestContext, agentId: string, input: { version?: string | undefined; reason?: string | undefined } = {}) {
  return review(ctx, agentId, { kind: 'approve', version: input.version, reason: input.reason });
}

/** Rejects a pending version (default: the newest pending one), with the reason the developer reads. */
export function rejectAgent(ctx: RequestContext, agentId: string, input: { version?: string | undefined; reason: string }) {
  return review(ctx, agentId, { kind: 'reject', version: input.version, reason: input.reason });
}

async function setSuspension(ctx: RequestContext, agentId: string, reason: string | null) {
  await assertPlatformAdmin(ctx);
  return inTransaction(ctx, async (tx) => {
    const agent = await findAgent(tx, agentId, true);
    if (!agent) throw notFound('Agent', agentId);
    const updated = (await updateAgent(tx, agentId, {
      suspendedAt: reason === null ? null : (agent.suspendedAt ?? ctx.now),
      suspendedReason: reason,
      updatedAt: ctx.now,
    }))!;
    const versions = await listAgentVersions(tx, agentId);
    return adminAgentDto(updated, await requireDeveloperById(tx, agent.developerId), versions, versions);
  });
}

/** Takes the agent out of the catalogue: it cannot be deployed or run until unsuspended. */
export function suspendAgent(ctx: RequestContext, agentId: string, input: { reason: string }) {
  return setSuspension(ctx, agentId, input.reason);
}

export function unsuspendAgent(ctx: RequestContext, agentId: string) {
  return setSuspension(ctx, agentId, null);
}

// ——— The catalogue ———

function statsDto(stats: AgentStats) {
  return { deployments: stats.deployments, executions: stats.executions, success_rate: stats.successRate, p50_duration_ms: stats.p50DurationMs };
}

function catalogueDto(row: CatalogueRow) {
  const manifest = row.manifest as unknown as AgentManifest;
  return {
    object: 'agent' as const,
    agent_id: row.id,
    name: row.name,
    description: row.description,
    version: row.latestApprovedVersion,
    pricing: { model: manifest.pricing.model, amount: manifest.pricing.amount, currency: manifest.pricing.currency },
    category: row.category as AgentManifest['metadata']['category'],
    tags: row.tags,
    capabilities: manifest.capabilities,
    developer: { developer_id: row.developerId, name: row.developerName },
    stats: statsDto(row.stats),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Approved, unsuspended agents, filtered and sorted (any authenticated principal). */
export async function listCataloguePage(ctx: RequestContext, query: CatalogueQuery) {
  return toPage(await listCatalogue(ctx.db, query), query.limit, catalogueDto);
}

/**
 * One agent: the manifest of its newest approved version (for its developer and platform admins, the
 * newest version when none is approved yet), the JSON Schemas of its inputs and outputs, its versions
 * (approved ones only for everyone else), developer and stats. An agent that is not listed (pending,
 * rejected, suspended) answers 404 to everyone but its developer and platform admins.
 */
export async function getAgentDetail(ctx: RequestContext, agentId: string) {
  const agent = await findAgent(ctx.db, agentId);
  if (!agent) throw notFound('Agent', agentId);
  const everything = await seesEverything(ctx, agent);
  if (!isListed(agent) && !everything) throw notFound('Agent', agentId);
  const versions = await listAgentVersions(ctx.db, agentId);
  const shown = everything ? versions : versions.filter((v) => v.status === 'approved');
  const current = versions.find((v) => v.version === agent.latestApprovedVersion) ?? versions[0]!;
  const manifest = AgentManifestSchema.parse(current.manifest);
  const developer = await requireDeveloperById(ctx.db, agent.developerId);
  return {
    object: 'agent' as const,
    agent_id: agent.id,
    status: agentStatus(agent, versions),
    suspended_reason: agent.suspendedReason,
    version: current.version,
    manifest,
    input_schema: inputJsonSchema(manifest),
    output_schema: outputJsonSchema(manifest),
    versions: shown.map((v) => ({
      version: v.version,
      status: v.status as VersionStatus,
      created_at: v.createdAt.toISOString(),
      review_reason: v.reviewReason,
      reviewed_at: v.reviewedAt?.toISOString() ?? null,
    })),
    developer: { developer_id: developer.id, name: developer.name },
    stats: statsDto(await agentStats(ctx.db, agentId)),
    created_at: agent.createdAt.toISOString(),
    updated_at: agent.updatedAt.toISOString(),
  };
}

// ——— For the executions module ———

export interface RunnableVersion {
  agentId: string;
  version: string;
  manifest: AgentManifest;
  codeSha256: string;
  /** Who is credited for runs: the developer and its organization. */
  developer: { developerId: string; orgId: string };
}

/**
 * The version to deploy or run: `version`, or the newest approved one. An unknown agent, or one with
 * no approved version (visible to nobody outside its developer), is 404 not_found; a suspended agent
 * or a version that is not approved (or does not exist) is 409 agent_not_available.
 */
export async function loadRunnableVersion(db: Executor, agentId: string, version?: string, options: { allowSuspended?: boolean; app?: AppContext } = {}): Promise<RunnableVersion> {
  const cache = options.app ? versionCache(options.app) : null;
  // A run already paid for ends even if the agent is suspended meanwhile, so for such a run nothing
  // of the agent row can change the answer (its developer and org are never updated): it is cached whole.
  const wholeKey = options.allowSuspended && version !== undefined ? `${agentId}@${version}` : null;
  const whole = wholeKey ? cache?.runnable.get(wholeKey) : undefined;
  if (whole) return whole;
  const agent = await findAgent(db, agentId);
  if (!agent || agent.latestApprovedVersion === null) throw notFound('Agent', agentId);
  // A run already paid for ends even if the agent is suspended meanwhile (allowSuspended); new ones are refused.
  if (agent.suspendedAt && !options.allowSuspended) throw new DomainError('agent_not_available', `${agentId} is suspended: ${agent.suspendedReason ?? 'by a platform admin'}.`);
  const wanted = version ?? agent.latestApprovedVersion;
  const key = `${agentId}@${wanted}`;
  let approved = cache?.versions.get(key);
  if (!approved) {
    const row = await findAgentVersion(db, agentId, wanted);
    if (!row || row.status !== 'approved') throw new DomainError('agent_not_available', `${agentId} ${wanted} is not an approved version.`);
    approved = { version: row.version, manifest: AgentManifestSchema.parse(row.manifest), codeSha256: row.codeSha256 };
    cache?.put(cache.versions, key, approved);
  }
  const runnable: RunnableVersion = { agentId, ...approved, developer: { developerId: agent.developerId, orgId: agent.orgId } };
  if (wholeKey) cache?.put(cache.runnable, wholeKey, runnable);
  return runnable;
}

/**
 * Approved versions per database, parsed: a version leaves `pending_review` once (reviewAgentVersion
 * applies only to a pending one) and an approved row never changes again, so caching it cannot serve
 * a stale answer. Only the agent row (suspension, newest version) is read for every new run. Bounded:
 * beyond VERSION_CACHE_ENTRIES the oldest entry goes.
 */
const VERSION_CACHE_ENTRIES = 1000;
interface ApprovedVersion { version: string; manifest: AgentManifest; codeSha256: string }
interface VersionCache {
  versions: Map<string, ApprovedVersion>;
  runnable: Map<string, RunnableVersion>;
  put<V>(map: Map<string, V>, key: string, value: V): void;
}
const versionCaches = new WeakMap<object, VersionCache>();

function versionCache(app: AppContext): VersionCache {
  let cache = versionCaches.get(app.database);
  if (!cache) {
    cache = {
      versions: new Map(),
      runnable: new Map(),
      put(map, key, value) {
        map.set(key, value);
        if (map.size > VERSION_CACHE_ENTRIES) map.delete(map.keys().next().value!);
      },
    };
    versionCaches.set(app.database, cache);
  }
  return cache;
}

/** Artifacts are immutable (content-addressed), so the recently run ones are kept decoded, per blob store, up to a byte budget. */
const CODE_CACHE_BYTES = 64 * 1024 * 1024;
const codeCaches = new WeakMap<object, { entries: Map<string, string>; bytes: number }>();

/** An artifact's text from the blob store (throws when the blob is missing: a stored version always has one). */
export async function loadAgentCode(app: AppContext, codeSha256: string): Promise<string> {
  let cache = codeCaches.get(app.blobs);
  if (!cache) codeCaches.set(app.blobs, (cache = { entries: new Map(), bytes: 0 }));
  const cached = cache.entries.get(codeSha256);
  if (cached !== undefined) {
    // Most recently used last: the first entry is the one to evict.
    cache.entries.delete(codeSha256);
    cache.entries.set(codeSha256, cached);
    return cached;
  }
  const bytes = await app.blobs.get(codeSha256);
  if (!bytes) throw new Error(`agent code blob ${codeSha256} is missing from the blob store`);
  const code = bytes.toString('utf8');
  cache.entries.set(codeSha256, code);
  cache.bytes += bytes.length;
  while (cache.bytes > CODE_CACHE_BYTES && cache.entries.size > 1) {
    const [oldest, text] = cache.entries.entries().next().value!;
    cache.entries.delete(oldest);
    cache.bytes -= Buffer.byteLength(text, 'utf8');
  }
  return code;
}
