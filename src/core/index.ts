export { DomainError, isDomainError, toDomainError, type DomainErrorDetails, type Problem } from "./errors.ts";
export { createEngine, type Engine } from "./engine.ts";
export { resolveDeps, DEFAULT_ENGINE_CONFIG, type EngineConfig, type EngineDeps, type EngineOptions } from "./deps.ts";
export { createIdGenerator, createUlidFactory, type IdGenerator } from "./ids.ts";
export { canTransition, assertTransition, isTerminal, isRerunnable } from "./state-machine.ts";
export { validateDefinition, checkDefinition, parseDefinition, MAX_NODES, MAX_EDGES, MAX_DEFINITION_BYTES } from "./definition.ts";
export { createGraph, ancestorsOf, descendantsOf, sortTopologically, type WorkflowGraph } from "./graph.ts";
export { createAccount, getAccount, listApiKeys, createApiKey, resolveApiKey, revokeApiKey, type CreatedApiKey } from "./accounts.ts";
export {
  createWorkflow,
  getWorkflow,
  getWorkflowByWebhookToken,
  getWorkflowByName,
  listWorkflows,
  updateWorkflow,
  type CreateWorkflowInput,
  type UpdateWorkflowInput,
} from "./workflows.ts";
export {
  executeWorkflow,
  getRun,
  listRuns,
  listRunsWithLogs,
  listLogs,
  getLogStats,
  type ExecuteWorkflowInput,
  type ListRunsInput,
  type ListLogsInput,
  type RunPage,
  type RunWithLogs,
  type LogStats,
} from "./runs.ts";
export { rerunRun, resumeRunFromNode, type RerunInput, type ResumeInput } from "./rerun.ts";
export { hashRequest, canonicalJson, type StartedRun, type IdempotentOperation } from "./idempotency.ts";
export { purgeExpired, startRetention, type PurgeOptions, type PurgeResult, type RetentionTask } from "./retention.ts";
export { executeRun, type ExecutionTools, type Lease, type RunOutcome } from "./executor.ts";
export { createGraphCache, type GraphCache } from "./graph-cache.ts";
export { createWorker, type Worker, type WorkerOptions, type WorkerEvent } from "./worker.ts";
export { createBackoff, type Backoff } from "./backoff.ts";
export * from "./components/index.ts";
export type { AccountRecord, ApiKeyRecord, WorkflowRecord, RunRecord, NodeLogRecord } from "../store/index.ts";
export type { WorkflowDefinition, NodeSpec, EdgeSpec, NodeType, IdStyle, RunStatus, TriggerType, LogStatus } from "../domain/index.ts";
export { createSandbox, createInThreadSandbox, defaultSandboxProcesses, DEFAULT_SANDBOX_OPTIONS, SandboxError, type Sandbox, type SandboxOptions } from "./sandbox/index.ts";
