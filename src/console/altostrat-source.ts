import { createAltostratClient } from "../client/index.ts";
import type { components } from "../../generated/altostrat/schema.d.ts";
import type { ContractOperation } from "./operations.ts";
import type { RunControls } from "./run-controls.ts";
import { newIdempotencyKey, unwrap, type RunDetail, type RunRow, type RunSource } from "./run-source.ts";
import { callDetectedOperation } from "./detected-call.ts";

type WorkflowRun = components["schemas"]["WorkflowRun"];

/** How many runs the console lists: the newest page. */
const PAGE_SIZE = 50;

/** The runs of an Altostrat workflow, through the typed Altostrat client. */
export function createAltostratSource(baseUrl: string, token: string, controls: RunControls): RunSource {
  const client = createAltostratClient({ baseUrl, token });
  return {
    api: "altostrat",
    controls,
    async listRuns(workflowId) {
      const page = unwrap(await client.GET("/workflows/{workflowId}/executions", { params: { path: { workflowId }, query: { per_page: PAGE_SIZE } } }));
      return page.data.map(toRow);
    },
    async getRun(_workflowId, runId) {
      const run = unwrap(await client.GET("/workflows/runs/{runId}", { params: { path: { runId } } }));
      return {
        ...toRow(run),
        error: run.error_message ?? null,
        awaitingNode: run.awaiting_node_id ?? null,
        logs: (run.logs ?? []).map((log) => ({
          nodeId: log.node_id,
          component: log.component_id ?? null,
          status: log.status,
          startedAt: log.started_at ?? null,
          endedAt: log.created_at,
          output: log.output ?? null,
        })),
      } satisfies RunDetail;
    },
    async rerun(_workflowId, runId) {
      const headers = { "Idempotency-Key": newIdempotencyKey() };
      const answer = unwrap(await client.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId }, header: headers } }));
      return toRow(answer.new_run);
    },
    async resumeFrom(runId, nodeId) {
      const headers = { "Idempotency-Key": newIdempotencyKey() };
      const answer = unwrap(await client.POST("/workflows/runs/{runId}/resume-from/{nodeId}", { params: { path: { runId, nodeId }, header: headers } }));
      return toRow(answer.new_run);
    },
    async deliverInput(_workflowId, runId, nodeId, input) {
      const answer = unwrap(await client.POST("/workflows/runs/{runId}/nodes/{nodeId}/input", { params: { path: { runId, nodeId } }, body: { input } }));
      return answer.run.status;
    },
    callDetected: (operation: ContractOperation, params, body) => callDetectedOperation(client, operation, params, body),
  };
}

function toRow(run: WorkflowRun): RunRow {
  const finished = run.status === "completed" || run.status === "failed";
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger_type ?? null,
    startedAt: run.started_at,
    endedAt: run.completed_at ?? null,
    rerunOf: run.rerun_of ?? null,
    finished,
  };
}
