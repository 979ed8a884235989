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
