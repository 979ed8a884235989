import type { RequestHandler } from "express";
import { HttpProblem } from "./problem.ts";

/** How much run-creating work one process takes on before it refuses more (ADMISSION_* in src/config.ts). */
export interface AdmissionLimits {
  /** Run-creating requests being served at once, both listeners together. */
  maxInFlight: number;
  /** Of those, how many one account may hold, so one tenant's burst cannot take every place. */
  accountMaxInFlight: number;
  /**
   * Refuse while a timer due every half of this (ms, within 5..100 ms) has fired more than this late
   * twice in a row; 0: never. Requests waiting to be read are invisible to the in-flight count: past
   * the sustainable rate they queue in the socket buffers and the loop's delay is what grows, so this
   * bound is about the latency an accepted request can expect (figure 12 of bench/RESULTS.md).
   */
  maxEventLoopDelayMs: number;
  /**
   * Runs one account may have queued (due, not yet started) before its new runs are refused; 0: no
   * bound. Accepting past what the workers execute only grows the queue: this keeps an account's
   * accepted rate near its executed rate, and one account's backlog from delaying the others' runs.
   */
  accountMaxQueuedRuns: number;
  /** What the 503's Retry-After says. */
  retryAfterSeconds: number;
}

/** Where admission reads the queued work from (the engine's count of due, unclaimed runs per account). */
export interface QueuedRunsSource {
  countQueuedRuns(): Promise<Map<string, number>>;
}

// The queued runs are counted this often; between counts each admitted request adds one to its account.
const QUEUE_SAMPLE_MS = 250;

// The loop's delay is sampled every half of the bound (so a loop turn as long as the bound shows at
// once), at most every 100 ms and at least every 5 ms; two late samples in a row refuse, so one long
// pause (a full collection, the process descheduled on a busy machine) does not.
function sampleWindowMs(maxDelayMs: number): number {
  return Math.min(100, Math.max(5, Math.round(maxDelayMs / 2)));
}

/**
 * Admission control for the operations that queue a run. Past the rate the store and the executor
 * sustain, such requests wait for the store (group commit) and their latency grows without bound;
 * counting the ones in progress and refusing beyond a bound answers the excess at once with 503
 * `overloaded` and Retry-After instead, so what is accepted keeps a bounded latency. A request
 * counts from admission until its response ends or its connection closes.
 */
export interface Admission {
  /**
   * Middleware placed before everything but the request id (body parsing, authentication): refuses
   * while the process is full or late, so a refusal costs little more than parsing the request line.
   */
  readonly screen: RequestHandler;
  /** Middleware placed after authentication (so the caller's account is known) on each admitted operation. */
  readonly admit: RequestHandler;
  /** Requests admitted and not yet answered. */
  readonly inFlight: number;
  /** True while the event loop is too late to take more (see {@link AdmissionLimits.maxEventLoopDelayMs}). */
  readonly lagging: boolean;
  /** Stops watching the event loop. */
  stop(): void;
}

/** Admits up to the limits; one instance is shared by both APIs' listeners of a process. */
export function createAdmission(limits: AdmissionLimits, source?: QueuedRunsSource, sampleMs = QUEUE_SAMPLE_MS): Admission {
  let inFlight = 0;
  const queue = limits.accountMaxQueuedRuns > 0 && source ? watchQueuedRuns(source, sampleMs) : undefined;
  const perAccount = new Map<string, number>();
  const refuse = (who: string) =>
    new HttpProblem(503, "overloaded", `The server is at capacity for ${who}; retry after the number of seconds in Retry-After.`, undefined, limits.retryAfterSeconds);

  const lag = watchEventLoop(limits.maxEventLoopDelayMs);

  const full = () => inFlight >= limits.maxInFlight || lag.lagging;
  const screen: RequestHandler = (_req, _res, next) => next(full() ? refuse("new runs") : undefined);

  const admit: RequestHandler = (_req, res, next) => {
    // Public operations (a webhook) run with an empty account: they count towards the total only.
    const accountId = (res.locals.ctx as { accountId?: string } | undefined)?.accountId || undefined;
    const held = accountId === undefined ? 0 : (perAccount.get(accountId) ?? 0);
    if (full()) return next(refuse("new runs"));
    if (accountId !== undefined && held >= limits.accountMaxInFlight) return next(refuse("this account's new runs"));
    if (accountId !== undefined && queue && queue.count(accountId) >= limits.accountMaxQueuedRuns) return next(refuse("this account's queued runs"));
    if (accountId !== undefined) queue?.add(accountId);
    inFlight += 1;
    if (accountId !== undefined) perAccount.set(accountId, held + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight -= 1;
      if (accountId === undefined) return;
      const left = (perAccount.get(accountId) ?? 1) - 1;
      if (left > 0) perAccount.set(accountId, left);
      else perAccount.delete(accountId);
    };
    res.once("finish", release);
    res.once("close", release);
    next();
  };

  return {
    screen,
    admit,
    get inFlight() {
      return inFlight;
    },
    get lagging() {
      return lag.lagging;
    },
    stop: () => {
      lag.stop();
      queue?.stop();
    },
  };
}

/**
 * Counts each account's queued runs every `sampleMs` (one count at a time; a failed count keeps the
 * last one), and between counts adds the runs admitted since, so a burst is weighed before the next count.
 */
function watchQueuedRuns(source: QueuedRunsSource, sampleMs: number): { count(accountId: string): number; add(accountId: string): void; stop(): void } {
  let counts = new Map<string, number>();
  let counting = false;
  const timer = setInterval(() => {
    if (counting) return;
    counting = true;
    source
      .countQueuedRuns()
      .then((fresh) => void (counts = fresh))
      .catch(() => undefined)
      .finally(() => (counting = false));
  }, sampleMs);
  timer.unref();
  return {
    count: (accountId) => counts.get(accountId) ?? 0,
    add: (accountId) => void counts.set(accountId, (counts.get(accountId) ?? 0) + 1),
    stop: () => clearInterval(timer),
  };
}

/** Watches the event loop: `lagging` while a timer due every window fired over `maxMs` late twice in a row. */
function watchEventLoop(maxMs: number): { readonly lagging: boolean; stop(): void } {
  if (maxMs <= 0) return { lagging: false, stop: () => {} };
  const windowMs = sampleWindowMs(maxMs);
  let over = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    over = now - last - windowMs > maxMs ? over + 1 : 0;
    last = now;
  }, windowMs);
  timer.unref();
  return {
    get lagging() {
      return over >= 2;
    },
    stop: () => clearInterval(timer),
  };
}
