import { purgeExpiredIdempotencyKeys, purgeRunsBefore } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { RUN_STATUSES } from "../domain/index.ts";
import { isTerminal } from "./state-machine.ts";

/** Only runs that can no longer change are purged (a waiting run ends by its own timeout first). */
const FINISHED_STATUSES = RUN_STATUSES.filter(isTerminal);

/** How much one purge removed. */
export interface PurgeResult {
  runs: number;
  idempotencyKeys: number;
}

/** Options for purgeExpired. */
export interface PurgeOptions {
  /** Keep runs newer than this many days (default: engine config retentionDays, 7). */
  days?: number;
  /** Rows deleted per statement, so a large purge never holds long locks (default 500). */
  batchSize?: number;
  /** Upper bound on statements per call; the next call continues (default 100). */
  maxBatches?: number;
}

/** Deletes finished runs (with their logs) older than the retention window, and expired idempotency keys. */
export async function purgeExpired(deps: Pick<EngineDeps, "db" | "clock" | "config">, options: PurgeOptions = {}): Promise<PurgeResult> {
  const now = deps.clock();
  const days = options.days ?? deps.config.retentionDays;
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 100;
  const cutoff = new Date(now.getTime() - days * 24 * 3600 * 1000);
  const result: PurgeResult = { runs: 0, idempotencyKeys: 0 };
  for (let i = 0; i < maxBatches; i++) {
    const n = await purgeRunsBefore(deps.db, cutoff, batchSize, FINISHED_STATUSES);
    result.runs += n;
    if (n < batchSize) break;
  }
  for (let i = 0; i < maxBatches; i++) {
    const n = await purgeExpiredIdempotencyKeys(deps.db, now, batchSize);
    result.idempotencyKeys += n;
    if (n < batchSize) break;
  }
  return result;
}

/** A running periodic purge. */
export interface RetentionTask {
  /** Purges now (also what each interval does). */
  runOnce(): Promise<PurgeResult>;
  stop(): Promise<void>;
}

/** Purges every `intervalMs` (default hourly); overlapping purges are skipped, errors go to onError. */
export function startRetention(
  deps: Pick<EngineDeps, "db" | "clock" | "config">,
  options: PurgeOptions & { intervalMs?: number; clock?: () => Date; onError?: (err: unknown) => void; onPurged?: (result: PurgeResult) => void } = {},
): RetentionTask {
  const scoped = { ...deps, clock: options.clock ?? deps.clock };
  let current: Promise<PurgeResult> | undefined;
  const runOnce = (): Promise<PurgeResult> => {
    current ??= purgeExpired(scoped, options)
      .then((result) => {
        options.onPurged?.(result);
        return result;
      })
      .finally(() => (current = undefined));
    return current;
  };
  const timer = setInterval(() => void runOnce().catch(options.onError ?? (() => {})), options.intervalMs ?? 3_600_000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await current?.catch(() => {});
    },
  };
}
