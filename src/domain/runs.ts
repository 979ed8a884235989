/** A run's lifecycle states; which changes are allowed is {@link RUN_TRANSITIONS}. */
export const RUN_STATUSES = ["pending", "running", "completed", "failed", "awaiting_ui_interaction"] as const;
/** One of {@link RUN_STATUSES}. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Allowed run status changes. `running → running` is a reclaim after an expired lease;
 * `running → pending` is a durable delay or a graceful release; `pending → failed` and
 * `awaiting_ui_interaction → failed` are a cancel of a run no worker holds. A status with no way out is final.
 */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = Object.freeze({
  pending: ["running", "failed"],
  running: ["running", "pending", "completed", "failed", "awaiting_ui_interaction"],
  awaiting_ui_interaction: ["pending", "failed"],
  completed: [],
  failed: [],
});

/** What queued a run. */
export const TRIGGER_TYPES = ["manual", "webhook", "event", "rerun", "resume"] as const;
/** One of {@link TRIGGER_TYPES}. */
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/**
 * A bulk rerun job's states: `pending` until its first page is queued, `running` while pages remain,
 * then `completed`, `cancelled` (by its owner) or `failed` (it could not go on, e.g. its workflow is gone).
 */
export const RERUN_JOB_STATES = ["pending", "running", "completed", "cancelled", "failed"] as const;
/** One of {@link RERUN_JOB_STATES}. */
export type RerunJobState = (typeof RERUN_JOB_STATES)[number];
/** The states in which a job still has pages to queue (and may be cancelled). */
export const ACTIVE_RERUN_JOB_STATES: readonly RerunJobState[] = Object.freeze(["pending", "running"]);
