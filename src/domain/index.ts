// The domain's words, at the bottom of the house: store, core and apis import them; this folder
// imports nothing of theirs.
export { NODE_TYPES, ID_STYLES, LOG_STATUSES, type NodeType, type IdStyle, type LogStatus, type NodeSpec, type EdgeSpec, type WorkflowDefinition } from "./nodes.ts";
export { RUN_STATUSES, RUN_TRANSITIONS, TRIGGER_TYPES, type RunStatus, type TriggerType } from "./runs.ts";
export { RERUN_JOB_STATES, ACTIVE_RERUN_JOB_STATES, type RerunJobState } from "./runs.ts";
export { DOMAIN_ERROR_CODES, NODE_ERROR_CODES, type DomainErrorCode, type NodeErrorCode } from "./errors.ts";
