import type { IdStyle, LogStatus, RunStatus, TriggerType, WorkflowDefinition } from "../domain/index.ts";

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
  /** The ui_interaction node an `awaiting_ui_interaction` run waits at (kept after the wait ended unanswered). */
  awaitingNode?: string | null;
  /** When that wait runs out. */
  inputDeadline?: Date | null;
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
  /** For a copy: the run it was copied from (the resumed run's `rerun_of`); null otherwise. */
  copiedFromRunId: string | null;
  startedAt: Date;
  createdAt: Date;
}

/** An idempotency key is reserved (`in_flight`) in the run's transaction, then `done` with the run. */
export const IDEMPOTENCY_STATES = ["in_flight", "done"] as const;
/** One of {@link IDEMPOTENCY_STATES}. */
export type IdempotencyState = (typeof IDEMPOTENCY_STATES)[number];

/** What an idempotency key remembers for 24 hours. */
export interface IdempotencyRecord {
  accountId: string;
  operation: string;
  key: string;
  requestHash: string;
  state: IdempotencyState;
  runId: string | null;
  response: unknown;
  createdAt: Date;
  expiresAt: Date;
}
