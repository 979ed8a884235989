/** Node types a definition may use (also the log's component_id). */
export type NodeType = "trigger" | "http_request" | "transform" | "condition" | "delay" | "fail";

/** One step of a workflow graph. */
export interface NodeSpec {
  id: string;
  type: NodeType;
  config?: Record<string, unknown>;
}

/** A directed edge; `branch` only on edges leaving a condition node. */
export interface EdgeSpec {
  source: string;
  target: string;
  branch?: "true" | "false";
}

/** A workflow graph as stored (jsonb) and as exchanged by both APIs. */
export interface WorkflowDefinition {
  nodes: NodeSpec[];
  edges: EdgeSpec[];
}

/** Which API family a workflow belongs to; its run ids follow the same style. */
export type IdStyle = "altostrat" | "alloy";
/** A run's lifecycle state (see the state machine in src/core). */
export type RunStatus = "pending" | "running" | "completed" | "failed" | "awaiting_ui_interaction";
/** What queued a run. */
export type TriggerType = "manual" | "webhook" | "event" | "rerun" | "resume";
/** Outcome of one node execution. */
export type LogStatus = "success" | "error" | "warning";

/** A tenant: every workflow, run and key belongs to one. */
export interface AccountRecord {
  id: string;
  name: string;
  createdAt: Date;
}

/** An API key as stored (never the plaintext). */
export interface ApiKeyRecord {
  id: string;
  accountId: string;
  name: string | null;
  keyPrefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A workflow at its current version. */
export interface WorkflowRecord {
  id: string;
  accountId: string;
  idStyle: IdStyle;
  name: string;
  description: string | null;
  version: number;
  definition: WorkflowDefinition;
  webhookToken: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One execution of a workflow version; also the job row workers claim. */
export interface RunRecord {
  id: string;
  accountId: string;
  endUserId: string | null;
  workflowId: string;
  workflowVersion: number;
  status: RunStatus;
  triggerType: TriggerType;
  triggerPayload: unknown;
  rerunOf: string | null;
  rootRunId: string | null;
  resumeFromNode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  availableAt: Date;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  attempts: number;
}

/** One node execution (or an output copied from a source run). */
export interface NodeLogRecord {
  id: string;
  runId: string;
  workflowId: string;
  nodeId: string;
  componentId: string;
  status: LogStatus;
  output: unknown;
  copiedFrom: string | null;
  startedAt: Date;
  createdAt: Date;
}

/** What an idempotency key remembers for 24 hours. */
export interface IdempotencyRecord {
  accountId: string;
  operation: string;
  key: string;
  requestHash: string;
  state: "in_flight" | "done";
  runId: string | null;
  response: unknown;
  createdAt: Date;
  expiresAt: Date;
}
