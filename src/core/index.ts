// The core's surface. Verbs that touch the store are reached only through `createEngine`, which
// adds the group commit, the error guard and the finished-run cache; the free functions behind
// them stay inside this folder. What is exported besides the engine is pure (no store).
export { createEngine, type Engine } from "./engine.ts";
export { DEFAULT_ENGINE_CONFIG, type EngineConfig, type EngineOptions } from "./deps.ts";
export { DomainError, isDomainError, toDomainError, type DomainErrorDetails, type Problem } from "./errors.ts";
export { createIdGenerator, createUlidFactory, type IdGenerator } from "./ids.ts";
export { canTransition, assertTransition, isTerminal, isRerunnable, CANCELLABLE_STATUSES } from "./state-machine.ts";
export { validateDefinition, checkDefinition, parseDefinition, MAX_NODES, MAX_EDGES, MAX_DEFINITION_BYTES } from "./definition.ts";
export { createGraph, ancestorsOf, descendantsOf, sortTopologically, type WorkflowGraph } from "./graph.ts";
export { hashRequest, canonicalJson, type StartedRun, type IdempotentOperation } from "./idempotency.ts";
export { createBackoff, type Backoff } from "./backoff.ts";
export type { CreatedApiKey } from "./accounts.ts";
export type { CreateWorkflowInput, UpdateWorkflowInput } from "./workflows.ts";
export type { ExecuteWorkflowInput, ListRunsInput, ListLogsInput, RunPage, RunWithLogs, LogStats } from "./runs.ts";
export type { RerunInput, ResumeInput } from "./rerun.ts";
export { MAX_CANCEL_BATCH, type CancelRunInput, type CancelledRun, type CancelRunsInput, type CancelRunsResult } from "./cancel.ts";
export type { PurgeOptions, PurgeResult, RetentionTask } from "./retention.ts";
export type { DeliverInput } from "./ui-input.ts";
export type { RunOutcome } from "./executor.ts";
export type { Worker, WorkerOptions, WorkerEvent } from "./worker.ts";
export {
  COMPONENTS,
  isNodeType,
  NodeError,
  assertAllowedDestination,
  isPrivateAddress,
  systemLookup,
  renderTemplate,
  renderValue,
  readPath,
  isTruthy,
  MAX_DELAY_SECONDS,
  MAX_HTTP_TIMEOUT_MS,
  MAX_UI_TIMEOUT_SECONDS,
  MIN_UI_TIMEOUT_SECONDS,
  DEFAULT_UI_TIMEOUT_SECONDS,
  MAX_INPUT_BYTES,
  MAX_INPUT_SCHEMA_BYTES,
  MAX_DEFINITION_INPUT_SCHEMA_BYTES,
  MAX_INPUT_SCHEMA_DEPTH,
  triggerComponent,
  httpRequestComponent,
  transformComponent,
  conditionComponent,
  delayComponent,
  failComponent,
  type Component,
  type ComponentServices,
  type NodeInput,
  type NodeResult,
  type RunContext,
  type RunSandbox,
  type Lookup,
  type NetworkPolicy,
} from "./components/index.ts";
export type { AccountRecord, ApiKeyRecord, WorkflowRecord, RunRecord, NodeLogRecord } from "../store/index.ts";
export type { WorkflowDefinition, NodeSpec, EdgeSpec, NodeType, IdStyle, RunStatus, TriggerType, LogStatus } from "../domain/index.ts";
export { createSandbox, createInThreadSandbox, defaultSandboxProcesses, DEFAULT_SANDBOX_OPTIONS, SandboxError, type Sandbox, type SandboxOptions } from "./sandbox/index.ts";
