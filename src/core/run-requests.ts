import { insertRunBatch, type Db, type QueueRefusal, type QueueRequest, type RunRecord } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";
import type { BatchResult } from "./group-commit.ts";
import { RERUNNABLE_STATUSES } from "./state-machine.ts";

/** A run to queue as a verb states it; ids and time are added by {@link createQueueRequest}. */
export type RunRequest = Omit<QueueRequest, "altostratId" | "alloyId" | "createdAt">;

/** Offers both id styles (the workflow's style picks one in the statement) and stamps the time. */
export function createQueueRequest(deps: Pick<EngineDeps, "clock" | "ids">, fields: RunRequest): QueueRequest {
  return { ...fields, altostratId: deps.ids.run("altostrat"), alloyId: deps.ids.run("alloy"), createdAt: deps.clock() };
}

/**
 * Queues runs in one statement, which applies the state machine's rerun rule, and answers each
 * request with its run or the DomainError of its refusal. Every run-creating verb ends here, batched
 * or alone, so what may be rerun and the errors that say otherwise have this one path.
 */
export async function queueRuns(db: Db, requests: QueueRequest[], limits: QueueLimits = {}): Promise<BatchResult<RunRecord>[]> {
  const outcomes = await insertRunBatch(db, requests, { rerunnableStatuses: RERUNNABLE_STATUSES, ...limits });
  return outcomes.map((outcome, i) => (outcome.run ? { ok: true, value: outcome.run } : { ok: false, error: refusalError(requests[i]!, outcome.refusal) }));
}

/** Bounds the statement applies to what a request asks for (a merged payload). */
export interface QueueLimits {
  payloadMaxBytes?: number;
}

/** Queues one run in `tx` (e.g. the transaction that holds its idempotency key); throws its refusal. */
export async function queueRun(tx: Db, request: QueueRequest, limits: QueueLimits = {}): Promise<RunRecord> {
  const [result] = await queueRuns(tx, [request], limits);
  if (!result!.ok) throw result!.error;
  return result!.value;
}

const RERUNNABLE_WORDS = RERUNNABLE_STATUSES.length > 1 ? `${RERUNNABLE_STATUSES.slice(0, -1).join(", ")} or ${RERUNNABLE_STATUSES.at(-1)}` : RERUNNABLE_STATUSES.join("");

function refusalError(request: QueueRequest, refusal: QueueRefusal): DomainError {
  switch (refusal.reason) {
    case "run_not_found":
      return new DomainError("run_not_found", `Run ${request.sourceRunId} not found`);
    case "run_not_rerunnable":
      return new DomainError("run_not_rerunnable", `Run ${request.sourceRunId} is ${refusal.sourceStatus}; only ${RERUNNABLE_WORDS} runs can be rerun`, {
        details: { status: refusal.sourceStatus },
      });
    case "workflow_not_found":
      return new DomainError("workflow_not_found", `Workflow ${refusal.workflowId} not found`);
    case "payload_not_mergeable":
      return new DomainError(
        "payload_not_mergeable",
        `Run ${request.sourceRunId} has a trigger payload of type ${refusal.sourcePayloadType}; only an object payload can be merged into`,
        { details: { sourcePayloadType: refusal.sourcePayloadType } },
      );
    case "payload_too_large":
      return new DomainError("payload_too_large", `The rerun's merged trigger payload would be larger than the server accepts`);
  }
}
