import { DomainError } from '@frameos/domain';

/** The rail a vendor, rail account, payment or webhook names is not set up on this server (docs/rails.md). */
export function railNotConfigured(rail: string): DomainError {
  return new DomainError('rail_not_configured', `The ${rail} rail is not configured on this server`);
}
