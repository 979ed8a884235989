import { StoreUnavailableError, type QueueRequest, type RunRecord } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { createGroupCommit, type BatchResult } from "./group-commit.ts";
import type { StartedRun } from "./idempotency.ts";
import { createRerunRequest, queueLimits, rerunRun, type RerunInput } from "./rerun.ts";
import { createQueueRequest, queueRuns } from "./run-requests.ts";
import { executeWorkflow, type ExecuteWorkflowInput } from "./runs.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids" | "config">;

/** Queues executions and reruns; concurrent calls share one insert (group commit). */
export interface RunQueue {
  execute(input: ExecuteWorkflowInput): Promise<StartedRun>;
  rerun(input: RerunInput): Promise<StartedRun>;
}

/**
 * Calls without an Idempotency-Key are group-committed: every request waiting at that moment is
 * queued by one statement, which also checks the workflow and the source run of a rerun and answers
 * each refused request with its reason, so a burst of N requests, refused ones included, costs the
 * store one round trip instead of a transaction each. Keyed calls queue alone by the same statement,
 * inside the transaction that reserves the key.
 */
export function createRunQueue(deps: Deps, options: { maxBatch?: number } = {}): RunQueue {
  const batch = createGroupCommit<QueueRequest, RunRecord>((requests) => queueBatch(deps, requests), options);
  return {
    async execute(input) {
      if (input.idempotencyKey !== undefined) return executeWorkflow(deps, input);
      const run = await batch.submit(
        createQueueRequest(deps, {
          accountId: input.accountId,
          workflowId: input.workflowId,
          sourceRunId: null,
          triggerType: input.triggerType ?? "manual",
          payload: input.payload ?? {},
          endUserId: input.endUserId ?? null,
          resumeFromNode: null,
        }),
      );
      return { run, replayed: false };
    },
    async rerun(input) {
      if (input.idempotencyKey !== undefined) return rerunRun(deps, input);
      const run = await batch.submit(createRerunRequest(deps, input));
      return { run, replayed: false };
    },
  };
}

async function queueBatch(deps: Deps, requests: QueueRequest[]): Promise<BatchResult<RunRecord>[]> {
  try {
    return await queueRuns(deps.db, requests, queueLimits(deps));
  } catch (err) {
    if (err instanceof StoreUnavailableError || requests.length === 1) throw err;
    // A value the statement cannot store (text jsonb cannot hold) fails the whole statement; queued
    // one at a time, it fails only its own request.
    const results: BatchResult<RunRecord>[] = [];
    for (const request of requests) {
      results.push(await queueRuns(deps.db, [request], queueLimits(deps)).then(([result]) => result!, (error: unknown) => ({ ok: false as const, error })));
    }
    return results;
  }
}
