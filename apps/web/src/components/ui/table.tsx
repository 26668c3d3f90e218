import type { ComponentProps } from 'react';
import { cn } from '@/lib/cn';

/**
 * Scrolls sideways on a phone instead of squeezing the columns. The scroller is a tab stop so a
 * keyboard can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function Table({ className, ...props }: ComponentProps<'table'>) {
  return (
    <div tabIndex={0} className="w-full overflow-x-auto rounded-sm focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:outline-none">
      <table className={cn('w-full caption-bottom text-sm', className)} {...props} />
    </div>
  );
}
export function TableHeader(props: ComponentProps<'thead'>) {
  return <thead className="border-b border-slate-200 text-left" {...props} />;
}
export function TableBody(props: ComponentProps<'tbody'>) {
  return <tbody className="divide-y divide-slate-100" {...props} />;
}
export function TableRow({ className, ...props }: ComponentProps<'tr'>) {
  return <tr className={cn('hover:bg-slate-50', className)} {...props} />;
}
export function TableHead({ className, ...props }: ComponentProps<'th'>) {
  return <th scope="col" className={cn('h-10 px-3 font-medium whitespace-nowrap text-slate-700', className)} {...props} />;
}
export function TableCell({ className, ...props }: ComponentProps<'td'>) {
  return <td className={cn('px-3 py-2.5 align-middle', className)} {...props} />;
}
export function TableCaption({ className, ...props }: ComponentProps<'caption'>) {
  return <caption className={cn('mt-3 text-sm text-slate-600', className)} {...props} />;
}
