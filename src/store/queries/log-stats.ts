import type { Db } from "../db.ts";

/** Counts behind a workflow's log statistics (Altostrat's `GET /workflows/{workflowId}/logs/stats`). */
export interface WorkflowLogCounts {
  /** Log entries by status; copies a resumed run inherited are left out (the node ran once). */
  success: number;
  error: number;
  warning: number;
  /** Runs that finished at or after `finishedSince`, by outcome. */
  completed: number;
  failed: number;
  /** Every stored run of the workflow. */
  totalRuns: number;
}

/** What to count: one workflow, and the start of the "recent" window (the caller's clock decides it). */
export interface WorkflowLogCountsQuery {
  workflowId: string;
  finishedSince: Date;
}

/**
 * One aggregate over the workflow's logs and one over its runs, each a single index range scan
 * (`node_logs_workflow_idx`, `runs_workflow_idx`), joined into one row. Statuses are parameters.
 */
export async function countWorkflowLogs(db: Db, q: WorkflowLogCountsQuery): Promise<WorkflowLogCounts> {
  const { rows } = await db.query<WorkflowLogCounts>(
    `SELECT l.success, l.error, l.warning, r.completed, r.failed, r.total AS "totalRuns"
     FROM (SELECT count(*) FILTER (WHERE status = $3)::int AS success,
                  count(*) FILTER (WHERE status = $4)::int AS error,
                  count(*) FILTER (WHERE status = $5)::int AS warning
           FROM node_logs WHERE workflow_id = $1 AND copied_from IS NULL) l
     CROSS JOIN
          (SELECT count(*) FILTER (WHERE status = $6 AND completed_at >= $2)::int AS completed,
                  count(*) FILTER (WHERE status = $7 AND completed_at >= $2)::int AS failed,
                  count(*)::int AS total
           FROM runs WHERE workflow_id = $1) r`,
    [q.workflowId, q.finishedSince, "success", "error", "warning", "completed", "failed"],
  );
  return rows[0]!;
}
