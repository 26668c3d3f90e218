import { useId, useState, type ReactNode } from 'react';
import { Check, Copy, TriangleAlert } from 'lucide-react';
import { ApiError } from '@/api/client';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Label } from '@/components/ui/label';
import { currencyExponent, isCurrencyCode } from '../../../../../packages/domain/src/money/currencies.ts';

export { isCurrencyCode };

/** "12.50" in a currency → 1250 minor units, exactly (string arithmetic); null when it is not an amount of that currency. */
export function parseMoney(text: string, currency: string): number | null {
  if (!isCurrencyCode(currency)) return null;
  const digits = currencyExponent(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > digits) return null;
  const minor = Number(whole + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** 1250 minor units → "12.50" (for an input's initial value). */
export function minorToInput(amount: number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return '';
  if (!isCurrencyCode(currency)) return String(amount);
  const digits = currencyExponent(currency);
  if (digits === 0) return String(amount);
  const text = String(amount).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export function moneyHint(currency: string): string {
  if (!isCurrencyCode(currency)) return 'Choose a currency first.';
  const digits = currencyExponent(currency);
  return digits === 0 ? `Whole ${currency} (no decimals).` : `In ${currency}, up to ${digits} decimals.`;
}

/** The `field` a validation_error names (`body.per_tx_cap` → `per_tx_cap`, `body.time_window.start` → `time_window.start`). */
export function errorField(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'validation_error') return null;
  const field = error.details.field;
  return typeof field === 'string' ? field.replace(/^body\./, '') : null;
}

/** A labelled form field with its hint and its error, tied by aria-describedby. */
export function Field({
  label,
  error,
  hint,
  children,
  className,
}: {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  children: (props: { id: string; 'aria-invalid': boolean | undefined; 'aria-describedby': string | undefined }) => ReactNode;
  className?: string;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`flex flex-col gap-1.5 ${className ?? ''}`}>
      <Label htmlFor={id}>{label}</Label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}

/** An API error inside a form: the message and its code. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert variant="destructive">
      <AlertDescription>
        <p>{message}</p>
        {error instanceof ApiError && <p className="mt-1 font-mono text-xs">{error.code}</p>}
      </AlertDescription>
    </Alert>
  );
}

export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      type="button"
      variant="secondary"
      size="sm"
      onClick={() => {
        void navigator.clipboard?.writeText(value).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 2000);
          },
          () => setCopied(false),
        );
      }}
    >
      {copied ? <Check className="h-4 w-4" aria-hidden="true" /> : <Copy className="h-4 w-4" aria-hidden="true" />}
      <span aria-live="polite">{copied ? 'Copied' : label}</span>
    </Button>
  );
}

/** A secret the API returns once (an agent key, an org key, a webhook signing secret): shown with a copy button and a warning. */
export function SecretDialog({ open, onClose, title, secret, what, children }: { open: boolean; onClose: () => void; title: string; secret: string; what: string; children?: ReactNode }) {
  return (
    <Dialog open={open} onOpenChange={(next) => !next && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{children}</DialogDescription>
        </DialogHeader>
        <Alert variant="destructive" role="alert">
          <div className="flex items-start gap-2">
            <TriangleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
            <div>
              <AlertTitle>Copy the {what} now: it is shown only once</AlertTitle>
              <AlertDescription>FrameOS keeps only a hash of it. If you lose it, make a new one and revoke or rotate this one.</AlertDescription>
            </div>
          </div>
        </Alert>
        <div className="flex flex-col gap-2">
          <Label htmlFor="one-time-secret">{what[0]?.toUpperCase() + what.slice(1)}</Label>
          <div className="flex items-center gap-2">
            <input
              id="one-time-secret"
              readOnly
              value={secret}
              onFocus={(e) => e.currentTarget.select()}
              className="h-10 w-full min-w-0 rounded-md border border-slate-400 bg-slate-50 px-3 font-mono text-xs text-slate-900"
            />
            <CopyButton value={secret} />
          </div>
        </div>
        <DialogFooter>
          <DialogClose asChild>
            <Button>I have copied it</Button>
          </DialogClose>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** "Are you sure" for destructive actions (revoke, delete, remove), with the API's error shown in place. */
export function ConfirmDialog({
  open,
  onClose,
  title,
  children,
  confirm,
  pending,
  error,
  onConfirm,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirm: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
}) {
  return (
    <Dialog open={open} onOpenChange={(next) => !next && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{children}</DialogDescription>
        </DialogHeader>
        <FormError error={error} />
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button variant="destructive" disabled={pending} onClick={onConfirm}>
            {pending ? 'Working…' : confirm}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** Saves a value as a JSON file (a Blob download; nothing leaves the browser). */
export function downloadJson(filename: string, value: unknown): void {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Forward-only cursors (starting_after), with the previous pages remembered for "Previous". */
export function useCursorPages() {
  const [stack, setStack] = useState<(string | undefined)[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  return {
    cursor,
    page: stack.length + 1,
    hasPrevious: stack.length > 0,
    next: (nextCursor: string) => {
      setStack([...stack, cursor]);
      setCursor(nextCursor);
    },
    previous: () => {
      setCursor(stack.at(-1));
      setStack(stack.slice(0, -1));
    },
    reset: () => {
      setStack([]);
      setCursor(undefined);
    },
  };
}

export function Pager({ page, hasPrevious, hasNext, onPrevious, onNext }: { page: number; hasPrevious: boolean; hasNext: boolean; onPrevious: () => void; onNext: () => void }) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center justify-between gap-2">
      <Button variant="secondary" size="sm" disabled={!hasPrevious} onClick={onPrevious}>
        Previous
      </Button>
      <span className="text-sm text-slate-600">Page {page}</span>
      <Button variant="secondary" size="sm" disabled={!hasNext} onClick={onNext}>
        Next
      </Button>
    </nav>
  );
}

export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : hash;
}
