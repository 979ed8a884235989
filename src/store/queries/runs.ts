import type { DomainErrorCode, RunStatus, TriggerType } from "../../domain/index.ts";
import type { Db } from "../db.ts";
import type { RunRecord } from "../records.ts";

/** Column list shared by every query returning a RunRecord. */
export const RUN_COLUMNS = `id, account_id AS "accountId", end_user_id AS "endUserId", workflow_id AS "workflowId",
  workflow_version AS "workflowVersion", status, trigger_type AS "triggerType", trigger_payload AS "triggerPayload",
  rerun_of AS "rerunOf", root_run_id AS "rootRunId", resume_from_node AS "resumeFromNode", error_message AS "errorMessage",
  created_at AS "createdAt", started_at AS "startedAt", completed_at AS "completedAt", available_at AS "availableAt",
  lease_owner AS "leaseOwner", lease_expires_at AS "leaseExpiresAt", attempts,
  awaiting_node AS "awaitingNode", input_deadline AS "inputDeadline"`;

/** Channel on which run inserts wake idle workers (empty payload) and cancels reach the worker holding a run. */
export const RUNS_CHANNEL = "reprise_runs";

/** Payload prefix of a cancel on {@link RUNS_CHANNEL}: `cancel:<runId>`. */
export const CANCEL_NOTICE_PREFIX = "cancel:";

/**
 * One run to queue: an execution of `workflowId`, or (with `sourceRunId`) a rerun or resume of a
 * finished run that copies its trigger payload and end user. Both id styles are offered; the
 * workflow's style picks one, so the caller need not look the workflow up first.
 */
export interface QueueRequest {
  altostratId: string;
  alloyId: string;
  accountId: string;
  /** Execution: the workflow to run. Rerun or resume: when given, the source run must belong to it. */
  workflowId: string | null;
  sourceRunId: string | null;
  triggerType: TriggerType;
  /** Executions; a rerun or resume copies the source's unless `payloadMode` says how this one applies. */
  payload: unknown;
  /**
   * Rerun only: `replace` runs with `payload` instead of the source's, `merge` sets the top-level keys
   * of `payload` (an object) over the source's object payload. Unset: the source's payload, as it was.
   */
  payloadMode?: "replace" | "merge";
  /** Rerun or resume: `original` runs the version the source recorded; unset or `current`: the workflow's latest. */
  version?: "original" | "current";
  endUserId: string | null;
  /** Resume only: the node the new run starts at. */
  resumeFromNode: string | null;
  createdAt: Date;
}

/** What the caller decides and the statement applies: the source statuses a rerun or resume may start from. */
export interface QueueRule {
  rerunnableStatuses: readonly RunStatus[];
  /**
   * Largest payload a merge may produce, measured as the store renders it (jsonb text). A replacing
   * payload, like an execution's, is bounded by the request that carried it, not here.
   */
  payloadMaxBytes?: number;
}

/** Why a request was not queued, with what the caller needs to say so. */
export interface QueueRefusal {
  reason: Extract<DomainErrorCode, "run_not_found" | "run_not_rerunnable" | "workflow_not_found" | "payload_not_mergeable" | "payload_too_large">;
  /** run_not_rerunnable: the source's status. */
  sourceStatus: RunStatus | null;
  /** payload_not_mergeable: the JSON type of the source's payload (`array`, `string`, …). */
  sourcePayloadType?: string | null;
  /** workflow_not_found: the workflow asked for (an execution's) or the source's. */
  workflowId: string | null;
}

/** Each request's answer from {@link insertRunBatch}: the queued run, or why it was not queued. */
export type QueueOutcome = { run: RunRecord; refusal?: undefined } | { run?: undefined; refusal: QueueRefusal };

type OutcomeRow = Partial<RunRecord> & {
  refusal: QueueRefusal["reason"] | null;
  sourceStatus: RunStatus | null;
  refusedWorkflowId: string | null;
  sourcePayloadType: string | null;
  notified: unknown;
};

/**
 * Queues runs in one statement (group commit), wakes the workers once, and answers every request in
 * order. A request is refused, and inserts nothing, when its source run is missing, another account's
 * or (Alloy's path) another workflow's (`run_not_found`), when the source's status is not in
 * `rule.rerunnableStatuses` (`run_not_rerunnable`), when the workflow is not the account's
 * (`workflow_not_found`), when a merge meets a source payload that is not an object
 * (`payload_not_mergeable`), or when a merged payload exceeds `rule.payloadMaxBytes`
 * (`payload_too_large`), checked in that order. The payload a rerun runs with
 * (the source's, replaced or merged) and the version it runs (`version`) are decided here too.
 */
export async function insertRunBatch(db: Db, requests: QueueRequest[], rule: QueueRule): Promise<QueueOutcome[]> {
  if (requests.length === 0) return [];
  const items = requests.map((r, ord) => ({
    ord,
    alto_id: r.altostratId,
    alloy_id: r.alloyId,
    account_id: r.accountId,
    workflow_id: r.workflowId,
    source_id: r.sourceRunId,
    trigger_type: r.triggerType,
    payload: r.sourceRunId && !r.payloadMode ? null : (r.payload ?? {}),
    payload_mode: r.sourceRunId ? (r.payloadMode ?? null) : null,
    version: r.version ?? null,
    end_user_id: r.endUserId,
    resume_from_node: r.resumeFromNode,
    created_at: r.createdAt.toISOString(),
  }));
  const { rows } = await db.query<OutcomeRow>(
    `WITH req AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(ord int, alto_id text, alloy_id text, account_id text, workflow_id text,
         source_id text, trigger_type text, payload jsonb, payload_mode text, version text, end_user_id text, resume_from_node text,
         created_at timestamptz)
     ), judged AS (
       SELECT req.ord, CASE w.id_style WHEN 'alloy' THEN req.alloy_id ELSE req.alto_id END AS id, req.account_id,
              w.id AS workflow_id, CASE WHEN req.version = 'original' AND s.id IS NOT NULL THEN s.workflow_version ELSE w.version END AS version,
              req.trigger_type, p.payload, jsonb_typeof(s.trigger_payload) AS source_payload_type,
              CASE WHEN s.id IS NULL THEN req.end_user_id ELSE s.end_user_id END AS end_user_id,
              s.id AS rerun_of, COALESCE(s.root_run_id, s.id) AS source_root, req.resume_from_node, req.created_at,
              s.status AS source_status, COALESCE(s.workflow_id, req.workflow_id) AS wanted_workflow_id,
              CASE
                WHEN req.source_id IS NOT NULL AND (s.id IS NULL OR s.workflow_id <> COALESCE(req.workflow_id, s.workflow_id)) THEN 'run_not_found'
                WHEN req.source_id IS NOT NULL AND NOT s.status = ANY($2::text[]) THEN 'run_not_rerunnable'
                WHEN w.id IS NULL THEN 'workflow_not_found'
                WHEN req.payload_mode = 'merge' AND jsonb_typeof(s.trigger_payload) <> 'object' THEN 'payload_not_mergeable'
                WHEN req.payload_mode = 'merge' AND octet_length(p.payload::text) > $3::int THEN 'payload_too_large'
              END AS refusal
       FROM req
       LEFT JOIN runs s ON req.source_id IS NOT NULL AND s.id = req.source_id AND s.account_id = req.account_id
       LEFT JOIN workflows w ON w.account_id = req.account_id AND w.id = COALESCE(s.workflow_id, req.workflow_id)
       -- The one place a rerun's payload is decided: the source's as it was, replaced, or merged over at the top level.
       CROSS JOIN LATERAL (SELECT CASE
           WHEN req.payload_mode = 'replace' THEN req.payload
           WHEN req.payload_mode = 'merge' AND jsonb_typeof(s.trigger_payload) = 'object' THEN s.trigger_payload || req.payload
           ELSE COALESCE(s.trigger_payload, req.payload)
         END AS payload) p
     ), inserted AS (
       INSERT INTO runs (id, account_id, end_user_id, workflow_id, workflow_version, status, trigger_type, trigger_payload,
                         rerun_of, root_run_id, resume_from_node, created_at, available_at, attempts)
       SELECT id, account_id, end_user_id, workflow_id, version, 'pending', trigger_type, payload,
              rerun_of, COALESCE(source_root, id), resume_from_node, created_at, created_at, 0
       FROM judged WHERE refusal IS NULL ORDER BY ord
       RETURNING ${RUN_COLUMNS})
     SELECT j.refusal, j.source_status AS "sourceStatus", j.wanted_workflow_id AS "refusedWorkflowId",
            j.source_payload_type AS "sourcePayloadType", i.*,
            CASE WHEN i.id IS NOT NULL THEN pg_notify('${RUNS_CHANNEL}', '') END AS notified
     FROM judged j LEFT JOIN inserted i ON i.id = j.id
     ORDER BY j.ord`,
    [JSON.stringify(items), rule.rerunnableStatuses, rule.payloadMaxBytes ?? null],
  );
  return rows.map(({ refusal, sourceStatus, refusedWorkflowId, sourcePayloadType, notified: _notified, ...run }): QueueOutcome =>
    refusal === null
      ? { run: run as RunRecord }
      : {
          refusal: {
            reason: refusal,
            sourceStatus: refusal === "run_not_rerunnable" ? sourceStatus : null,
            workflowId: refusedWorkflowId,
            ...(refusal === "payload_not_mergeable" ? { sourcePayloadType } : {}),
          },
        },
  );
}

/** Finds a run; with an account id, only that account's run. */
export async function findRun(db: Db, id: string, accountId?: string): Promise<RunRecord | undefined> {
  const { rows } = await db.query<RunRecord>(
    `SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1 AND ($2::text IS NULL OR account_id = $2)`,
    [id, accountId ?? null],
  );
  return rows[0];
}

/** Filters and paging for a workflow's runs. */
export interface RunListQuery {
  workflowId: string;
  endUserId?: string;
  order: "asc" | "desc";
  limit: number;
  offset: number;
}

/** A page of a workflow's runs plus the total matching. */
export async function listRunRows(db: Db, q: RunListQuery): Promise<{ runs: RunRecord[]; total: number }> {
  const dir = q.order === "asc" ? "ASC" : "DESC";
  const values = [q.workflowId, q.endUserId ?? null];
  const where = `workflow_id = $1 AND ($2::text IS NULL OR end_user_id = $2)`;
  const [page, count] = await Promise.all([
    db.query<RunRecord>(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE ${where} ORDER BY created_at ${dir}, seq ${dir} LIMIT $3 OFFSET $4`,
      [...values, q.limit, q.offset],
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM runs WHERE ${where}`, values),
  ]);
  return { runs: page.rows, total: count.rows[0]?.total ?? 0 };
}

/** What a worker asks for when claiming. */
export interface ClaimRequest {
  owner: string;
  now: Date;
  leaseExpiresAt: Date;
  limit: number;
  /** Runs whose expired lease was already taken this many times are left to `abandonExpiredRuns`. */
  maxAttempts: number;
  /**
   * Most runs one account may have running at once, counted across every worker on the database
   * (running runs with an unexpired lease). A claim never takes an account past it, even when no
   * other account has work. Omitted or null: no cap; the batch is still shared out across accounts.
   */
  accountMaxRunning?: number | null;
  /**
   * Runs the claiming worker is still executing: never handed back to it, even once their lease ran
   * out (slow renewals), since it would start a second execution of a run it holds. Another worker
   * may still reclaim them; ids, not the owner, so a run whose execution this worker lost track of
   * (a failed write) stays reclaimable by it.
   */
  exclude?: readonly string[];
}

/**
 * Runs one account may have running at once unless configured otherwise (`ACCOUNT_MAX_RUNNING`):
 * half of a server's default 32 slots. One tenant alone keeps a single-tenant bulk rate (its batches
 * stay large), and at least half of a worker is always left to the other tenants.
 */
export const DEFAULT_ACCOUNT_MAX_RUNNING = 16;

/** A claimed run with the outputs of its nodes that already succeeded (earlier attempts, delays, resume copies). */
export interface ClaimedRun extends RunRecord {
  /** [nodeId, output] pairs in the order they were logged. */
  completedOutputs: [string, unknown][];
  /** A cancel was requested while an earlier worker held it: the executor ends it before any node. */
  cancelRequested: boolean;
}

/**
 * Claims up to `limit` due runs in one round trip: pending runs whose time has come and running
 * runs whose lease expired (their worker died), shared out fairly between accounts.
 *
 * - `queued` lists the accounts with pending runs by skipping through `runs_account_pending_idx`
 *   (one index probe per account, however long each account's queue is).
 * - An account already running `accountMaxRunning` runs (unexpired leases, on any worker) gets
 *   nothing; another gets at most the difference, taken from the head of its queue (oldest due
 *   first; its expired-lease runs queue by their `available_at` too).
 * - The free slots are dealt like cards: a run's turn is its account's running count plus its rank
 *   in that account's queue, so the least busy account goes first and one account's backlog cannot
 *   push another's run out of the batch; ties go to the older run. Only the first `limit` accounts
 *   in that order are read.
 * - The chosen rows are locked by id with FOR UPDATE SKIP LOCKED on the claim's own conditions, so a
 *   run another claim took meanwhile is rechecked on its latest version and skipped, never taken
 *   twice, and a claim never reaches past the rows it chose.
 *
 * Concurrent claimers (several processes on PostgreSQL) may count an account's running runs from
 * the same snapshot, but each takes a prefix of the same queue, so the rows one takes are the rows
 * the other finds locked or already running: together they stay within the cap. A run that becomes
 * claimable ahead of rows a claimer already chose can let the account pass the cap by that one run
 * until runs finish: a run inserted into the middle of the queue during a claim (by a process whose
 * clock is behind the others'), or a lease renewed just as a claim with a later clock found it
 * expired. Measured with 8 claimers at once on PostgreSQL and a cap of 4 (800 rounds, and 9,000 runs
 * held 5–30 ms with skewed clocks and expiring leases): never above the cap. A per-account
 * pg_try_advisory_xact_lock was measured as well: it changed nothing there and claimed ~10% fewer
 * runs (a claimer skipped accounts it could still have served), so there is none.
 *
 * The same statement returns each run's successful node outputs, so resuming costs no extra query.
 */
export async function claimRuns(db: Db, req: ClaimRequest): Promise<ClaimedRun[]> {
  const { rows } = await db.query<ClaimedRun>(
    `WITH RECURSIVE queued(account_id) AS (
       (SELECT account_id FROM runs WHERE status = 'pending' ORDER BY account_id LIMIT 1)
       UNION ALL
       SELECT (SELECT r.account_id FROM runs r WHERE r.status = 'pending' AND r.account_id > q.account_id
               ORDER BY r.account_id LIMIT 1)
       FROM queued q WHERE q.account_id IS NOT NULL
     ), expired AS (
       SELECT id, account_id, available_at, seq FROM runs
       WHERE status = 'running' AND lease_expires_at < $3 AND attempts < $5 AND id <> ALL($7::text[])
     ), busy AS (
       SELECT account_id, count(*)::int AS running FROM runs
       WHERE status = 'running' AND lease_expires_at >= $3 GROUP BY account_id
     ), due AS (
       SELECT a.account_id, coalesce(b.running, 0) AS running,
              least($4::int, coalesce($6::int - coalesce(b.running, 0), $4::int)) AS room
       FROM (SELECT account_id FROM queued WHERE account_id IS NOT NULL UNION SELECT account_id FROM expired) a
       LEFT JOIN busy b ON b.account_id = a.account_id
       CROSS JOIN LATERAL (SELECT least(
           (SELECT p.available_at FROM runs p WHERE p.account_id = a.account_id AND p.status = 'pending' AND p.available_at <= $3
             ORDER BY p.available_at, p.seq LIMIT 1),
           (SELECT min(e.available_at) FROM expired e WHERE e.account_id = a.account_id)) AS head) h
       WHERE h.head IS NOT NULL AND ($6::int IS NULL OR coalesce(b.running, 0) < $6::int)
       ORDER BY running, h.head
       LIMIT $4::int
     ), candidates AS (
       SELECT c.id, c.available_at, c.seq, d.running, d.room,
              row_number() OVER (PARTITION BY d.account_id ORDER BY c.available_at, c.seq) AS rank
       FROM due d CROSS JOIN LATERAL (
         (SELECT p.id, p.available_at, p.seq FROM runs p
          WHERE p.account_id = d.account_id AND p.status = 'pending' AND p.available_at <= $3
          ORDER BY p.available_at, p.seq LIMIT d.room)
         UNION ALL
         SELECT e.id, e.available_at, e.seq FROM expired e WHERE e.account_id = d.account_id
       ) c
     ), picked AS (
       SELECT id FROM candidates WHERE rank <= room
       ORDER BY running + rank, available_at, seq
       LIMIT $4::int
     )
     UPDATE runs SET status = 'running', lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1,
            started_at = COALESCE(started_at, $3)
     WHERE id IN (
       SELECT id FROM runs
       WHERE id = ANY(ARRAY(SELECT id FROM picked))
         AND ((status = 'pending' AND available_at <= $3) OR (status = 'running' AND lease_expires_at < $3 AND attempts < $5 AND id <> ALL($7::text[])))
       FOR UPDATE SKIP LOCKED)
     RETURNING ${RUN_COLUMNS},
       (SELECT coalesce(jsonb_agg(jsonb_build_array(l.node_id, l.output) ORDER BY l.seq), '[]'::jsonb)
          FROM node_logs l WHERE l.run_id = runs.id AND l.status = 'success') AS "completedOutputs",
       cancel_requested_at IS NOT NULL AS "cancelRequested"`,
    [req.owner, req.leaseExpiresAt, req.now, req.limit, req.maxAttempts, req.accountMaxRunning ?? null, req.exclude ?? []],
  );
  return rows;
}

/**
 * Extends the leases this owner still holds; returns the runs it still owns, each saying whether its
 * cancel was requested (so a lost cancel notification is noticed within one renewal).
 */
export async function renewLeases(db: Db, owner: string, ids: string[], leaseExpiresAt: Date): Promise<{ id: string; cancelRequested: boolean }[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string; cancelRequested: boolean }>(
    // Rows are locked in id order (byte order, as settleRuns sorts its batch), so a renewal and a
    // settlement of the same owner's runs running at once cannot deadlock on PostgreSQL.
    `UPDATE runs SET lease_expires_at = $3
     WHERE id IN (SELECT id FROM runs WHERE lease_owner = $1 AND status = 'running' AND id = ANY($2::text[]) ORDER BY id COLLATE "C" FOR UPDATE)
       AND lease_owner = $1 AND status = 'running'
     RETURNING id, cancel_requested_at IS NOT NULL AS "cancelRequested"`,
    [owner, ids, leaseExpiresAt],
  );
  return rows;
}

/** Fails runs whose lease expired after `maxAttempts` claims: their workers kept dying. */
export async function abandonExpiredRuns(db: Db, now: Date, maxAttempts: number, limit = 100): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE runs SET status = 'failed', completed_at = $1, lease_owner = NULL, lease_expires_at = NULL, executed_by = lease_owner,
            error_message = 'Run abandoned after ' || attempts || ' attempts: its worker stopped renewing the lease'
     WHERE id IN (
       SELECT id FROM runs WHERE status = 'running' AND lease_expires_at < $1 AND attempts >= $2
       LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    [now, maxAttempts, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * Runs due to start and not yet claimed, per account that has any: the queued work admission control
 * weighs (src/apis/http/admission.ts). Read from the pending runs' own index; the count is bounded by
 * what admission lets each account queue.
 */
export async function countQueuedRunsByAccount(db: Db, now: Date): Promise<Map<string, number>> {
  const { rows } = await db.query<{ account_id: string; n: number }>(
    "SELECT account_id, count(*)::int AS n FROM runs WHERE status = 'pending' AND available_at <= $1 GROUP BY account_id",
    [now],
  );
  return new Map(rows.map((r) => [r.account_id, r.n]));
}
