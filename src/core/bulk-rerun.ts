import { ACTIVE_RERUN_JOB_STATES, type RunStatus, type TriggerType } from "../domain/index.ts";
import { cancelRerunJobRow, findRerunJob, findWorkflow, insertRerunJob, type RerunJobRecord } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";
import { createIdempotently } from "./idempotency.ts";
import { createUlidFactory } from "./ids.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "config">;

/** Bulk rerun jobs one account may have pending or running at once; one more is `too_many_rerun_jobs`. */
export const MAX_ACTIVE_RERUN_JOBS = 5;

/** Prefix of a bulk rerun job's id (`rrj_` and a lowercase ULID), the same on both APIs. */
export const RERUN_JOB_ID_PREFIX = "rrj_";

/**
 * Which runs of a workflow to rerun: the cancel-by-filter vocabulary (statuses, created from/to, end
 * user) plus trigger types. Every field narrows; none given means every run created before the job.
 */
export interface RerunFilter {
  /** Only runs in these statuses; runs that are not finished when their turn comes are skipped. */
  statuses?: readonly RunStatus[];
  triggerTypes?: readonly TriggerType[];
  /** Created at or after. */
  createdFrom?: Date;
  /** Created before; never later than the job itself, so the job does not walk into its own reruns. */
  createdTo?: Date;
  /** Only this end user's runs (Alloy's `userId`). */
  endUserId?: string;
}

/** Input of createRerunJob. */
export interface CreateRerunJobInput extends RerunFilter {
  accountId: string;
  workflowId: string;
  /** Runs queued per second; default `rerunJobDefaultRate`, never above `rerunJobMaxRate`. */
  ratePerSecond?: number;
  idempotencyKey?: string;
}

/** A job and whether an idempotency key answered an earlier one. */
export interface StartedRerunJob {
  job: RerunJobRecord;
  replayed: boolean;
}

/**
 * Records a bulk rerun job; the job runner (`rerun-job-runner.ts`, in any process) then queues its
 * reruns page by page at the job's rate, each through the one statement that queues every run.
 */
export async function createRerunJob(deps: Deps, input: CreateRerunJobInput): Promise<StartedRerunJob> {
  const now = deps.clock();
  const rate = Math.max(1, Math.min(Math.floor(input.ratePerSecond ?? deps.config.rerunJobDefaultRate), deps.config.rerunJobMaxRate));
  const createdTo = input.createdTo && input.createdTo < now ? input.createdTo : now;
  const request = {
    workflowId: input.workflowId,
    statuses: input.statuses ? [...input.statuses].sort() : null,
    triggerTypes: input.triggerTypes ? [...input.triggerTypes].sort() : null,
    createdFrom: input.createdFrom?.toISOString() ?? null,
    createdTo: input.createdTo?.toISOString() ?? null,
    endUserId: input.endUserId ?? null,
    ratePerSecond: input.ratePerSecond ?? null,
  };
  const { value, replayed } = await createIdempotently(
    deps,
    { accountId: input.accountId, operation: "bulk_rerun", key: input.idempotencyKey, request },
    async (tx) => {
      if (!(await findWorkflow(tx, input.accountId, input.workflowId))) {
        throw new DomainError("workflow_not_found", `Workflow ${input.workflowId} not found`);
      }
      const job = await insertRerunJob(
        tx,
        {
          id: RERUN_JOB_ID_PREFIX + createUlidFactory(deps.clock)(),
          accountId: input.accountId,
          workflowId: input.workflowId,
          statuses: input.statuses ? [...input.statuses] : null,
          triggerTypes: input.triggerTypes ? [...input.triggerTypes] : null,
          endUserId: input.endUserId ?? null,
          createdFrom: input.createdFrom ?? null,
          createdTo,
          ratePerSecond: rate,
          createdAt: now,
        },
        MAX_ACTIVE_RERUN_JOBS,
        ACTIVE_RERUN_JOB_STATES,
      );
      if (!job) {
        throw new DomainError("too_many_rerun_jobs", `The account already has ${MAX_ACTIVE_RERUN_JOBS} bulk rerun jobs in progress; wait for one to finish or cancel one`);
      }
      return job;
    },
    {
      remember: (job) => ({ response: { rerunJobId: job.id } }),
      replay: async (tx, record) => {
        const jobId = (record.response as { rerunJobId?: string } | null)?.rerunJobId;
        const job = jobId ? await findRerunJob(tx, input.accountId, jobId) : undefined;
        if (!job) throw new DomainError("rerun_job_not_found", `Bulk rerun job ${jobId} created for idempotency key '${input.idempotencyKey}' no longer exists`);
        return job;
      },
    },
  );
  return { job: value, replayed };
}

/** Input of getRerunJob and cancelRerunJob; `workflowId`, when given (Alloy's path), must be the job's workflow. */
export interface RerunJobRef {
  accountId: string;
  jobId: string;
  workflowId?: string;
}

/** A job of the caller's account, with its progress. */
export async function getRerunJob(deps: Pick<EngineDeps, "db">, ref: RerunJobRef): Promise<RerunJobRecord> {
  const job = await findRerunJob(deps.db, ref.accountId, ref.jobId, ref.workflowId);
  if (!job) throw new DomainError("rerun_job_not_found", `Bulk rerun job ${ref.jobId} not found`);
  return job;
}

/**
 * Cancels a pending or running job: no page is queued after it (runs already queued stay queued).
 * Cancelling a cancelled job answers it again; a completed or failed one is `rerun_job_not_cancellable`.
 */
export async function cancelRerunJob(deps: Pick<EngineDeps, "db" | "clock">, ref: RerunJobRef): Promise<RerunJobRecord> {
  const cancelled = await cancelRerunJobRow(deps.db, { ...ref, now: deps.clock(), activeStates: ACTIVE_RERUN_JOB_STATES });
  if (cancelled) return cancelled;
  const job = await getRerunJob(deps, ref);
  if (job.state === "cancelled") return job;
  throw new DomainError("rerun_job_not_cancellable", `Bulk rerun job ${ref.jobId} is ${job.state}; only ${ACTIVE_RERUN_JOB_STATES.join(" or ")} jobs can be cancelled`, {
    details: { state: job.state },
  });
}
