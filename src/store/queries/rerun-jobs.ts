import type { RerunJobState, RunStatus, TriggerType } from "../../domain/index.ts";
import type { Db } from "../db.ts";
import { runFilterSql } from "./run-filter.ts";

/** A bulk rerun job as stored: its filter, its pacing, its cursor and its counters. */
export interface RerunJobRecord {
  id: string;
  accountId: string;
  workflowId: string;
  state: RerunJobState;
  statuses: RunStatus[] | null;
  triggerTypes: TriggerType[] | null;
  endUserId: string | null;
  createdFrom: Date | null;
  createdTo: Date;
  ratePerSecond: number;
  cursorCreatedAt: Date | null;
  cursorSeq: string | null;
  matched: number;
  queued: number;
  skipped: number;
  failed: number;
  errorMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  availableAt: Date;
}

const JOB_COLUMNS = `id, account_id AS "accountId", workflow_id AS "workflowId", state, statuses, trigger_types AS "triggerTypes",
  end_user_id AS "endUserId", created_from AS "createdFrom", created_to AS "createdTo", rate_per_second AS "ratePerSecond",
  cursor_created_at AS "cursorCreatedAt", cursor_seq::text AS "cursorSeq", matched, queued, skipped, failed,
  error_message AS "errorMessage", created_at AS "createdAt", updated_at AS "updatedAt", completed_at AS "completedAt",
  available_at AS "availableAt"`;

/** Placeholders of a job row's own filter columns (in a statement reading `rerun_jobs j`). */
const JOB_FILTER = { accountId: "j.account_id", workflowId: "j.workflow_id", statuses: "j.statuses", createdFrom: "j.created_from", createdTo: "j.created_to", endUserId: "j.end_user_id", triggerTypes: "j.trigger_types" };

/** A job to insert; it matches nothing created at or after `createdTo`. */
export type NewRerunJob = Pick<
  RerunJobRecord,
  "id" | "accountId" | "workflowId" | "statuses" | "triggerTypes" | "endUserId" | "createdFrom" | "createdTo" | "ratePerSecond" | "createdAt"
>;

/**
 * Inserts a pending job unless its account already has `maxActive` jobs pending or running; the
 * account row is locked first, so concurrent requests of one account are counted one after another.
 * `matched` is set from the runs matching the filter now. Returns undefined when the limit is reached.
 */
export async function insertRerunJob(tx: Db, job: NewRerunJob, maxActive: number, activeStates: readonly RerunJobState[]): Promise<RerunJobRecord | undefined> {
  await tx.query(`SELECT id FROM accounts WHERE id = $1 FOR UPDATE`, [job.accountId]);
  const { rows } = await tx.query<RerunJobRecord>(
    `INSERT INTO rerun_jobs (id, account_id, workflow_id, state, statuses, trigger_types, end_user_id, created_from, created_to,
                             rate_per_second, matched, created_at, updated_at, available_at)
     SELECT $1, $2, $3, 'pending', $4::text[], $5::text[], $6, $7::timestamptz, $8::timestamptz, $9,
            (SELECT count(*)::int FROM runs WHERE ${runFilterSql({ accountId: "$2", workflowId: "$3", statuses: "$4", createdFrom: "$7", createdTo: "$8", endUserId: "$6", triggerTypes: "$5" })}),
            $10, $10, $10
     WHERE (SELECT count(*) FROM rerun_jobs WHERE account_id = $2 AND state = ANY($12::text[])) < $11
     RETURNING ${JOB_COLUMNS}`,
    [
      job.id,
      job.accountId,
      job.workflowId,
      job.statuses,
      job.triggerTypes,
      job.endUserId,
      job.createdFrom,
      job.createdTo,
      job.ratePerSecond,
      job.createdAt,
      maxActive,
      activeStates,
    ],
  );
  return rows[0];
}

/** A job of the account; with `workflowId`, only when it is that workflow's. */
export async function findRerunJob(db: Db, accountId: string, jobId: string, workflowId?: string): Promise<RerunJobRecord | undefined> {
  const { rows } = await db.query<RerunJobRecord>(
    `SELECT ${JOB_COLUMNS} FROM rerun_jobs WHERE id = $1 AND account_id = $2 AND ($3::text IS NULL OR workflow_id = $3)`,
    [jobId, accountId, workflowId ?? null],
  );
  return rows[0];
}

/**
 * Locks the job due first (`available_at` reached, in an active state) and returns it, skipping jobs
 * another transaction holds: only one transaction at a time works on a job. Call it inside the
 * transaction that queues the job's page.
 */
export async function lockDueRerunJob(tx: Db, now: Date, activeStates: readonly RerunJobState[]): Promise<RerunJobRecord | undefined> {
  const { rows } = await tx.query<RerunJobRecord>(
    `SELECT ${JOB_COLUMNS} FROM rerun_jobs
     WHERE state = ANY($2::text[]) AND available_at <= $1
     ORDER BY available_at, id LIMIT 1
     FOR UPDATE SKIP LOCKED`,
    [now, activeStates],
  );
  return rows[0];
}

/** A source run the job has yet to take, in cursor order. */
export interface RerunSource {
  id: string;
  createdAt: Date;
  seq: string;
}

/** The next `limit` runs matching the job's filter after its cursor, oldest first (keyset paging). */
export async function listRerunSources(tx: Db, jobId: string, limit: number): Promise<RerunSource[]> {
  const { rows } = await tx.query<RerunSource>(
    `SELECT r.id, r.created_at AS "createdAt", r.seq::text AS seq
     FROM rerun_jobs j JOIN LATERAL (
       SELECT id, created_at, seq FROM runs
       WHERE workflow_id = j.workflow_id AND ${runFilterSql(JOB_FILTER)}
         AND (j.cursor_created_at IS NULL OR (created_at, seq) > (j.cursor_created_at, j.cursor_seq))
       ORDER BY created_at, seq LIMIT $2
     ) r ON true
     WHERE j.id = $1
     ORDER BY r.created_at, r.seq`,
    [jobId, limit],
  );
  return rows;
}

/** What one page did to a job: its new cursor, counters to add, and what comes next. */
export interface RerunJobAdvance {
  id: string;
  cursorCreatedAt: Date | null;
  cursorSeq: string | null;
  queued: number;
  skipped: number;
  failed: number;
  state: RerunJobState;
  /** When the next page may be queued. */
  availableAt: Date;
  now: Date;
  errorMessage?: string;
  /** The states a job may be advanced from (a job cancelled or ended meanwhile is left as it is). */
  activeStates: readonly RerunJobState[];
}

/**
 * Moves a job's cursor and adds to its counters, in the transaction that queued the page. A job that
 * ends (`completed`, `failed`) gets its completion time, and its `matched` becomes the number of
 * sources it took (runs purged meanwhile are no longer counted).
 */
export async function advanceRerunJob(tx: Db, a: RerunJobAdvance): Promise<RerunJobRecord | undefined> {
  const { rows } = await tx.query<RerunJobRecord>(
    `UPDATE rerun_jobs SET
       cursor_created_at = COALESCE($2, cursor_created_at), cursor_seq = COALESCE($3::bigint, cursor_seq),
       queued = queued + $4, skipped = skipped + $5, failed = failed + $6, state = $7, available_at = $8, updated_at = $9,
       error_message = COALESCE($10, error_message),
       completed_at = CASE WHEN $7 IN ('completed', 'failed') THEN $9::timestamptz END,
       matched = CASE WHEN $7 IN ('completed', 'failed') THEN queued + $4 + skipped + $5 + failed + $6 ELSE matched END
     WHERE id = $1 AND state = ANY($11::text[])
     RETURNING ${JOB_COLUMNS}`,
    [a.id, a.cursorCreatedAt, a.cursorSeq, a.queued, a.skipped, a.failed, a.state, a.availableAt, a.now, a.errorMessage ?? null, a.activeStates],
  );
  return rows[0];
}

/**
 * Cancels an active job of the account. It waits for a page being queued to commit (the row lock),
 * so a cancel lands between pages: nothing is queued after it. Undefined when no active job matched.
 */
export async function cancelRerunJobRow(db: Db, q: { accountId: string; jobId: string; workflowId?: string; now: Date; activeStates: readonly RerunJobState[] }): Promise<RerunJobRecord | undefined> {
  const { rows } = await db.query<RerunJobRecord>(
    `UPDATE rerun_jobs SET state = 'cancelled', completed_at = $4, updated_at = $4
     WHERE id = $1 AND account_id = $2 AND ($3::text IS NULL OR workflow_id = $3) AND state = ANY($5::text[])
     RETURNING ${JOB_COLUMNS}`,
    [q.jobId, q.accountId, q.workflowId ?? null, q.now, q.activeStates],
  );
  return rows[0];
}

/** When the next active job is due (to sleep until then), or undefined when none is active. */
export async function nextRerunJobDue(db: Db, activeStates: readonly RerunJobState[]): Promise<Date | undefined> {
  const { rows } = await db.query<{ due: Date | null }>(`SELECT min(available_at) AS due FROM rerun_jobs WHERE state = ANY($1::text[])`, [activeStates]);
  return rows[0]?.due ?? undefined;
}

/** Deletes up to `limit` jobs that ended (completed, cancelled, failed) before `cutoff`; active jobs are kept. */
export async function purgeRerunJobsBefore(db: Db, cutoff: Date, limit: number, activeStates: readonly RerunJobState[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH doomed AS (
       DELETE FROM rerun_jobs WHERE id IN (
         SELECT id FROM rerun_jobs WHERE completed_at < $1 AND NOT state = ANY($3::text[])
         LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING 1)
     SELECT count(*)::int AS n FROM doomed`,
    [cutoff, limit, activeStates],
  );
  return rows[0]?.n ?? 0;
}
