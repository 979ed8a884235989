import { StoreUnavailableError } from "./db.ts";

/** How long start-up keeps trying an unreachable store, and how it paces the attempts. */
export interface StartupRetryOptions {
  /** What is being reached, for the final message, e.g. `PostgreSQL at db.internal:5432/reprise`. */
  target: string;
  /** Milliseconds after the first attempt when start-up gives up. */
  deadlineMs: number;
  /** Where the deadline is configured, named in the final message (e.g. `STORE_STARTUP_TIMEOUT_MS`). */
  deadlineSetting?: string;
  /** First pause between attempts (default 250 ms); it doubles after each failure up to `maxDelayMs`. */
  initialDelayMs?: number;
  /** Longest pause between attempts (default 5,000 ms). */
  maxDelayMs?: number;
  /** Injected clock and sleep: tests check the pacing without waiting. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each pause, e.g. to log one line per failed attempt. */
  onRetry?: (retry: { attempt: number; delayMs: number; reason: string }) => void;
}

/** Start-up gave up: the store stayed unreachable until the deadline. The message is one line. */
export class StoreStartupTimeoutError extends Error {
  override readonly name = "StoreStartupTimeoutError";
}

export const DEFAULT_STARTUP_INITIAL_DELAY_MS = 250;
export const DEFAULT_STARTUP_MAX_DELAY_MS = 5_000;

/**
 * Runs `attempt` (open the store, migrate, start what needs it) until it succeeds. A failure that
 * means "store unreachable" (StoreUnavailableError, also as a cause) is retried after a doubling
 * pause; the last attempt starts at the deadline, so start-up ends at most one attempt past it.
 * Any other failure (bad password, newer schema) is thrown at once: waiting would not fix it.
 * @throws StoreStartupTimeoutError naming the target, the deadline and the last reason
 */
export async function connectWithRetry<T>(attempt: () => Promise<T>, options: StartupRetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const giveUpAt = now() + options.deadlineMs;
  let delayMs = options.initialDelayMs ?? DEFAULT_STARTUP_INITIAL_DELAY_MS;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      const left = giveUpAt - now();
      if (left <= 0) throw new StoreStartupTimeoutError(describeGivingUp(options, n, err));
      const pause = Math.min(delayMs, left);
      options.onRetry?.({ attempt: n, delayMs: pause, reason: reasonOf(err) });
      await sleep(pause);
      delayMs = Math.min(delayMs * 2, options.maxDelayMs ?? DEFAULT_STARTUP_MAX_DELAY_MS);
    }
  }
}

/** `PostgreSQL at host:port/database`: what a connection string reaches, without its credentials. */
export function describePostgresTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `PostgreSQL at ${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname || ""}`;
  } catch {
    return "PostgreSQL (DATABASE_URL)";
  }
}

function isUnreachable(err: unknown): boolean {
  return err instanceof StoreUnavailableError || (err instanceof Error && err.cause instanceof StoreUnavailableError);
}

function describeGivingUp(options: StartupRetryOptions, attempts: number, err: unknown): string {
  const seconds = Math.round(options.deadlineMs / 100) / 10;
  const setting = options.deadlineSetting ? `, ${options.deadlineSetting}` : "";
  return `could not reach ${options.target} within ${seconds} s (${attempts} attempts${setting}); last error: ${reasonOf(err)}`;
}

function reasonOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").trim();
}
