import type { ApiName, ContractOperation } from "./operations.ts";
import type { RunControls } from "./run-controls.ts";

/** One run as the console lists it, whichever API it came from. */
export interface RunRow {
  id: string;
  status: string;
  /** What started the run (Altostrat `trigger_type`, Alloy `executionMode`); null when the API did not say. */
  trigger: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** The run this one reruns or resumes. */
  rerunOf: string | null;
  finished: boolean;
}

/** What one node of a run did. */
export interface NodeLog {
  nodeId: string;
  component: string | null;
  status: string | null;
  startedAt: string | null;
  endedAt: string | null;
  output: unknown;
}

/** One run with its node logs. */
export interface RunDetail extends RunRow {
  error: string | null;
  logs: NodeLog[];
  /** The node a run waiting for a person waits at (Altostrat `awaiting_node_id`, Alloy `awaitingStepId`). */
  awaitingNode?: string | null;
}

/** The runs of one workflow, and what the console may do with them, behind either API's typed client. */
export interface RunSource {
  readonly api: ApiName;
  readonly controls: RunControls;
  listRuns(workflowId: string): Promise<RunRow[]>;
  getRun(workflowId: string, runId: string): Promise<RunDetail>;
  /** Reruns a finished run; resolves with the new run as far as the answer describes it. */
  rerun(workflowId: string, runId: string): Promise<RunRow>;
  resumeFrom(runId: string, nodeId: string): Promise<RunRow>;
  /** Delivers a person's input to the node a run waits at; resolves with the run's new status. */
  deliverInput(workflowId: string, runId: string, nodeId: string, input: Record<string, unknown>): Promise<string>;
  /** Calls an operation the console found by shape (cancel, bulk rerun) and resolves with its answer. */
  callDetected(operation: ContractOperation, params: Record<string, string>, body?: unknown): Promise<unknown>;
}

/** An answer other than success, in either API's error shape (both carry `code` and `message`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, body: unknown) {
    const { code, message } = readError(body);
    super(`${status} ${code}: ${message}`);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** Throws an {@link ApiError} for an openapi-fetch answer that carries an error, else returns its data. */
export function unwrap<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.error !== undefined || answer.data === undefined) throw new ApiError(answer.response.status, answer.error);
  return answer.data;
}

/** A fresh Idempotency-Key per click: a repeated click is a new intent, a retried request is not. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

function readError(body: unknown): { code: string; message: string } {
  const record = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const code = typeof record.code === "string" ? record.code : "error";
  const message = typeof record.message === "string" ? record.message : "The API answered without a readable error.";
  return { code, message };
}
