import { createLruCache } from "../shared/lru-cache.ts";
import type { RunWithLogs } from "./runs.ts";
import { isTerminal } from "./state-machine.ts";

/** How long a process trusts a cached finished run; bounds how late it notices another process's purge. */
export const FINISHED_RUN_TTL_MS = 60_000;

/**
 * A bounded cache of finished runs with their logs: a completed or failed run never changes again,
 * so reads of it (the hot path of polling clients) need not reach the store. A run older than the
 * retention horizon is never served from here, so a purged run is not found as soon as it is purged.
 */
export function createFinishedRunCache(options: { maxEntries: number; retentionDays: () => number }) {
  const cache = createLruCache<RunWithLogs>(options.maxEntries);
  const keyOf = (accountId: string, runId: string) => `${accountId}\u0000${runId}`;
  return {
    /** The cached run, unless absent, stale, or past the retention horizon at `now`. */
    get(accountId: string, runId: string, now: Date): RunWithLogs | undefined {
      const key = keyOf(accountId, runId);
      const run = cache.get(key, now.getTime());
      if (run && run.createdAt.getTime() < now.getTime() - options.retentionDays() * 86_400_000) {
        cache.delete(key);
        return undefined;
      }
      return run;
    },
    /** Forgets everything (after this process purged runs). */
    clear(): void {
      cache.clear();
    },
    /** Keeps `run` if it is finished; other runs still change and are never cached. */
    remember(accountId: string, run: RunWithLogs, now: Date): void {
      if (isTerminal(run.status)) cache.set(keyOf(accountId, run.id), run, now.getTime() + FINISHED_RUN_TTL_MS);
    },
  };
}
