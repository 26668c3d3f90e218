export interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** Rows are fetched with limit + 1 so we know whether another page exists without counting. */
export function toPage<T extends { id: string }, D>(rows: T[], limit: number, toDto: (row: T) => D): Page<D> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return { object: 'list', data: pageRows.map(toDto), has_more: hasMore, next_cursor: hasMore ? (pageRows.at(-1)?.id ?? null) : null };
}
