import type { Db } from "../db.ts";
import type { LogStatus } from "../../domain/index.ts";
import type { NodeLogRecord } from "../records.ts";

// A copy's source run is its own run's `rerun_of` (a resume copies from the run it resumes), which
// outlives the source's logs when retention purges them first; looked up only for copies.
const LOG_COLUMNS = `id, run_id AS "runId", workflow_id AS "workflowId", node_id AS "nodeId", component_id AS "componentId",
  status, output, copied_from AS "copiedFrom",
  CASE WHEN copied_from IS NULL THEN NULL ELSE (SELECT r.rerun_of FROM runs r WHERE r.id = node_logs.run_id) END AS "copiedFromRunId",
  started_at AS "startedAt", created_at AS "createdAt"`;

/** A log entry to write for a node a worker just ran. */
export interface NewLog {
  id: string;
  runId: string;
  nodeId: string;
  componentId: string;
  status: LogStatus;
  output: unknown;
  startedAt: Date;
  createdAt: Date;
}

/** Copies successful logs from a source run into a new run (resume-from-node inherits them). */
export async function copyLogs(
  db: Db,
  copies: { id: string; sourceLogId: string }[],
  targetRunId: string,
  at: Date,
): Promise<void> {
  if (copies.length === 0) return;
  await db.query(
    `INSERT INTO node_logs (id, run_id, workflow_id, account_id, node_id, component_id, status, output, copied_from, started_at, created_at)
     SELECT c.id, r.id, r.workflow_id, r.account_id, l.node_id, l.component_id, l.status, l.output, l.id, l.started_at, $4
     FROM unnest($1::text[], $2::text[]) AS c(id, source_id)
     JOIN node_logs l ON l.id = c.source_id
     JOIN runs r ON r.id = $3`,
    [copies.map((c) => c.id), copies.map((c) => c.sourceLogId), targetRunId, at],
  );
}

/** A run's logs in the order they were written. */
export async function listRunLogs(db: Db, runId: string): Promise<NodeLogRecord[]> {
  const { rows } = await db.query<NodeLogRecord>(`SELECT ${LOG_COLUMNS} FROM node_logs WHERE run_id = $1 ORDER BY seq`, [runId]);
  return rows;
}

/** The logs of several runs at once (one query for a page of runs), each run's in execution order. */
export async function listLogsForRuns(db: Db, runIds: string[]): Promise<NodeLogRecord[]> {
  if (runIds.length === 0) return [];
  const { rows } = await db.query<NodeLogRecord>(`SELECT ${LOG_COLUMNS} FROM node_logs WHERE run_id = ANY($1::text[]) ORDER BY seq`, [runIds]);
  return rows;
}

/** Filters for a workflow's logs (all optional but the workflow). */
export interface LogQuery {
  workflowId: string;
  status?: LogStatus;
  nodeId?: string;
  runId?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

/** A workflow's logs, newest first. */
export async function listLogRows(db: Db, q: LogQuery): Promise<NodeLogRecord[]> {
  const { rows } = await db.query<NodeLogRecord>(
    `SELECT ${LOG_COLUMNS} FROM node_logs
     WHERE workflow_id = $1
       AND ($2::text IS NULL OR status = $2)
       AND ($3::text IS NULL OR node_id = $3)
       AND ($4::text IS NULL OR run_id = $4)
       AND ($5::timestamptz IS NULL OR created_at >= $5)
       AND ($6::timestamptz IS NULL OR created_at < $6)
     ORDER BY created_at DESC, seq DESC
     LIMIT $7`,
    [q.workflowId, q.status ?? null, q.nodeId ?? null, q.runId ?? null, q.from ?? null, q.to ?? null, q.limit],
  );
  return rows;
}
