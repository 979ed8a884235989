import { insertRunBatch, StoreUnavailableError, type QueueRequest, type RunRecord } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { createGroupCommit } from "./group-commit.ts";
import type { StartedRun } from "./idempotency.ts";
import { rerunRun, type RerunInput } from "./rerun.ts";
import { executeWorkflow, type ExecuteWorkflowInput } from "./runs.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids" | "config">;

/** Queues executions and reruns; concurrent calls share one insert (group commit). */
export interface RunQueue {
  execute(input: ExecuteWorkflowInput): Promise<StartedRun>;
  rerun(input: RerunInput): Promise<StartedRun>;
}

/**
 * Calls without an Idempotency-Key are group-committed: every request waiting at that moment is
 * inserted by one statement that also checks the workflow (and the source run of a rerun), so a
 * burst of N requests costs the store one round trip instead of a transaction each. A request the
 * batch did not insert (unknown workflow, missing or unfinished source run) takes the one-at-a-time
 * path, which gives its precise error. Keyed calls always take that path: the key is reserved in
 * the run's own transaction.
 */
export function createRunQueue(deps: Deps, options: { maxBatch?: number } = {}): RunQueue {
  const batch = createGroupCommit<QueueRequest, RunRecord | null>(async (requests) => {
    let inserted: RunRecord[];
    try {
      inserted = await insertRunBatch(deps.db, requests);
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      // One request the statement could not take (e.g. text jsonb cannot hold) must not fail the others.
      return requests.map(() => ({ ok: true, value: null }));
    }
    const byId = new Map(inserted.map((run) => [run.id, run]));
    return requests.map((r) => ({ ok: true, value: byId.get(r.altostratId) ?? byId.get(r.alloyId) ?? null }));
  }, options);

  const request = (fields: Pick<QueueRequest, "accountId" | "workflowId" | "sourceRunId" | "triggerType" | "payload" | "endUserId">): QueueRequest => ({
    ...fields,
    altostratId: deps.ids.run("altostrat"),
    alloyId: deps.ids.run("alloy"),
    createdAt: deps.clock(),
  });

  return {
    async execute(input) {
      if (input.idempotencyKey !== undefined) return executeWorkflow(deps, input);
      const run = await batch.submit(
        request({
          accountId: input.accountId,
          workflowId: input.workflowId,
          sourceRunId: null,
          triggerType: input.triggerType ?? "manual",
          payload: input.payload ?? {},
          endUserId: input.endUserId ?? null,
        }),
      );
      return run ? { run, replayed: false } : executeWorkflow(deps, input);
    },
    async rerun(input) {
      if (input.idempotencyKey !== undefined) return rerunRun(deps, input);
      const run = await batch.submit(
        request({ accountId: input.accountId, workflowId: input.workflowId ?? null, sourceRunId: input.runId, triggerType: "rerun", payload: null, endUserId: null }),
      );
      return run ? { run, replayed: false } : rerunRun(deps, input);
    },
  };
}
