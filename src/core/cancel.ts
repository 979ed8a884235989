import type { RunStatus } from "../domain/index.ts";
import { cancelRunRows, findRun, findWorkflow, type RunRecord } from "../store/index.ts";
import { CANCELLED_LOG_OUTPUT, CANCELLED_MESSAGE } from "./cancel-words.ts";
import type { EngineDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";
import { CANCELLABLE_STATUSES } from "./state-machine.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids">;

/** Most runs one cancel-by-filter request takes; the answer says how many matching runs remain. */
export const MAX_CANCEL_BATCH = 1_000;

/** Input of cancelRun; `workflowId`, when given (Alloy's path), must be the run's workflow. */
export interface CancelRunInput {
  accountId: string;
  runId: string;
  workflowId?: string;
}

/** A cancelled run: ended now (`failed`, `run_cancelled`), or still `running` until its worker stops it. */
export interface CancelledRun {
  run: RunRecord;
  /** True while the run is running: its worker fails it at its next node boundary (an in-flight HTTP call is aborted). */
  stopping: boolean;
}

/**
 * Cancels one pending, delayed, running or waiting run. A run no worker holds ends at once as
 * `failed` with the code `run_cancelled`; a running run is asked to stop, and the worker holding it,
 * in whichever process, fails it the same way at its next node boundary. Asking again for a run
 * still stopping answers it again. A finished run is `run_not_cancellable`.
 */
export async function cancelRun(deps: Deps, input: CancelRunInput): Promise<CancelledRun> {
  const { runs } = await cancelRunRows(deps.db, {
    ...cancelWords(deps, 1),
    accountId: input.accountId,
    runId: input.runId,
    workflowId: input.workflowId,
    statuses: CANCELLABLE_STATUSES,
    limit: 1,
    skipRequested: false,
  });
  const run = runs[0];
  if (run) return { run, stopping: run.status === "running" };
  const found = await findRun(deps.db, input.runId, input.accountId);
  if (!found || (input.workflowId !== undefined && found.workflowId !== input.workflowId)) {
    throw new DomainError("run_not_found", `Run ${input.runId} not found`);
  }
  throw new DomainError("run_not_cancellable", `Run ${input.runId} is ${found.status}; only ${CANCELLABLE_STATUSES.join(", ")} runs can be cancelled`, {
    details: { status: found.status },
  });
}

/** A cancel by filter: one workflow's runs in the given statuses, created in [createdFrom, createdTo). */
export interface CancelRunsInput {
  accountId: string;
  workflowId: string;
  /** Default: every cancellable status; statuses that cannot be cancelled match nothing. */
  statuses?: readonly RunStatus[];
  createdFrom?: Date;
  createdTo?: Date;
  /** Only this end user's runs (Alloy's `userId`). */
  endUserId?: string;
  /** At most {@link MAX_CANCEL_BATCH} (the default). */
  limit?: number;
}

/** What a cancel by filter did. */
export interface CancelRunsResult {
  /** Matching runs not cancelled before this request (a running run already stopping is not counted). */
  matched: number;
  /** Runs ended now (they were pending, delayed or waiting). */
  cancelled: number;
  /** Running runs asked to stop at their next node boundary. */
  stopping: number;
  /** Matching runs left beyond this request's limit: send it again to take them. */
  remaining: number;
}

/**
 * Cancels up to `limit` of a workflow's matching runs, oldest first, in one statement, so a request
 * stays bounded however many runs match; repeating it takes the next ones.
 */
export async function cancelRuns(deps: Deps, input: CancelRunsInput): Promise<CancelRunsResult> {
  if (!(await findWorkflow(deps.db, input.accountId, input.workflowId))) {
    throw new DomainError("workflow_not_found", `Workflow ${input.workflowId} not found`);
  }
  const limit = Math.max(1, Math.min(input.limit ?? MAX_CANCEL_BATCH, MAX_CANCEL_BATCH));
  const statuses = input.statuses ? CANCELLABLE_STATUSES.filter((s) => input.statuses!.includes(s)) : CANCELLABLE_STATUSES;
  const { runs, matched } = await cancelRunRows(deps.db, {
    ...cancelWords(deps, limit),
    accountId: input.accountId,
    workflowId: input.workflowId,
    statuses,
    createdFrom: input.createdFrom,
    createdTo: input.createdTo,
    endUserId: input.endUserId,
    limit,
    skipRequested: true,
  });
  const stopping = runs.filter((r) => r.status === "running").length;
  return { matched, cancelled: runs.length - stopping, stopping, remaining: Math.max(0, matched - runs.length) };
}

function cancelWords(deps: Deps, logs: number) {
  return {
    now: deps.clock(),
    errorMessage: CANCELLED_MESSAGE,
    logOutput: { ...CANCELLED_LOG_OUTPUT },
    logIds: Array.from({ length: logs }, () => deps.ids.log()),
  };
}
