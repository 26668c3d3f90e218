import { useQueries, useQuery } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '@/api/client';
import type { paths } from '@/api/schema';
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

/**
 * The public API has no "list my agents": the app takes the catalogue's agents whose developer is
 * this one (listed agents) plus the ids registered from this browser (pending or rejected ones,
 * which only `GET /agents/:id` shows to their developer).
 */
export function useMyListedAgentIds(developerId: string | undefined) {
  const user = useUserKey();
  return useQuery({
    queryKey: [user, 'agents', 'by-developer', developerId],
    enabled: developerId !== undefined,
    queryFn: async ({ signal }) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      // At most 10 pages of 100: the catalogue is walked whole, filtered here.
      for (let page = 0; page < 10; page++) {
        const list = await unwrap(api.GET('/agents', { params: { query: { limit: 100, ...(cursor ? { starting_after: cursor } : {}) } }, signal }));
        for (const agent of list.data) if (agent.developer.developer_id === developerId) ids.push(agent.agent_id);
        if (!list.has_more || !list.next_cursor) break;
        cursor = list.next_cursor;
      }
      return ids;
    },
  });
}

export function useAgentDetails(ids: readonly string[]) {
  const user = useUserKey();
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: [user, 'agent', id],
      retry: false,
      queryFn: ({ signal }: { signal: AbortSignal }) => unwrap(api.GET('/agents/{id}', { params: { path: { id } }, signal })),
    })),
  });
}

const STORAGE_PREFIX = 'frameos.registered-agents.';

/** Agent ids this browser registered for a developer (ids only: nothing secret). */
export function rememberedAgentIds(developerId: string): string[] {
  try {
    const raw = localStorage.getItem(STORAGE_PREFIX + developerId);
    const value: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberAgentId(developerId: string, agentId: string): void {
  const ids = rememberedAgentIds(developerId);
  if (ids.includes(agentId)) return;
  try {
    localStorage.setItem(STORAGE_PREFIX + developerId, JSON.stringify([...ids, agentId]));
  } catch {
    // Storage unavailable: the agent still shows once it is listed.
  }
}

export function forgetAgentId(developerId: string, agentId: string): void {
  try {
    localStorage.setItem(STORAGE_PREFIX + developerId, JSON.stringify(rememberedAgentIds(developerId).filter((id) => id !== agentId)));
  } catch {
    // ignore
  }
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
