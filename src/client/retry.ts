/** A fetch as openapi-fetch calls it (and as the clients' `fetch` option takes it). */
export type RequestFetch = (request: Request) => Promise<Response>;

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** The fetch that sends each attempt; defaults to the global fetch. */
  fetch?: RequestFetch;
  /** Attempts in all, the first included (default 3). */
  attempts?: number;
  /** Wait before the second attempt, doubled before each further one (default 250 ms). */
  baseDelayMs?: number;
  /** Longest wait; an answer whose Retry-After asks for more is returned instead of retried (default 10 s). */
  maxDelayMs?: number;
  /** Statuses worth another attempt (default 408, 429, 502, 503, 504). */
  retryStatuses?: readonly number[];
  /** Waits; injected by tests. Defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Current time in ms, to read an HTTP-date Retry-After; defaults to Date.now. */
  now?: () => number;
  /** Called before each wait, e.g. to log it. */
  onRetry?: (event: { attempt: number; delayMs: number; status?: number; error?: unknown }) => void;
}

const DEFAULT_STATUSES = [408, 429, 502, 503, 504];
/** Methods that change nothing or whose repeat has the effect of one call; POST only with an Idempotency-Key. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Whether a request may be sent again without risking a second effect. */
export function isRetrySafe(request: Request): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  return request.method === "POST" && request.headers.has("Idempotency-Key");
}

/**
 * Wraps a fetch so that a safe request (see {@link isRetrySafe}) is sent again after a network error or
 * a retryable status, at most `attempts` times in all, waiting `Retry-After` when the answer has one and
 * an exponential backoff otherwise. Anything else is sent exactly once. Pass it as a client's `fetch`.
 * @example createAltostratClient({ baseUrl, token, fetch: withRetry({ attempts: 4 }) });
 */
export function withRetry(options: RetryOptions = {}): RequestFetch {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const attempts = Math.max(1, options.attempts ?? 3);
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const statuses = new Set(options.retryStatuses ?? DEFAULT_STATUSES);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;

  return async (request) => {
    if (!isRetrySafe(request)) return send(request);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts || request.signal.aborted;
      let response: Response;
      try {
        // Each attempt sends a copy, so the body is still there for the next one.
        response = await send(last ? request : request.clone());
      } catch (error) {
        if (last || !isNetworkError(error)) throw error;
        const delayMs = backoff(attempt);
        options.onRetry?.({ attempt, delayMs, error });
        await sleep(delayMs);
        continue;
      }
      if (last || !statuses.has(response.status)) return response;
      const delayMs = readRetryAfter(response.headers.get("Retry-After"), now()) ?? backoff(attempt);
      if (delayMs > maxDelayMs) return response;
      options.onRetry?.({ attempt, delayMs, status: response.status });
      await discardBody(response);
      await sleep(delayMs);
    }
  };

  function backoff(attempt: number): number {
    return Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  }
}

/** fetch rejects with a TypeError when no answer arrived; an AbortError (the caller gave up) is not retried. */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}

/** Milliseconds a `Retry-After` value asks to wait (delay-seconds or an HTTP date), or undefined. */
export function readRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Reads and drops the body of an answer that will not be returned, so its connection is free again.
 * Reading rather than cancelling: a browser reports a cancelled body as an aborted request.
 */
export async function discardBody(response: Response): Promise<void> {
  await response.arrayBuffer().catch(() => undefined);
}
