import { copyLogs, findWorkflowVersion, listRunLogs } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";
import { ancestorsOf, createGraph } from "./graph.ts";
import { createRunIdempotently, type StartedRun } from "./idempotency.ts";
import { createQueueRequest, queueRun } from "./run-requests.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids" | "config">;

/** Input of rerunRun; `workflowId`, when given (Alloy's path), must match the run's workflow. */
export interface RerunInput {
  accountId: string;
  runId: string;
  workflowId?: string;
  idempotencyKey?: string;
}

/**
 * Queues a new run of the same workflow with a copy of the source's trigger payload, linked by
 * `rerun_of` and `root_run_id`; it records the workflow's current version. Never changes the source.
 * Which sources may be rerun is the state machine's rule, applied by the statement that queues.
 */
export async function rerunRun(deps: Deps, input: RerunInput): Promise<StartedRun> {
  return createRunIdempotently(
    deps,
    { accountId: input.accountId, operation: "rerun", key: input.idempotencyKey, request: { runId: input.runId, workflowId: input.workflowId ?? null } },
    (tx) => queueRun(tx, createQueueRequest(deps, lineageRequest(input, "rerun", null))),
  );
}

/** Input of resumeRunFromNode. */
export interface ResumeInput extends RerunInput {
  nodeId: string;
}

/**
 * Queues a new linked run that starts at `nodeId`: the source's successful outputs of that node's
 * ancestors are copied into the new run as logs (`copied_from`), so the node sees the same context.
 * Uses the workflow's current version; the node must exist in it (else nothing is queued).
 */
export async function resumeRunFromNode(deps: Deps, input: ResumeInput): Promise<StartedRun> {
  return createRunIdempotently(
    deps,
    {
      accountId: input.accountId,
      operation: "resume",
      key: input.idempotencyKey,
      request: { runId: input.runId, workflowId: input.workflowId ?? null, nodeId: input.nodeId },
    },
    async (tx) => {
      const run = await queueRun(tx, createQueueRequest(deps, lineageRequest(input, "resume", input.nodeId)));
      // The run's insert is rolled back with the transaction when the node is not in its version.
      const definition = await findWorkflowVersion(tx, run.workflowId, run.workflowVersion);
      if (!definition?.nodes.some((n) => n.id === input.nodeId)) {
        throw new DomainError("node_not_found", `Node '${input.nodeId}' not found in workflow ${run.workflowId} (version ${run.workflowVersion})`);
      }
      const ancestors = ancestorsOf(createGraph(definition), input.nodeId);
      const latestSuccess = new Map<string, string>();
      for (const log of await listRunLogs(tx, input.runId)) {
        if (log.status === "success" && ancestors.has(log.nodeId)) latestSuccess.set(log.nodeId, log.id);
      }
      const copies = [...latestSuccess.values()].map((sourceLogId) => ({ id: deps.ids.log(), sourceLogId }));
      await copyLogs(tx, copies, run.id, deps.clock());
      return run;
    },
  );
}

function lineageRequest(input: RerunInput, triggerType: "rerun" | "resume", resumeFromNode: string | null) {
  return {
    accountId: input.accountId,
    workflowId: input.workflowId ?? null,
    sourceRunId: input.runId,
    triggerType,
    payload: null,
    endUserId: null,
    resumeFromNode,
  };
}
