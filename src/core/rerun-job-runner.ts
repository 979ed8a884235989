import { ACTIVE_RERUN_JOB_STATES } from "../domain/index.ts";
import { advanceRerunJob, listRerunSources, lockDueRerunJob, nextRerunJobDue, StoreUnavailableError, type RerunJobRecord } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { isDomainError } from "./errors.ts";
import { queueRuns } from "./run-requests.ts";
import { createRerunRequest } from "./rerun.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids" | "config">;

/** What one page did: the job as it stands after it. */
export interface RerunJobPage {
  job: RerunJobRecord;
  /** Source runs taken by this page. */
  taken: number;
}

/**
 * Queues one page of the job due first, in one transaction: the job row is locked (SKIP LOCKED, so
 * no two processes work on one job), the next sources after its cursor are read by keyset, their
 * reruns go through the statement that queues every run (which applies the rerun rule: a source not
 * finished is skipped), and the cursor, counters and next due time are written before the commit.
 * A process killed mid-page rolls the whole page back; the next page starts where the last commit
 * left the cursor, so no source is rerun twice and none is passed over. A page takes at most
 * `rerunJobPageSize` sources and at most one second's worth at the job's rate, and the next page is
 * due when that many runs' worth of time has passed. Undefined when no job is due.
 */
export async function queueRerunJobPage(deps: Deps): Promise<RerunJobPage | undefined> {
  let lockedId: string | undefined;
  try {
    return await deps.db.transaction(async (tx) => {
      const now = deps.clock();
      const job = await lockDueRerunJob(tx, now, ACTIVE_RERUN_JOB_STATES);
      if (!job) return undefined;
      lockedId = job.id;
      const limit = Math.max(1, Math.min(deps.config.rerunJobPageSize, job.ratePerSecond));
      const sources = await listRerunSources(tx, job.id, limit);
      // Each source is queued as a single rerun without a body is: the one rerun path.
      const requests = sources.map((source) => createRerunRequest(deps, { accountId: job.accountId, workflowId: job.workflowId, runId: source.id }));
      const outcomes = await queueRuns(tx, requests);
      const queued = outcomes.filter((o) => o.ok).length;
      const skipped = outcomes.filter((o) => !o.ok && isDomainError(o.error, "run_not_rerunnable")).length;
      const last = sources.at(-1);
      const advanced = await advanceRerunJob(tx, {
        id: job.id,
        cursorCreatedAt: last?.createdAt ?? null,
        cursorSeq: last?.seq ?? null,
        queued,
        skipped,
        failed: outcomes.length - queued - skipped,
        state: sources.length < limit ? "completed" : "running",
        availableAt: new Date(now.getTime() + Math.ceil((Math.max(1, sources.length) * 1000) / job.ratePerSecond)),
        now,
        activeStates: ACTIVE_RERUN_JOB_STATES,
      });
      return { job: advanced ?? job, taken: sources.length };
    });
  } catch (err) {
    // A page the store refused (not an outage) would fail the same way again: the job stops, saying why.
    if (lockedId && !(err instanceof StoreUnavailableError)) {
      const now = deps.clock();
      await advanceRerunJob(deps.db, {
        id: lockedId,
        cursorCreatedAt: null,
        cursorSeq: null,
        queued: 0,
        skipped: 0,
        failed: 0,
        state: "failed",
        availableAt: now,
        now,
        errorMessage: `The job stopped: ${err instanceof Error ? err.message : String(err)}`,
        activeStates: ACTIVE_RERUN_JOB_STATES,
      });
    }
    throw err;
  }
}

/** Options of the job runner every serving process starts. */
export interface RerunJobRunnerOptions {
  /** Longest sleep between looks for due jobs (default 1,000 ms); a job due sooner is served on time. */
  pollIntervalMs?: number;
  onError?: (err: unknown) => void;
  /** Never look on its own: only `tick()` queues pages (tests, tools). */
  manual?: boolean;
}

/** Serves every process's share of bulk rerun jobs: whichever process finds a job due queues its next page. */
export interface RerunJobRunner {
  /** Queues every page due now (one per job per turn); resolves with the number of pages. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the runner; it looks for due jobs at once, then after each page's pacing or the poll interval. */
export function startRerunJobRunner(deps: Deps, options: RerunJobRunnerOptions = {}): RerunJobRunner {
  const pollMs = options.pollIntervalMs ?? 1_000;
  const onError = options.onError ?? (() => {});
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<number> | undefined;

  const tick = async (): Promise<number> => {
    let pages = 0;
    while (!stopped && (await queueRerunJobPage(deps))) pages++;
    return pages;
  };
  const loop = async () => {
    let waitMs = pollMs;
    try {
      current = tick();
      await current;
      const due = await nextRerunJobDue(deps.db, ACTIVE_RERUN_JOB_STATES);
      if (due) waitMs = Math.min(pollMs, Math.max(5, due.getTime() - deps.clock().getTime()));
    } catch (err) {
      onError(err);
    }
    if (!stopped) timer = setTimeout(() => void loop(), waitMs);
  };
  if (!options.manual) void loop();
  return {
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current?.catch(() => undefined);
    },
  };
}
