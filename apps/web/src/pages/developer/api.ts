import { useQuery } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '@/api/client';
import type { paths } from '@frameos/client/schema';
import { useSession } from '@/auth/session';

export type Developer = paths['/developers/me']['get']['responses'][200]['content']['application/json'];
export type Earnings = paths['/developers/me/earnings']['get']['responses'][200]['content']['application/json'];
export type RegisteredVersion = paths['/agents/register']['post']['responses'][201]['content']['application/json'];
export type Check = RegisteredVersion['checks'][number];

function useUserKey(): string {
  return useSession()?.userId ?? 'anonymous';
}

/** The org's developer profile; `null` when it has none yet (403 developer_required). */
export function useDeveloper() {
  const user = useUserKey();
  return useQuery({
    queryKey: [user, 'developer-me'],
    retry: false,
    queryFn: async ({ signal }): Promise<Developer | null> => {
      try {
        return await unwrap(api.GET('/developers/me', { signal }));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'developer_required') return null;
        throw err;
      }
    },
  });
}

export function useEarnings(range: { from: string; to: string }, enabled: boolean) {
  const user = useUserKey();
  return useQuery<Earnings>({
    queryKey: [user, 'developer-earnings', range],
    enabled,
    placeholderData: (previous) => previous,
    queryFn: ({ signal }) => unwrap(api.GET('/developers/me/earnings', { params: { query: range }, signal })),
  });
}

export type MyAgent = paths['/developers/me/agents']['get']['responses'][200]['content']['application/json']['data'][number];

/** The developer's own agents, pending and rejected ones included, each with every version (GET /developers/me/agents, all pages). */
export function useMyAgents(developerId: string | undefined) {
  const user = useUserKey();
  return useQuery({
    queryKey: [user, 'my-agents', developerId],
    enabled: developerId !== undefined,
    queryFn: async ({ signal }) => {
      const all: MyAgent[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const list = await unwrap(api.GET('/developers/me/agents', { params: { query: { limit: 100, ...(cursor ? { starting_after: cursor } : {}) } }, signal }));
        all.push(...list.data);
        if (!list.has_more || !list.next_cursor) break;
        cursor = list.next_cursor;
      }
      return all;
    },
  });
}

/** `errors: [{path, message}]` of an `invalid_manifest` answer, keyed by path. */
export function apiFieldErrors(error: unknown): { path: string; message: string }[] {
  if (!(error instanceof ApiError)) return [];
  const list = error.details.errors;
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: unknown) => {
    const item = e as { path?: unknown; message?: unknown };
    return typeof item?.message === 'string' ? [{ path: typeof item.path === 'string' ? item.path : '', message: item.message }] : [];
  });
}

export function apiChecks(error: unknown): Check[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details.checks)) return [];
  return error.details.checks as Check[];
}
