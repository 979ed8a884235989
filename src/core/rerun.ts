import { copyLogs, findRun, findWorkflow, listRunLogs, type Db, type RunRecord, type WorkflowRecord } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";
import { ancestorsOf, createGraph } from "./graph.ts";
import { createRunIdempotently, type StartedRun } from "./idempotency.ts";
import { queueRun } from "./runs.ts";
import { isRerunnable } from "./state-machine.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids" | "config">;

/** Input of rerunRun; `workflowId`, when given (Alloy's path), must match the run's workflow. */
export interface RerunInput {
  accountId: string;
  runId: string;
  workflowId?: string;
  idempotencyKey?: string;
}

/**
 * Queues a new run of the same workflow with a deep copy of the source's trigger payload, linked by
 * `rerun_of` and `root_run_id`; it records the workflow's current version. Never changes the source.
 */
export async function rerunRun(deps: Deps, input: RerunInput): Promise<StartedRun> {
  return createRunIdempotently(
    deps,
    { accountId: input.accountId, operation: "rerun", key: input.idempotencyKey, request: { runId: input.runId, workflowId: input.workflowId ?? null } },
    async (tx) => {
      const { source, workflow } = await loadRerunnable(tx, input);
      return queueRun(tx, deps, workflow, lineageOf(source, "rerun", null));
    },
  );
}

/** Input of resumeRunFromNode. */
export interface ResumeInput extends RerunInput {
  nodeId: string;
}

/**
 * Queues a new linked run that starts at `nodeId`: the source's successful outputs of that node's
 * ancestors are copied into the new run as logs (`copied_from`), so the node sees the same context.
 * Uses the workflow's current version; the node must exist in it.
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
      const { source, workflow } = await loadRerunnable(tx, input);
      if (!workflow.definition.nodes.some((n) => n.id === input.nodeId)) {
        throw new DomainError("node_not_found", `Node '${input.nodeId}' not found in workflow ${workflow.id} (version ${workflow.version})`);
      }
      const ancestors = ancestorsOf(createGraph(workflow.definition), input.nodeId);
      const latestSuccess = new Map<string, string>();
      for (const log of await listRunLogs(tx, source.id)) {
        if (log.status === "success" && ancestors.has(log.nodeId)) latestSuccess.set(log.nodeId, log.id);
      }
      const run = await queueRun(tx, deps, workflow, lineageOf(source, "resume", input.nodeId));
      const copies = [...latestSuccess.values()].map((sourceLogId) => ({ id: deps.ids.log(), sourceLogId }));
      await copyLogs(tx, copies, run.id, deps.clock());
      return run;
    },
  );
}

async function loadRerunnable(tx: Db, input: RerunInput): Promise<{ source: RunRecord; workflow: WorkflowRecord }> {
  const source = await findRun(tx, input.runId, input.accountId);
  if (!source || (input.workflowId !== undefined && source.workflowId !== input.workflowId)) {
    throw new DomainError("run_not_found", `Run ${input.runId} not found`);
  }
  if (!isRerunnable(source.status)) {
    throw new DomainError("run_not_rerunnable", `Run ${source.id} is ${source.status}; only completed or failed runs can be rerun`, {
      details: { status: source.status },
    });
  }
  const workflow = await findWorkflow(tx, input.accountId, source.workflowId);
  if (!workflow) throw new DomainError("workflow_not_found", `Workflow ${source.workflowId} not found`);
  return { source, workflow };
}

function lineageOf(source: RunRecord, triggerType: "rerun" | "resume", resumeFromNode: string | null) {
  return {
    triggerType,
    payload: structuredClone(source.triggerPayload),
    endUserId: source.endUserId,
    rerunOf: source.id,
    rootRunId: source.rootRunId ?? source.id,
    resumeFromNode,
  };
}
