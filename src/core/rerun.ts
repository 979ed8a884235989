import { copyLogs, findWorkflowVersion, listRunLogs, type QueueRequest } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";
import { ancestorsOf, createGraph } from "./graph.ts";
import { createRunIdempotently, type StartedRun } from "./idempotency.ts";
import { createQueueRequest, queueRun, type QueueLimits } from "./run-requests.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids" | "config">;

/** Input of resumeRunFromNode; `workflowId`, when given (Alloy's path), must match the run's workflow. */
export interface ResumeInput {
  accountId: string;
  runId: string;
  workflowId?: string;
  idempotencyKey?: string;
  nodeId: string;
}

/** A rerun's new trigger payload: used as it is (`replace`, the default) or merged over the source's object payload. */
export interface PayloadOverride {
  value: Record<string, unknown>;
  mode?: "replace" | "merge";
}

/** Input of rerunRun. Without `payload` and `version` it is the plain rerun (the source's payload, the current version). */
export interface RerunInput extends Omit<ResumeInput, "nodeId"> {
  payload?: PayloadOverride;
  /** `original`: the version the source recorded; `current` (the default): the workflow's latest. */
  version?: "original" | "current";
}

/**
 * Queues a new run of the same workflow, linked by `rerun_of` and `root_run_id`, with a copy of the
 * source's trigger payload (or `payload` replacing it or merged over it) and the workflow's current
 * version (or, with `version: original`, the source's). Never changes the source. Which sources may
 * be rerun, the merge and its size bound are applied by the statement that queues. The
 * overrides are part of the request an idempotency key remembers; asking for a default (`version:
 * current`, or `replace` for a payload) names the same request as leaving it out.
 */
export async function rerunRun(deps: Deps, input: RerunInput): Promise<StartedRun> {
  const { payloadMode, version } = readOverrides(input);
  const request = { runId: input.runId, workflowId: input.workflowId ?? null, payload: input.payload?.value, payloadMode, version };
  return createRunIdempotently(deps, { accountId: input.accountId, operation: "rerun", key: input.idempotencyKey, request }, (tx) =>
    queueRun(tx, createRerunRequest(deps, input), queueLimits(deps)),
  );
}

/** The queue request of a rerun, keyed (rerunRun) or group-committed (run-queue.ts) alike. */
export function createRerunRequest(deps: Pick<EngineDeps, "clock" | "ids">, input: RerunInput): QueueRequest {
  const { payloadMode, version } = readOverrides(input);
  return createQueueRequest(deps, { ...lineageRequest(input, "rerun", null), payload: input.payload?.value ?? null, payloadMode, version });
}

/** The bounds the queueing statement applies to a rerun's overrides. */
export function queueLimits(deps: Pick<EngineDeps, "config">): QueueLimits {
  return { payloadMaxBytes: deps.config.payloadMaxBytes };
}

// The defaults (replace, current) are spelled out as absent, so asking for them is the same request as not asking.
function readOverrides(input: RerunInput): { payloadMode: "replace" | "merge" | undefined; version: "original" | undefined } {
  return { payloadMode: input.payload ? (input.payload.mode ?? "replace") : undefined, version: input.version === "original" ? "original" : undefined };
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

function lineageRequest(input: Omit<ResumeInput, "nodeId">, triggerType: "rerun" | "resume", resumeFromNode: string | null) {
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
