import type { RunStatus } from "../../domain/index.ts";
import type { Db } from "../db.ts";
import type { RunRecord } from "../records.ts";
import { CANCEL_NOTICE_PREFIX, RUN_COLUMNS, RUNS_CHANNEL } from "./runs.ts";

/** Which runs one cancel statement takes: one run by id, or a workflow's runs by status and creation time. */
export interface CancelQuery {
  accountId: string;
  /** One run; with `workflowId` too, it must belong to that workflow. */
  runId?: string;
  workflowId?: string;
  /** Only this end user's runs (Alloy's `userId`). */
  endUserId?: string;
  /** Statuses to take; the caller's rule of what is cancellable (or a subset of it). */
  statuses: readonly RunStatus[];
  /** Created at or after. */
  createdFrom?: Date;
  /** Created before. */
  createdTo?: Date;
  /** Most runs taken, oldest first. */
  limit: number;
  /** Leave runs whose cancel was already requested (a filter converges); a single cancel asks again. */
  skipRequested: boolean;
  now: Date;
  /** The failed run's `error_message`. */
  errorMessage: string;
  /** The output of the error log each run ended here gets (at the node where it stood). */
  logOutput: Record<string, unknown>;
  /** Ids for those logs, at least `limit` of them. */
  logIds: string[];
}

/** What one cancel statement did: the runs it took (running ones still running, the rest failed) and how many matched. */
export interface CancelResult {
  runs: RunRecord[];
  /** Runs matching the query before it acted (taken or not: beyond `limit`). */
  matched: number;
}

/**
 * Cancels runs in one statement. A run no worker holds (pending, delayed, waiting) is failed at once
 * with `errorMessage` and one error log at the node where it stood: the ui_interaction node it waits
 * at, else its latest own log's node (the delay), else the node it would start at (its resume node, else the trigger). A running
 * run gets `cancel_requested_at` and a notification (`CANCEL_NOTICE_PREFIX` and its id) on the runs channel: the worker that
 * holds it fails it at its next node boundary. Rows are locked and rechecked, so a run claimed or
 * finished meanwhile is judged on its newest state.
 */
export async function cancelRunRows(db: Db, q: CancelQuery): Promise<CancelResult> {
  const { rows } = await db.query<Record<string, unknown>>(
    `WITH matching AS (
       SELECT id, created_at, seq FROM runs
       WHERE account_id = $1 AND ($2::text IS NULL OR id = $2) AND ($3::text IS NULL OR workflow_id = $3)
         AND status = ANY($4::text[]) AND NOT ($7::boolean AND cancel_requested_at IS NOT NULL)
         AND ($13::text IS NULL OR end_user_id = $13)
         AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
     ), target AS (
       SELECT r.id AS target_id FROM runs r WHERE r.id IN (SELECT id FROM matching ORDER BY created_at, seq LIMIT $8)
         AND r.status = ANY($4::text[])
       FOR UPDATE
     ), changed AS (
       UPDATE runs r SET
         cancel_requested_at = COALESCE(r.cancel_requested_at, $9),
         status = CASE WHEN r.status = 'running' THEN r.status ELSE 'failed' END,
         error_message = CASE WHEN r.status = 'running' THEN r.error_message ELSE $10 END,
         completed_at = CASE WHEN r.status = 'running' THEN r.completed_at ELSE $9 END,
         lease_owner = CASE WHEN r.status = 'running' THEN r.lease_owner END,
         lease_expires_at = CASE WHEN r.status = 'running' THEN r.lease_expires_at END
       FROM target t WHERE r.id = t.target_id
       RETURNING ${RUN_COLUMNS}, resume_from_node AS resume_node, workflow_version AS version, seq
     ), numbered AS (
       SELECT c.*, row_number() OVER (ORDER BY c."createdAt", c.seq) AS ord FROM changed c
     ), stood AS (
       SELECT c.id, c."workflowId", c."accountId", c.ord,
              COALESCE(c."awaitingNode", last.node_id, start.node_id) AS node_id,
              CASE WHEN c."awaitingNode" IS NOT NULL THEN 'ui_interaction' ELSE COALESCE(last.component_id, start.component_id) END AS component_id
       FROM numbered c
       LEFT JOIN LATERAL (SELECT l.node_id, l.component_id FROM node_logs l
                          WHERE l.run_id = c.id AND l.copied_from IS NULL ORDER BY l.seq DESC LIMIT 1) last ON true
       LEFT JOIN workflow_versions v ON v.workflow_id = c."workflowId" AND v.version = c.version
       LEFT JOIN LATERAL (SELECT n->>'id' AS node_id, n->>'type' AS component_id FROM jsonb_array_elements(v.definition->'nodes') n
                          WHERE CASE WHEN c.resume_node IS NULL THEN n->>'type' = 'trigger' ELSE n->>'id' = c.resume_node END
                          LIMIT 1) start ON true
       WHERE c.status = 'failed'
     ), logged AS (
       INSERT INTO node_logs (id, run_id, workflow_id, account_id, node_id, component_id, status, output, started_at, created_at)
       SELECT ($12::text[])[s.ord], s.id, s."workflowId", s."accountId", s.node_id, s.component_id, 'error', $11::jsonb, $9, $9
       FROM stood s WHERE s.node_id IS NOT NULL
       RETURNING id
     )
     SELECT c.*, (SELECT count(*)::int FROM matching) AS matched, (SELECT count(*) FROM logged) AS logs,
            CASE WHEN c.status = 'running' THEN pg_notify('${RUNS_CHANNEL}', '${CANCEL_NOTICE_PREFIX}' || c.id) END AS notified
     FROM numbered c ORDER BY c.ord`,
    [
      q.accountId,
      q.runId ?? null,
      q.workflowId ?? null,
      q.statuses,
      q.createdFrom ?? null,
      q.createdTo ?? null,
      q.skipRequested,
      q.limit,
      q.now,
      q.errorMessage,
      JSON.stringify(q.logOutput),
      q.logIds,
      q.endUserId ?? null,
    ],
  );
  const matched = rows.length > 0 ? (rows[0]!.matched as number) : await countMatching(db, q);
  return { runs: rows.map(toRunRecord), matched };
}

function toRunRecord(row: Record<string, unknown>): RunRecord {
  const { matched: _m, notified: _n, logs: _l, resume_node: _r, version: _v, ord: _o, seq: _s, ...run } = row;
  return run as unknown as RunRecord;
}

/** When nothing was taken the statement returns no row to carry the count: ask for it alone. */
async function countMatching(db: Db, q: CancelQuery): Promise<number> {
  const { rows } = await db.query<{ matched: number }>(
    `SELECT count(*)::int AS matched FROM runs
     WHERE account_id = $1 AND ($2::text IS NULL OR id = $2) AND ($3::text IS NULL OR workflow_id = $3)
       AND status = ANY($4::text[]) AND NOT ($7::boolean AND cancel_requested_at IS NOT NULL)
       AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
       AND ($8::text IS NULL OR end_user_id = $8)`,
    [q.accountId, q.runId ?? null, q.workflowId ?? null, q.statuses, q.createdFrom ?? null, q.createdTo ?? null, q.skipRequested, q.endUserId ?? null],
  );
  return rows[0]?.matched ?? 0;
}
