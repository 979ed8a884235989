import type { Db } from "../db.ts";
import type { RunRecord } from "../records.ts";
import { RUN_COLUMNS, RUNS_CHANNEL } from "./runs.ts";

/** A person's input for the node a run waits at. */
export interface Delivery {
  accountId: string;
  runId: string;
  nodeId: string;
  input: unknown;
  logId: string;
  now: Date;
}

/**
 * Resumes a run waiting at `nodeId` with the input as that node's success log, in one conditional
 * update: only while the run is the account's, `awaiting_ui_interaction` at that node, and its wait
 * has not run out. Of concurrent deliveries exactly one is written; the others get undefined. The
 * run is queued again (pending, due now) and the workers are woken.
 */
export async function deliverNodeInput(db: Db, d: Delivery): Promise<RunRecord | undefined> {
  const { rows } = await db.query<RunRecord & { notified: unknown }>(
    `WITH resumed AS (
       UPDATE runs SET status = 'pending', available_at = $4, awaiting_node = NULL, input_deadline = NULL
       WHERE id = $1 AND account_id = $2 AND status = 'awaiting_ui_interaction' AND awaiting_node = $3 AND input_deadline > $4
       RETURNING ${RUN_COLUMNS}
     ), logged AS (
       INSERT INTO node_logs (id, run_id, workflow_id, account_id, node_id, component_id, status, output, started_at, created_at)
       SELECT $5, r.id, r."workflowId", r."accountId", $3, 'ui_interaction', 'success', $6::jsonb, $4, $4 FROM resumed r
       RETURNING id
     )
     SELECT r.*, pg_notify('${RUNS_CHANNEL}', '') AS notified FROM resumed r`,
    [d.runId, d.accountId, d.nodeId, d.now, d.logId, JSON.stringify(d.input)],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { notified: _notified, ...run } = row;
  return run;
}

/** What a run whose wait ran out gets: its `error_message` (`{node}` names the node) and its error log's output. */
export interface ExpiryWords {
  now: Date;
  limit: number;
  messageTemplate: string;
  logOutput: Record<string, unknown>;
  /** Ids for the error logs, at least `limit` of them. */
  logIds: string[];
}

/**
 * Fails up to `limit` runs whose wait for a person ran out before `now`, each with an error log at
 * the node it waited at. Rows are locked with SKIP LOCKED, so sweeps of several processes, and a
 * delivery racing the deadline, each decide a run once.
 */
export async function expireAwaitingRuns(db: Db, w: ExpiryWords): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `WITH expired AS (
       UPDATE runs SET status = 'failed', completed_at = $1, error_message = replace($3, '{node}', awaiting_node)
       WHERE id IN (
         SELECT id FROM runs WHERE status = 'awaiting_ui_interaction' AND input_deadline <= $1
         ORDER BY input_deadline LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, workflow_id, account_id, awaiting_node, input_deadline
     ), numbered AS (
       SELECT e.*, row_number() OVER (ORDER BY e.input_deadline, e.id) AS ord FROM expired e
     ), logged AS (
       INSERT INTO node_logs (id, run_id, workflow_id, account_id, node_id, component_id, status, output, started_at, created_at)
       SELECT ($5::text[])[n.ord], n.id, n.workflow_id, n.account_id, n.awaiting_node, 'ui_interaction', 'error', $4::jsonb, n.input_deadline, $1
       FROM numbered n WHERE n.awaiting_node IS NOT NULL
       RETURNING id
     )
     SELECT id FROM numbered`,
    [w.now, w.limit, w.messageTemplate, JSON.stringify(w.logOutput), w.logIds],
  );
  return rows.map((r) => r.id);
}
