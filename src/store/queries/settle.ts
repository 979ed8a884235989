import type { Db } from "../db.ts";
import type { NewLog } from "./logs.ts";

/** What happens to a held run after its logs are written. */
export type SettleOutcome =
  /** Keep running (the logs of nodes done so far are committed). */
  | { kind: "continue" }
  /** End the run and record `owner` as `executed_by`. */
  | { kind: "finish"; status: "completed" | "failed"; errorMessage: string | null; at: Date }
  /**
   * Back to pending, due at `availableAt`. A delay starts a fresh attempt count; a graceful
   * release gives back the attempt it did not use.
   */
  | { kind: "defer"; availableAt: Date; reason: "delay" | "release" }
  /**
   * Parked in `awaiting_ui_interaction` at `nodeId` until `until` (no lease, a fresh attempt count),
   * for a person's input to queue it again; unless its cancel was requested, like a defer.
   */
  | { kind: "await"; nodeId: string; until: Date };

/** A worker's write for one run it holds: logs in execution order, then the run's new state. */
export interface Settlement {
  runId: string;
  owner: string;
  /**
   * The run's `attempts` as claimed: with `owner`, it names one execution. A worker whose lease ran
   * out may claim the run back under the same owner; the older execution's writes are then stale.
   */
  attempt: number;
  logs: NewLog[];
  outcome: SettleOutcome;
}

/**
 * Writes the logs and state changes of many held runs in one statement. Every write is fenced by the
 * lease: a run `owner` no longer holds (another worker reclaimed it) gets neither its logs nor its
 * change. A run whose cancel was requested is never deferred or parked (its logs are written, it stays held) so
 * that its worker ends it. Returns, for each run whose settlement was written, whether its cancel was
 * requested.
 */
export async function settleRuns(db: Db, settlements: Settlement[]): Promise<Map<string, { cancelRequested: boolean }>> {
  if (settlements.length === 0) return new Map();
  // In run id order (byte order): the update then locks rows in the order renewLeases does.
  const ordered = [...settlements].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  const runs = ordered.map((s) => ({
    run_id: s.runId,
    owner: s.owner,
    attempt: s.attempt,
    action: s.outcome.kind,
    status: s.outcome.kind === "finish" ? s.outcome.status : null,
    error_message: s.outcome.kind === "finish" ? s.outcome.errorMessage : null,
    at: s.outcome.kind === "finish" ? s.outcome.at.toISOString() : null,
    available_at: s.outcome.kind === "defer" ? s.outcome.availableAt.toISOString() : null,
    reason: s.outcome.kind === "defer" ? s.outcome.reason : null,
    node_id: s.outcome.kind === "await" ? s.outcome.nodeId : null,
    until: s.outcome.kind === "await" ? s.outcome.until.toISOString() : null,
  }));
  const logs = settlements.flatMap((s) =>
    s.logs.map((l) => ({
      id: l.id,
      run_id: s.runId,
      node_id: l.nodeId,
      component_id: l.componentId,
      status: l.status,
      output: l.output ?? null,
      started_at: l.startedAt.toISOString(),
      created_at: l.createdAt.toISOString(),
      owner: s.owner,
      attempt: s.attempt,
    })),
  ).map((l, ord) => ({ ...l, ord }));
  const { rows } = await db.query<{ id: string; cancelRequested: boolean }>(
    `WITH s AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(run_id text, owner text, attempt int, action text, status text, error_message text,
         at timestamptz, available_at timestamptz, reason text, node_id text, until timestamptz)
     ), changed AS (
       UPDATE runs r SET
         status = CASE s.action WHEN 'finish' THEN s.status WHEN 'await' THEN 'awaiting_ui_interaction' ELSE 'pending' END,
         awaiting_node = CASE WHEN s.action = 'await' THEN s.node_id END,
         input_deadline = CASE WHEN s.action = 'await' THEN s.until END,
         error_message = CASE WHEN s.action = 'finish' THEN s.error_message ELSE r.error_message END,
         completed_at = CASE WHEN s.action = 'finish' THEN s.at ELSE r.completed_at END,
         executed_by = CASE WHEN s.action = 'finish' THEN s.owner ELSE r.executed_by END,
         available_at = CASE WHEN s.action = 'defer' THEN s.available_at ELSE r.available_at END,
         attempts = CASE WHEN s.action = 'await' OR s.reason = 'delay' THEN 0 WHEN s.action <> 'defer' THEN r.attempts ELSE GREATEST(r.attempts - 1, 0) END,
         lease_owner = NULL,
         lease_expires_at = NULL
       FROM s
       WHERE s.action <> 'continue' AND r.id = s.run_id AND r.lease_owner = s.owner AND r.attempts = s.attempt AND r.status = 'running'
         AND NOT (s.action IN ('defer', 'await') AND r.cancel_requested_at IS NOT NULL)
       RETURNING r.id, s.attempt, r.workflow_id, r.account_id, r.cancel_requested_at IS NOT NULL AS cancel_requested
     ), held AS (
       SELECT r.id, s.attempt, r.workflow_id, r.account_id, r.cancel_requested_at IS NOT NULL AS cancel_requested FROM runs r JOIN s ON r.id = s.run_id
       WHERE (s.action = 'continue' OR (s.action IN ('defer', 'await') AND r.cancel_requested_at IS NOT NULL))
         AND r.lease_owner = s.owner AND r.attempts = s.attempt AND r.status = 'running'
     ), fenced AS (
       SELECT * FROM changed UNION ALL SELECT * FROM held
     ), logged AS (
       INSERT INTO node_logs (id, run_id, workflow_id, account_id, node_id, component_id, status, output, started_at, created_at, executed_by)
       SELECT l.id, f.id, f.workflow_id, f.account_id, l.node_id, l.component_id, l.status, l.output, l.started_at, l.created_at, l.owner
       FROM jsonb_to_recordset($2::jsonb) AS l(ord int, id text, run_id text, node_id text, component_id text, status text, output jsonb,
         started_at timestamptz, created_at timestamptz, owner text, attempt int)
       JOIN fenced f ON f.id = l.run_id AND f.attempt = l.attempt
       ORDER BY l.ord
       RETURNING id
     )
     SELECT id, cancel_requested AS "cancelRequested" FROM fenced`,
    [JSON.stringify(runs), JSON.stringify(logs)],
  );
  return new Map(rows.map((r) => [r.id, { cancelRequested: r.cancelRequested }]));
}
