import type { RunStatus } from "../store/index.ts";

/**
 * Allowed run status changes. `running → running` is a reclaim after an expired lease;
 * `running → pending` is a durable delay or a graceful release.
 */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = Object.freeze({
  pending: ["running"],
  running: ["running", "pending", "completed", "failed", "awaiting_ui_interaction"],
  awaiting_ui_interaction: ["pending", "failed"],
  completed: [],
  failed: [],
});

/** True when a run may move from `from` to `to`. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** Throws when a transition is not allowed; guards executor writes against logic errors. */
export function assertTransition(from: RunStatus, to: RunStatus): void {
  if (!canTransition(from, to)) throw new Error(`Illegal run status change ${from} → ${to}`);
}

/** Completed and failed runs never change again. */
export function isTerminal(status: RunStatus): boolean {
  return RUN_TRANSITIONS[status].length === 0;
}

/** Only finished runs can be rerun or resumed from a node. */
export function isRerunnable(status: RunStatus): boolean {
  return status === "completed" || status === "failed";
}
