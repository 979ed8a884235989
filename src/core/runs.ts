import {
  countWorkflowLogs,
  findRun,
  listLogRows,
  listLogsForRuns,
  listRunLogs,
  listRunRows,
  type LogQuery,
  type NodeLogRecord,
  type RunRecord,
} from "../store/index.ts";
import type { TriggerType } from "../domain/index.ts";
import type { EngineDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";
import { createRunIdempotently, type StartedRun } from "./idempotency.ts";
import { createQueueRequest, queueRun } from "./run-requests.ts";
import { clampInt, getWorkflow } from "./workflows.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids" | "config">;

/** A run with its node logs in execution order. */
export interface RunWithLogs extends RunRecord {
  logs: NodeLogRecord[];
}

/** Input of executeWorkflow. */
export interface ExecuteWorkflowInput {
  accountId: string;
  workflowId: string;
  /** Becomes `context.trigger` (Altostrat `context`, webhook `{webhook_payload}`, Alloy `data`). */
  payload: unknown;
  triggerType?: Extract<TriggerType, "manual" | "webhook" | "event">;
  /** Alloy's userId: whose run this is. */
  endUserId?: string | null;
  idempotencyKey?: string;
}

/** Queues a run of the workflow's current version; workers pick it up (pg_notify wakes them). */
export async function executeWorkflow(deps: Deps, input: ExecuteWorkflowInput): Promise<StartedRun> {
  const triggerType = input.triggerType ?? "manual";
  const endUserId = input.endUserId ?? null;
  const payload = input.payload ?? {};
  return createRunIdempotently(
    deps,
    { accountId: input.accountId, operation: "execute", key: input.idempotencyKey, request: { workflowId: input.workflowId, payload, triggerType, endUserId } },
    (tx) =>
      queueRun(
        tx,
        createQueueRequest(deps, { accountId: input.accountId, workflowId: input.workflowId, sourceRunId: null, triggerType, payload, endUserId, resumeFromNode: null }),
      ),
  );
}

/** An account's run with its logs, or run_not_found (also for purged runs and other accounts' runs). */
export async function getRun(deps: Pick<EngineDeps, "db">, accountId: string, runId: string): Promise<RunWithLogs> {
  const run = await findRun(deps.db, runId, accountId);
  if (!run) throw new DomainError("run_not_found", `Run ${runId} not found`);
  return { ...run, logs: await listRunLogs(deps.db, run.id) };
}

/** Input of listRuns: one workflow's runs, a page at a time. */
export interface ListRunsInput {
  accountId: string;
  workflowId: string;
  page?: number;
  perPage?: number;
  endUserId?: string;
  order?: "asc" | "desc";
}

/** A page of runs with the numbers both APIs' paging needs. */
export interface RunPage<R extends RunRecord = RunRecord> {
  runs: R[];
  total: number;
  page: number;
  perPage: number;
  lastPage: number;
}

/** A workflow's runs, newest first unless `order: "asc"`. */
export async function listRuns(deps: Pick<EngineDeps, "db">, input: ListRunsInput): Promise<RunPage> {
  await getWorkflow(deps, input.accountId, input.workflowId);
  const page = clampInt(input.page, 1, 1_000_000, 1);
  const perPage = clampInt(input.perPage, 1, 100, 15);
  const { runs, total } = await listRunRows(deps.db, {
    workflowId: input.workflowId,
    endUserId: input.endUserId,
    order: input.order ?? "desc",
    limit: perPage,
    offset: (page - 1) * perPage,
  });
  return { runs, total, page, perPage, lastPage: Math.max(1, Math.ceil(total / perPage)) };
}

/** Like listRuns, with each run's logs loaded in one more query (Alloy's logs list shows them). */
export async function listRunsWithLogs(deps: Pick<EngineDeps, "db">, input: ListRunsInput): Promise<RunPage<RunWithLogs>> {
  const page = await listRuns(deps, input);
  const byRun = new Map<string, NodeLogRecord[]>(page.runs.map((r) => [r.id, []]));
  for (const log of await listLogsForRuns(deps.db, [...byRun.keys()])) byRun.get(log.runId)?.push(log);
  return { ...page, runs: page.runs.map((run) => ({ ...run, logs: byRun.get(run.id)! })) };
}

/** Input of listLogs: an account's workflow logs, filtered as the store's LogQuery (limit optional). */
export type ListLogsInput = Omit<LogQuery, "limit"> & { accountId: string; limit?: number };

/** A workflow's node logs, newest first (default 100, at most 1000). */
export async function listLogs(deps: Pick<EngineDeps, "db">, input: ListLogsInput): Promise<NodeLogRecord[]> {
  await getWorkflow(deps, input.accountId, input.workflowId);
  return listLogRows(deps.db, { ...input, limit: clampInt(input.limit, 1, 1000, 100) });
}

/** How far back "recent" runs of the log statistics reach. */
export const RECENT_RUNS_DAYS = 30;

/** Log and run statistics for a workflow (recent = finished in the last {@link RECENT_RUNS_DAYS} days). */
export interface LogStats {
  /** Log entries by status; copies a resumed run inherited are not counted again. */
  logStatuses: { success: number; error: number; warning: number };
  recentRuns: { completed: number; failed: number };
  totalRuns: number;
  /** Percentage of recent finished runs that completed, 0–100 with two decimals. */
  successRate: number;
}

/** Counts for Altostrat's logs/stats; "recent" is measured back from the engine's clock. */
export async function getLogStats(deps: Pick<EngineDeps, "db" | "clock">, input: { accountId: string; workflowId: string }): Promise<LogStats> {
  await getWorkflow(deps, input.accountId, input.workflowId);
  const finishedSince = new Date(deps.clock().getTime() - RECENT_RUNS_DAYS * 24 * 3600 * 1000);
  const c = await countWorkflowLogs(deps.db, { workflowId: input.workflowId, finishedSince });
  const finished = c.completed + c.failed;
  return {
    logStatuses: { success: c.success, error: c.error, warning: c.warning },
    recentRuns: { completed: c.completed, failed: c.failed },
    totalRuns: c.totalRuns,
    successRate: finished === 0 ? 0 : Math.round((c.completed / finished) * 10_000) / 100,
  };
}
