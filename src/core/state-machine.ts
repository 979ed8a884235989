import { RUN_STATUSES, RUN_TRANSITIONS, type RunStatus } from "../domain/index.ts";

/** True when a run may move from `from` to `to`. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** Throws when a transition is not allowed; guards executor writes against logic errors. */
export function assertTransition(from: RunStatus, to: RunStatus): void {
  if (!canTransition(from, to)) throw new Error(`Illegal run status change ${from} → ${to}`);
}

/** A run whose status has no way out (completed, failed) never changes again. */
export function isTerminal(status: RunStatus): boolean {
  return RUN_TRANSITIONS[status].length === 0;
}

/**
 * The rule of what may be rerun or resumed from a node, stated once: finished runs only. The store's
 * batch insert takes this list as a parameter, so the SQL never restates it.
 */
export const RERUNNABLE_STATUSES: readonly RunStatus[] = Object.freeze(RUN_STATUSES.filter(isTerminal));

/** True when a run in `status` may be rerun or resumed. */
export function isRerunnable(status: RunStatus): boolean {
  return RERUNNABLE_STATUSES.includes(status);
}

/**
 * The rule of what may be cancelled, stated once: every run that may still end as `failed` (pending,
 * delayed, running, waiting). A cancelled run ends `failed` with the code `run_cancelled`, a state
 * both vendors' enums already have, so it is finished and may be rerun like any failed run.
 */
export const CANCELLABLE_STATUSES: readonly RunStatus[] = Object.freeze(RUN_STATUSES.filter((s) => !isTerminal(s) && canTransition(s, "failed")));
