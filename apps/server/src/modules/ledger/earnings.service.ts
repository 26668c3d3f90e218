import { DomainError, invalidField } from '@frameos/domain';
import type { RequestContext } from '../../context.ts';
import { assertCanReadOrg } from '../auth/principal.ts';
import { developerOfOrg } from '../registry/registry.service.ts';
import { developerEarnings } from './ledger.service.ts';

const DAY_MS = 86_400_000;

/**
 * GET /developers/me/earnings: the caller's developer earnings over [from, to) (default: the last
 * 30 days up to now), read from the ledger's marketplace accounts — never from a separate tally.
 */
export async function myEarnings(ctx: RequestContext, range: { from?: Date | undefined; to?: Date | undefined }) {
  assertCanReadOrg(ctx.principal);
  const developer = await developerOfOrg(ctx.db, ctx.principal.orgId);
  if (!developer) throw new DomainError('developer_required', 'The organization has no developer profile yet: POST /developers first.');
  // By default up to and including this instant.
  const to = range.to ?? new Date(ctx.now.getTime() + 1);
  const from = range.from ?? new Date(to.getTime() - 30 * DAY_MS);
  if (from >= to) throw invalidField('querystring.from', 'must be before to');
  const earnings = await developerEarnings(ctx.db, developer.developerId, from, to);
  return { object: 'developer_earnings' as const, developer_id: developer.developerId, from: from.toISOString(), to: to.toISOString(), ...earnings };
}
