import { DomainError, invalidFieldFromIssues, notFound } from '@frameos/domain';
import { railNotConfigured } from '../rails/rail-errors.ts';
import type { Executor } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { toPage } from '../../lib/pagination.ts';
import { isUniqueViolation } from '../../lib/pg-errors.ts';
import { assertAdmin, assertCanReadOrg } from '../auth/principal.ts';
import { findVendorBySlug, insertVendor, insertVendorIfMissing, listVendors, type VendorRow } from './vendors.repo.ts';
import { MARKETPLACE_RAIL, X402VendorSettingsSchema, type Rail } from './vendors.schemas.ts';

export function vendorDto(row: VendorRow) {
  return { object: 'vendor' as const, id: row.id, vendor_id: row.vendorId, name: row.name, rail: row.rail as Rail | typeof MARKETPLACE_RAIL, settings: row.settings, created_at: row.createdAt.toISOString() };
}

export async function createVendor(ctx: RequestContext, input: { vendor_id: string; name: string; rail: Rail; settings?: Record<string, string | number | boolean> | undefined }) {
  assertAdmin(ctx.principal);
  if (!ctx.app.rails.isConfigured(input.rail)) throw railNotConfigured(input.rail);
  if (input.rail === 'x402') assertX402Settings(input.settings ?? {});
  const id = newId('vendor');
  try {
    return await inTransaction(ctx, async (tx) => {
      await insertVendor(tx, { id, orgId: ctx.principal.orgId, vendorId: input.vendor_id, name: input.name, rail: input.rail, settings: input.settings ?? {}, createdAt: ctx.now });
      return vendorDto((await findVendorBySlug(tx, ctx.principal.orgId, input.vendor_id))!);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('vendor_exists', `A vendor with vendor_id ${input.vendor_id} already exists`);
    throw err;
  }
}

/**
 * The vendor row through which an org pays a marketplace agent (vendor_id = the agent's id, rail
 * `marketplace`), created by its first deployment. An org that already named one of its own vendors
 * after the agent id keeps it, and its executions are refused (the rail is not `marketplace`).
 */
export async function ensureMarketplaceVendor(db: Executor, orgId: string, agentId: string, name: string, now: Date): Promise<VendorRow> {
  await insertVendorIfMissing(db, { id: newId('vendor'), orgId, vendorId: agentId, name, rail: MARKETPLACE_RAIL, settings: {}, createdAt: now });
  const row = await findVendorBySlug(db, orgId, agentId);
  if (!row) throw new Error(`vendor ${agentId} vanished after insert`);
  if (row.rail !== MARKETPLACE_RAIL) throw new DomainError('vendor_exists', `The organization already has its own vendor ${agentId}; rename it to deploy the marketplace agent of that id.`);
  return row;
}

export async function requireVendor(db: Executor, orgId: string, vendorId: string): Promise<VendorRow> {
  const row = await findVendorBySlug(db, orgId, vendorId);
  if (!row) throw notFound('Vendor', vendorId);
  return row;
}

export async function getVendor(ctx: RequestContext, vendorId: string) {
  assertCanReadOrg(ctx.principal);
  return vendorDto(await requireVendor(ctx.db, ctx.principal.orgId, vendorId));
}

export async function listVendorsPage(ctx: RequestContext, limit: number, startingAfter?: string) {
  assertCanReadOrg(ctx.principal);
  return toPage(await listVendors(ctx.db, ctx.principal.orgId, limit, startingAfter), limit, vendorDto);
}

function assertX402Settings(settings: Record<string, unknown>): void {
  const parsed = X402VendorSettingsSchema.safeParse(settings);
  if (!parsed.success) throw invalidFieldFromIssues('body.settings', parsed.error.issues);
}
