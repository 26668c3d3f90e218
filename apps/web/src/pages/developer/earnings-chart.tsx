import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney } from '@/lib/money';
import { formatDate } from '@/lib/time';

export interface DayPoint {
  day: string;
  net: number;
  platform_fees: number;
}

/** Revenue by day (net to the developer + the platform fee = gross), in its own lazily loaded chunk (Recharts is large). */
export default function EarningsChart({ data, currency }: { data: DayPoint[]; currency: string }) {
  return (
    <div className="h-72 w-full" aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        {/* Hidden from assistive tech (the totals and per-agent tables say the same), so not focusable either: no accessibility layer. */}
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="day" tick={{ fontSize: 12, fill: '#475569' }} tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
          <YAxis tick={{ fontSize: 12, fill: '#475569' }} tickFormatter={(v: number) => formatMoney(v, currency)} width={80} />
          <Tooltip
            formatter={(value, name) => [formatMoney(Number(value), currency), name === 'net' ? 'Net (yours)' : 'Platform fee']}
            labelFormatter={(label) => formatDate(`${String(label)}T12:00:00Z`)}
          />
          <Legend formatter={(name: string) => (name === 'net' ? 'Net (yours)' : 'Platform fee')} />
          <Bar dataKey="net" stackId="gross" fill="#4338ca" />
          <Bar dataKey="platform_fees" stackId="gross" fill="#94a3b8" />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
