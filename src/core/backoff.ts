import { StoreUnavailableError } from "../store/index.ts";

/** Pauses a worker's claims while the store is unreachable. */
export interface Backoff {
  /** True while claims and sweeps should wait. */
  isWaiting(): boolean;
  /** Records a failure; only store outages start or lengthen the pause. */
  fail(err: unknown): void;
  /** Records a successful claim: the pause ends. */
  succeed(): void;
}

/**
 * While the store is unreachable, claims and sweeps pause for a doubling interval (from the poll
 * interval up to `maxMs`) instead of failing every poll and every finished run; the first claim
 * that succeeds resets it. Runs that failed mid-way keep their lease and are reclaimed when it expires.
 */
export function createBackoff(baseMs: number, maxMs: number, now: () => number = Date.now): Backoff {
  let delayMs = 0;
  let until = 0;
  return {
    isWaiting: () => now() < until,
    fail(err: unknown): void {
      if (!(err instanceof StoreUnavailableError) && !(err instanceof Error && err.cause instanceof StoreUnavailableError)) return;
      delayMs = Math.min(delayMs === 0 ? Math.max(baseMs, 100) : delayMs * 2, maxMs);
      until = now() + delayMs;
    },
    succeed(): void {
      delayMs = 0;
      until = 0;
    },
  };
}
