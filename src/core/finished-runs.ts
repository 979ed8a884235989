import { createLruCache } from "../shared/lru-cache.ts";
import type { RunWithLogs } from "./runs.ts";
import { isTerminal } from "./state-machine.ts";

/** How long a process trusts a cached finished run; bounds how late it notices another process's purge. */
export const FINISHED_RUN_TTL_MS = 60_000;

/** Finished runs larger than this (payload and logs as JSON) are read from the store each time. */
export const MAX_CACHED_RUN_BYTES = 16 * 1024;

/**
 * A bounded cache of finished runs with their logs: a completed or failed run never changes again,
 * so reads of it (the hot path of polling clients) need not reach the store. A run older than the
 * retention horizon is never served from here, so a purged run is not found as soon as it is purged.
 * Only runs up to `maxEntryBytes` are kept, so the cache holds at most maxEntries × maxEntryBytes of
 * data however large payloads and outputs get.
 */
export function createFinishedRunCache(options: { maxEntries: number; retentionDays: () => number; maxEntryBytes?: number }) {
  const maxEntryBytes = options.maxEntryBytes ?? MAX_CACHED_RUN_BYTES;
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
      if (!isTerminal(run.status) || !fitsIn(run, maxEntryBytes)) return;
      cache.set(keyOf(accountId, run.id), run, now.getTime() + FINISHED_RUN_TTL_MS);
    },
  };
}

/** Whether the run's JSON (payload and log outputs included) is at most `bytes` long. */
function fitsIn(run: RunWithLogs, bytes: number): boolean {
  return JSON.stringify(run).length <= bytes;
}
