import { CheckCircle2, CircleAlert } from 'lucide-react';
import type { Check } from './api';

/** The static checks of an uploaded version (docs/agents.md, "Static checks"): passed, or flagged with the reason. */
export function Checks({ checks }: { checks: readonly Check[] }) {
  if (checks.length === 0) return <p className="text-sm text-slate-600">No checks recorded.</p>;
  return (
    <ul className="flex flex-col gap-1.5 text-sm">
      {checks.map((check) => (
        <li key={check.name} className="flex items-start gap-2">
          {check.passed ? (
            <CheckCircle2 className="mt-0.5 h-4 w-4 shrink-0 text-emerald-700" aria-hidden="true" />
          ) : (
            <CircleAlert className="mt-0.5 h-4 w-4 shrink-0 text-amber-700" aria-hidden="true" />
          )}
          <span>
            <span className="font-mono text-xs font-semibold text-slate-900">{check.name}</span>{' '}
            <span className={check.passed ? 'text-emerald-800' : 'font-medium text-amber-900'}>{check.passed ? 'passed' : 'flagged'}</span>
            {check.message && <span className="text-slate-700"> — {check.message}</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}

const VERSION_VARIANT: Record<string, 'success' | 'warning' | 'danger' | 'neutral'> = {
  approved: 'success',
  listed: 'success',
  pending_review: 'warning',
  rejected: 'danger',
  suspended: 'danger',
};

export function reviewVariant(status: string): 'success' | 'warning' | 'danger' | 'neutral' {
  return VERSION_VARIANT[status] ?? 'neutral';
}
