import { Badge } from '@/components/ui/badge';

type Variant = 'success' | 'warning' | 'danger' | 'neutral' | 'default';

const VARIANTS: Record<string, Variant> = {
  settled: 'success',
  succeeded: 'success',
  active: 'success',
  pending: 'warning',
  queued: 'default',
  running: 'default',
  awaiting_approval: 'warning',
  pending_approval: 'warning',
  failed: 'danger',
  timed_out: 'danger',
  rejected: 'danger',
  aborted: 'neutral',
};

/** A payment, execution or mandate status, coloured by what it means and always written out. */
export function StatusBadge({ status }: { status: string }) {
  return <Badge variant={VARIANTS[status] ?? 'neutral'}>{status.replaceAll('_', ' ')}</Badge>;
}
