import { createAlloyClient } from "../client/index.ts";
import type { components } from "../../generated/alloy/schema.d.ts";
import { callDetectedOperation } from "./detected-call.ts";
import type { RunControls } from "./run-controls.ts";
import { unwrap, type NodeLog, type RunDetail, type RunRow, type RunSource } from "./run-source.ts";

type Execution = components["schemas"]["Execution"];
type LogEntry = components["schemas"]["WorkflowLogEntry"];

/** The largest page the Alloy contract allows. */
const PAGE_SIZE = 30;

/**
 * The executions of an Alloy workflow, through the typed Alloy client. Alloy's log list carries no
 * trigger and no lineage, so each listed execution is read once more (`GET /logs/{executionId}`).
 */
export function createAlloySource(baseUrl: string, apiKey: string, controls: RunControls): RunSource {
  const client = createAlloyClient({ baseUrl, apiKey });
  const getExecution = async (executionId: string) => unwrap(await client.GET("/logs/{executionId}", { params: { path: { executionId } } }));
  return {
    api: "alloy",
    controls,
    async listRuns(workflowId) {
      const page = unwrap(await client.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId }, query: { limit: PAGE_SIZE } } }));
      const executions = await Promise.all(page.data.map((entry) => getExecution(entry.executionId)));
      return page.data.map((entry, index) => mergeEntry(entry, executions[index]));
    },
    async getRun(_workflowId, executionId) {
      const execution = await getExecution(executionId);
      const failedStep = execution.status === "failed" ? execution.results.at(-1) : undefined;
      const error = failedStep ? readStepError(failedStep.data) : null;
      return { ...toRow(execution), error, logs: execution.results.map(toNodeLog), awaitingNode: execution.awaitingStepId ?? null } satisfies RunDetail;
    },
    async rerun(workflowId, executionId) {
      const answer = unwrap(await client.POST("/workflows/{workflowId}/rerun/{executionId}", { params: { path: { workflowId, executionId } } }));
      // The answer names the new execution only; the console reads the rest on its next refresh.
      return { id: answer.executionId, status: "pending", trigger: "retry", startedAt: null, endedAt: null, rerunOf: executionId, finished: false };
    },
    resumeFrom() {
      return Promise.reject(new Error("The Alloy contract has no resume-from operation."));
    },
    async deliverInput(workflowId, executionId, stepId, data) {
      const path = { workflowId, executionId, stepId };
      return unwrap(await client.POST("/workflows/{workflowId}/executions/{executionId}/steps/{stepId}/input", { params: { path }, body: { data } })).status;
    },
    callDetected: (operation, params, body) => callDetectedOperation(client, operation, params, body),
  };
}

/**
 * A listed execution: the list's own fields, with trigger and lineage from the execution's read. A
 * read that answers another execution (a static mock answers every ID with one example) lends nothing.
 */
function mergeEntry(entry: LogEntry, execution: Execution | undefined): RunRow {
  const same = execution?.executionId === entry.executionId;
  return {
    id: entry.executionId,
    status: entry.status ?? (entry.finished ? "completed" : "running"),
    trigger: same ? execution.executionMode : null,
    startedAt: entry.startedAt,
    endedAt: entry.stoppedAt ?? null,
    rerunOf: same ? (execution.rerunOf ?? null) : null,
    finished: entry.finished,
  };
}

function toRow(execution: Execution): RunRow {
  return {
    id: execution.executionId,
    status: execution.status,
    trigger: execution.executionMode,
    startedAt: execution.startedAt,
    endedAt: execution.stoppedAt ?? null,
    rerunOf: execution.rerunOf ?? null,
    finished: execution.finished,
  };
}

function toNodeLog(step: Execution["results"][number]): NodeLog {
  // Alloy names a step by its connector and reports no status per step.
  return { nodeId: step.connectorId, component: null, status: null, startedAt: step.startedAt, endedAt: step.stoppedAt, output: step.data };
}

function readStepError(data: unknown): string | null {
  const error = data !== null && typeof data === "object" ? (data as Record<string, unknown>).error : undefined;
  return typeof error === "string" ? error : "The execution failed.";
}
