import { listEventWorkflowIds, type WorkflowRecord } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import type { StartedRun } from "./idempotency.ts";
import type { RunQueue } from "./run-queue.ts";

/**
 * Most workflows one custom event starts. A tenant's event must not turn into an unbounded burst
 * of runs; when more workflows subscribe, the oldest ones are started (the contract says so).
 */
export const MAX_EVENT_WORKFLOWS = 25;

/** Input of triggerEvent: an event that happened for one end user of an account. */
export interface TriggerEventInput {
  accountId: string;
  /** Only workflows of this style are started (their run ids are the API's own). */
  idStyle: WorkflowRecord["idStyle"];
  event: string;
  /** Becomes each run's trigger payload. */
  payload: unknown;
  endUserId: string | null;
}

/**
 * Starts a run (`trigger_type` `event`) of every workflow of the account whose trigger subscribes
 * to the event (`config.event`), at most {@link MAX_EVENT_WORKFLOWS}, oldest workflow first. Each
 * run is queued exactly as an API execute is; submitted together, they share one insert.
 */
export async function triggerEvent(deps: Pick<EngineDeps, "db">, queue: Pick<RunQueue, "execute">, input: TriggerEventInput): Promise<StartedRun[]> {
  const scope = { accountId: input.accountId, idStyle: input.idStyle };
  const workflowIds = await listEventWorkflowIds(deps.db, scope, input.event, MAX_EVENT_WORKFLOWS);
  return Promise.all(
    workflowIds.map((workflowId) =>
      queue.execute({ accountId: input.accountId, workflowId, payload: input.payload, triggerType: "event", endUserId: input.endUserId }),
    ),
  );
}
