/** Node types a definition may use; a node log's `component_id` is one of them. */
export const NODE_TYPES = ["trigger", "http_request", "transform", "condition", "delay", "fail", "ui_interaction"] as const;
/** One of {@link NODE_TYPES}. */
export type NodeType = (typeof NODE_TYPES)[number];

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
export const ID_STYLES = ["altostrat", "alloy"] as const;
/** One of {@link ID_STYLES}. */
export type IdStyle = (typeof ID_STYLES)[number];

/** Outcome of one node execution, as its log records it. */
export const LOG_STATUSES = ["success", "error", "warning"] as const;
/** One of {@link LOG_STATUSES}. */
export type LogStatus = (typeof LOG_STATUSES)[number];
