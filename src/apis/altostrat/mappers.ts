import { isTerminal, type LogStats, type NodeLogRecord, type RunRecord, type WorkflowRecord } from "../../core/index.ts";
import type { components } from "../../../generated/altostrat/schema.d.ts";

type Schemas = components["schemas"];

/** A WorkflowRun as the Altostrat contract shows it; `logs` only when given (single-run reads). */
export function toWorkflowRun(run: RunRecord, logs?: NodeLogRecord[]): Schemas["WorkflowRun"] {
  const finished = isTerminal(run.status);
  const started = run.startedAt ?? run.createdAt;
  return {
    id: run.id,
    status: run.status,
    error_message: run.errorMessage,
    started_at: started.toISOString(),
    completed_at: finished && run.completedAt ? run.completedAt.toISOString() : null,
    duration_in_seconds:
      finished && run.completedAt ? Math.max(0, Math.round((run.completedAt.getTime() - started.getTime()) / 10) / 100) : null,
    workflow_id: run.workflowId,
    workflow_version: run.workflowVersion,
    trigger_type: run.triggerType,
    trigger_payload: asObject(run.triggerPayload),
    rerun_of: run.rerunOf,
    root_run_id: run.rootRunId ?? run.id,
    ...awaitingOf(run),
    ...(logs ? { logs: logs.map(toWorkflowLog) } : {}),
  };
}

/** Where a waiting run waits and until when; nothing for any other run. */
function awaitingOf(run: RunRecord): Pick<Schemas["WorkflowRun"], "awaiting_node_id" | "input_deadline"> {
  if (run.status !== "awaiting_ui_interaction" || !run.awaitingNode || !run.inputDeadline) return {};
  return { awaiting_node_id: run.awaitingNode, input_deadline: run.inputDeadline.toISOString() };
}

/** A node log entry; a node output that is not a JSON object is wrapped as `{ value }` (the contract's output is an object). */
export function toWorkflowLog(log: NodeLogRecord): Schemas["WorkflowLog"] {
  return {
    id: log.id,
    run_id: log.runId,
    node_id: log.nodeId,
    component_id: log.componentId,
    status: log.status,
    output: asObject(log.output),
    started_at: log.startedAt.toISOString(),
    created_at: log.createdAt.toISOString(),
    ...(log.copiedFromRunId ? { copied_from_run_id: log.copiedFromRunId } : {}),
  };
}

/** A workflow definition record in the contract's shape. */
export function toWorkflow(wf: WorkflowRecord): Schemas["Workflow"] {
  return {
    id: wf.id,
    name: wf.name,
    description: wf.description,
    version: wf.version,
    definition: wf.definition as Schemas["WorkflowDefinition"],
    webhook_token: wf.webhookToken,
    created_at: wf.createdAt.toISOString(),
    updated_at: wf.updatedAt.toISOString(),
  };
}

/**
 * A definition problem as the contract's FieldError: the core names it relative to the definition
 * (`nodes[2].config.url`), the contract as a JSON pointer into the request (`/body/definition/nodes/2/config/url`).
 */
export function toDefinitionFieldError(problem: { path: string; message: string }): Schemas["FieldError"] {
  const tokens = problem.path.split(/[.[\]]+/).filter((token) => token !== "");
  return { path: ["/body/definition", ...tokens.map((t) => t.replace(/~/g, "~0").replace(/\//g, "~1"))].join("/"), message: problem.message };
}

/** Altostrat's logs/stats answer. */
export function toWorkflowLogStats(stats: LogStats): Schemas["WorkflowLogStats"] {
  return {
    log_statuses: stats.logStatuses,
    recent_runs: stats.recentRuns,
    total_runs: stats.totalRuns,
    success_rate: stats.successRate,
  };
}

function asObject(value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  return value === undefined || value === null ? {} : { value };
}
