import { abandonExpiredRuns, CANCEL_NOTICE_PREFIX, claimRuns, DEFAULT_ACCOUNT_MAX_RUNNING, renewLeases, RUNS_CHANNEL, type ClaimedRun, type RunRecord } from "../store/index.ts";
import { createBackoff } from "./backoff.ts";
import type { EngineDeps } from "./deps.ts";
import { executeRun, type RunOutcome } from "./executor.ts";
import { createGraphCache } from "./graph-cache.ts";
import { createRunWriter } from "./run-writer.ts";
import { expireWaits } from "./ui-input.ts";

/** Tuning for one worker; all optional. */
export interface WorkerOptions {
  /** Runs executed at once (default 4). */
  concurrency?: number;
  /** Fallback poll when no notification arrives; also sweeps abandoned runs (default 500 ms). */
  pollIntervalMs?: number;
  /**
   * Most runs one account may have running at once across every worker on the database (default 16,
   * `DEFAULT_ACCOUNT_MAX_RUNNING`); it applies even when no other account has work. Null: no cap.
   */
  accountMaxRunning?: number | null;
  /**
   * How long slots freed by finished runs wait to be claimed together while other runs still execute
   * (default {@link DEFAULT_REFILL_DELAY_MS}; 0: a claim per finished run).
   */
  refillDelayMs?: number;
  /** Lease length (default: engine config leaseMs). */
  leaseMs?: number;
  /** How often held leases are renewed (default leaseMs / 3). */
  renewIntervalMs?: number;
  /** Lease owner name (default a random `wk_…`). */
  workerId?: string;
  /** Longest pause between claims while the store is unreachable (default 3,000 ms). */
  maxBackoffMs?: number;
  /** Receives errors the worker survives (store outages, bugs). */
  onError?: (err: unknown, runId?: string) => void;
  /** Observes claims and outcomes (tests, benchmarks, metrics). */
  onEvent?: (event: WorkerEvent) => void;
}

/** Default of {@link WorkerOptions.refillDelayMs}, in ms. */
export const DEFAULT_REFILL_DELAY_MS = 10;

/** What a worker reports through `onEvent`. */
export type WorkerEvent =
  | { type: "claimed"; run: RunRecord; at: Date }
  | { type: "finished"; runId: string; outcome: RunOutcome; at: Date };

/** A pool of run executions fed by claims from the runs table. */
export interface Worker {
  readonly id: string;
  /** Starts listening, polling and renewing leases. */
  start(): Promise<void>;
  /** Stops claiming; in-flight runs finish, or are released back to pending at the deadline. */
  stop(options?: { deadlineMs?: number }): Promise<void>;
  /** Claims once (up to the free slots) and waits for those runs; returns how many were claimed. */
  tick(): Promise<number>;
  /** Ticks until nothing is due; for tests and one-shot tools. */
  drain(): Promise<void>;
  /** Runs currently executing. */
  readonly inFlight: number;
}

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

/** Creates a worker; it does nothing until `start()` (or `tick()`). */
export function createWorker(deps: EngineDeps, options: WorkerOptions = {}): Worker {
  const id = options.workerId ?? deps.ids.worker();
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const leaseMs = options.leaseMs ?? deps.config.leaseMs;
  const onError = options.onError ?? (() => {});
  const emit = options.onEvent ?? (() => {});
  const inFlight = new Map<string, InFlight>();
  const tools = { graphs: createGraphCache(), writer: createRunWriter(deps.db, { clock: deps.clock }) };
  let running = false;
  let stopping = false;
  let pumping: Promise<void> | undefined;
  let pumpAgain = false;
  let timers: NodeJS.Timeout[] = [];
  let unlisten: (() => Promise<void>) | undefined;
  const refillDelayMs = Math.max(0, options.refillDelayMs ?? DEFAULT_REFILL_DELAY_MS);
  const backoff = createBackoff(options.pollIntervalMs ?? 500, options.maxBackoffMs ?? 3_000);

  const claim = async (): Promise<Promise<void>[]> => {
    const free = concurrency - inFlight.size;
    if (free <= 0 || stopping || backoff.isWaiting()) return [];
    const now = deps.clock();
    const runs = await claimRuns(deps.db, {
      owner: id,
      now,
      leaseExpiresAt: new Date(now.getTime() + leaseMs),
      limit: free,
      maxAttempts: deps.config.maxAttempts,
      accountMaxRunning: options.accountMaxRunning === undefined ? DEFAULT_ACCOUNT_MAX_RUNNING : options.accountMaxRunning,
      exclude: [...inFlight.keys()],
    });
    backoff.succeed();
    return runs.map((run) => launch(run, now));
  };

  const launch = (run: ClaimedRun, at: Date): Promise<void> => {
    const controller = new AbortController();
    // The claim leaves out runs in flight here; should one still come back, the new claim supersedes
    // the old execution (whose writes its attempt now fences off), which ends before the new one starts.
    const previous = inFlight.get(run.id);
    previous?.controller.abort("lease_lost");
    emit({ type: "claimed", run, at });
    const entry: InFlight = { controller, done: Promise.resolve() };
    entry.done = (previous?.done ?? Promise.resolve())
      .then(() => executeRun(deps, run, { owner: id, signal: controller.signal }, tools))
      .then((outcome) => emit({ type: "finished", runId: run.id, outcome, at: deps.clock() }))
      .catch((err: unknown) => {
        backoff.fail(err);
        onError(err, run.id);
      })
      .finally(() => {
        if (inFlight.get(run.id) === entry) inFlight.delete(run.id);
        if (running) refill();
      });
    inFlight.set(run.id, entry);
    return entry.done;
  };

  // A claim costs the store about the same for one run as for a dozen (bench/RESULTS.md, figure 3's
  // statements): while other runs are still executing, the slots freed over a few milliseconds are
  // claimed together instead of one claim per finished run. An idle worker claims at once.
  let refillTimer: NodeJS.Timeout | undefined;
  const refill = (): void => {
    if (inFlight.size === 0 || refillDelayMs === 0) return void pump();
    refillTimer ??= setTimeout(() => {
      refillTimer = undefined;
      if (running) void pump();
    }, refillDelayMs);
  };

  // Coalesces wake-ups (a burst of notifications is one claim loop), keeps claiming while slots fill.
  const pump = (): Promise<void> => {
    if (pumping) {
      pumpAgain = true;
      return pumping;
    }
    pumping = (async () => {
      try {
        do {
          pumpAgain = false;
          const free = concurrency - inFlight.size;
          const started = await claim();
          if (free > 0 && started.length === free) pumpAgain = true;
        } while (pumpAgain && running && !stopping);
      } catch (err) {
        backoff.fail(err);
        onError(err);
      } finally {
        pumping = undefined;
      }
    })();
    return pumping;
  };

  const sweep = async (): Promise<void> => {
    if (backoff.isWaiting()) return;
    try {
      await abandonExpiredRuns(deps.db, deps.clock(), deps.config.maxAttempts);
      await expireWaits(deps);
    } catch (err) {
      backoff.fail(err);
      onError(err);
    }
  };

  const renew = async (): Promise<void> => {
    const ids = [...inFlight.keys()];
    if (ids.length === 0) return;
    try {
      const kept = new Map((await renewLeases(deps.db, id, ids, new Date(deps.clock().getTime() + leaseMs))).map((r) => [r.id, r.cancelRequested]));
      for (const runId of ids) {
        if (!kept.has(runId)) inFlight.get(runId)?.controller.abort("lease_lost");
        else if (kept.get(runId)) inFlight.get(runId)?.controller.abort("cancelled"); // its notification was lost
      }
    } catch (err) {
      onError(err);
    }
  };

  // The runs channel carries wake-ups and cancels (with the run id) from any process.
  const onNotify = (payload: string): void => {
    if (payload.startsWith(CANCEL_NOTICE_PREFIX)) inFlight.get(payload.slice(CANCEL_NOTICE_PREFIX.length))?.controller.abort("cancelled");
    else void pump();
  };

  const tick = async (): Promise<number> => {
    await sweep();
    const started = await claim();
    await Promise.allSettled(started);
    return started.length;
  };

  return {
    id,
    get inFlight() {
      return inFlight.size;
    },
    async start() {
      if (running) return;
      running = true;
      stopping = false;
      if (deps.db.listen) unlisten = await deps.db.listen(RUNS_CHANNEL, onNotify);
      const poll = setInterval(() => void sweep().then(pump), options.pollIntervalMs ?? 500);
      const renewal = setInterval(() => void renew(), options.renewIntervalMs ?? Math.max(50, Math.floor(leaseMs / 3)));
      timers = [poll, renewal];
      void sweep().then(pump);
    },
    async stop({ deadlineMs = 10_000 } = {}) {
      const deadline = Date.now() + deadlineMs;
      stopping = true;
      running = false;
      clearInterval(timers[0]);
      clearTimeout(refillTimer);
      refillTimer = undefined;
      await unlisten?.().catch(onError);
      unlisten = undefined;
      await pumping; // a claim already sent may still hand us runs: include them
      const all = Promise.allSettled([...inFlight.values()].map((f) => f.done));
      if (!(await settlesWithin(all, Math.max(0, deadline - Date.now())))) {
        for (const f of inFlight.values()) f.controller.abort("stopping");
        // Aborted runs release themselves in a few ms; one that ignores the signal is left to its lease.
        await settlesWithin(all, 2_000);
      }
      for (const t of timers) clearInterval(t);
      timers = [];
    },
    tick,
    async drain() {
      while ((await tick()) > 0) {
        // keep going until a claim comes back empty
      }
    },
  };
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
