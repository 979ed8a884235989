import { RUN_STATUSES, TRIGGER_TYPES, type RunStatus, type TriggerType } from "../../domain/index.ts";
import { isTerminal, type NodeLogRecord, type RunRecord } from "../../core/index.ts";
import type { components } from "../../../generated/alloy/schema.d.ts";

type Schemas = components["schemas"];

// An API call (`POST /run/workflow`) is what Alloy calls a `trigger` execution; `manual` means the builder UI.
const EXECUTION_MODE: Record<TriggerType, Schemas["Execution"]["executionMode"]> = {
  manual: "trigger",
  webhook: "webhook",
  event: "trigger",
  rerun: "retry",
  resume: "retry",
};

/** One execution as Alloy's `GET /logs/{executionId}` shows it. */
export function toExecution(run: RunRecord, logs: NodeLogRecord[]): Schemas["Execution"] {
  return {
    ...toLogEntry(run, logs),
    workflowId: run.workflowId,
    userId: run.endUserId ?? "",
    status: toStatus(run),
    executionMode: EXECUTION_MODE[run.triggerType],
    rerunOf: run.rerunOf,
    ...(run.status === "awaiting_ui_interaction" && run.awaitingNode && run.inputDeadline
      ? { awaitingStepId: run.awaitingNode, inputDeadline: run.inputDeadline.toISOString() }
      : {}),
  };
}

/** One entry of Alloy's workflow logs listing. */
export function toLogEntry(run: RunRecord, logs: NodeLogRecord[]): Schemas["WorkflowLogEntry"] & { status: Schemas["ExecutionStatus"] } {
  const finished = isTerminal(run.status);
  return {
    executionId: run.id,
    startedAt: (run.startedAt ?? run.createdAt).toISOString(),
    stoppedAt: finished && run.completedAt ? run.completedAt.toISOString() : null,
    finished,
    status: toStatus(run),
    results: logs.map((log) => ({
      connectorId: log.componentId,
      startedAt: log.startedAt.toISOString(),
      stoppedAt: log.createdAt.toISOString(),
      data: log.output ?? null,
      ...(log.copiedFromRunId ? { copiedFromExecutionId: log.copiedFromRunId } : {}),
    })),
    inputs: [{ connectorId: "trigger", data: run.triggerPayload ?? {} }],
  };
}

/** Alloy's status of a run: a run waiting for a person is `running` (Alloy's enum has no waiting state). */
export function toStatus(run: RunRecord): Schemas["ExecutionStatus"] {
  return toAlloyStatus(run.status);
}

function toAlloyStatus(status: RunStatus): Schemas["ExecutionStatus"] {
  return status === "awaiting_ui_interaction" ? "running" : status;
}

/** The run statuses a filter on Alloy's statuses stands for (its `running` includes runs waiting for a person). */
export function runStatusesOf(statuses: readonly Schemas["ExecutionStatus"][]): RunStatus[] {
  return RUN_STATUSES.filter((status) => statuses.includes(toAlloyStatus(status)));
}

/** The trigger types a filter on Alloy's execution modes stands for: the inverse of the mapping above. */
export function triggerTypesOf(modes: readonly Schemas["Execution"]["executionMode"][]): TriggerType[] {
  return TRIGGER_TYPES.filter((type) => modes.includes(EXECUTION_MODE[type]));
}
