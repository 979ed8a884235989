import { deliverNodeInput, expireAwaitingRuns, findRun, findWorkflowVersion, type RunRecord } from "../store/index.ts";
import { inputSchemaOf, validateInput } from "./components/index.ts";
import type { EngineDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids">;

/** Runs whose wait ran out that one sweep fails; the next sweep takes the rest. */
const EXPIRY_BATCH = 100;

/** Input of deliverInput; `workflowId`, when given (Alloy's path), must be the run's workflow. */
export interface DeliverInput {
  accountId: string;
  runId: string;
  nodeId: string;
  workflowId?: string;
  /** The person's input: checked against the node's `input_schema`, it becomes the node's output. */
  input: unknown;
  /** Where the input sits in the request (a JSON pointer), prefixed to each problem's path. */
  inputPointer?: string;
}

/**
 * Delivers a person's input to a run waiting at a ui_interaction node and queues the run again.
 * Another account's run, or one of another workflow, is `run_not_found`; a run not waiting at that
 * node (or whose wait ran out) is `run_not_awaiting_input`; input the node's schema refuses is
 * `invalid_node_input` with every problem. The write is one conditional update, so of concurrent
 * deliveries exactly one wins and the others are `run_not_awaiting_input`.
 */
export async function deliverInput(deps: Deps, d: DeliverInput): Promise<RunRecord> {
  const run = await findOwnRun(deps, d);
  const now = deps.clock();
  if (!isWaitingAt(run, d.nodeId, now)) throw notAwaiting(run, d.nodeId);
  const definition = await findWorkflowVersion(deps.db, run.workflowId, run.workflowVersion);
  const node = definition?.nodes.find((n) => n.id === d.nodeId && n.type === "ui_interaction");
  if (!node) throw notAwaiting(run, d.nodeId);
  const problems = validateInput(inputSchemaOf(node.config ?? {}), d.input, d.inputPointer ?? "");
  if (problems.length > 0) {
    const summary = problems.map((p) => `${p.path || "input"} ${p.message}`).join("; ");
    throw new DomainError("invalid_node_input", `The input for node '${d.nodeId}' is invalid: ${summary}`, { details: { problems } });
  }
  const resumed = await deliverNodeInput(deps.db, { accountId: d.accountId, runId: d.runId, nodeId: d.nodeId, input: d.input, logId: deps.ids.log(), now });
  if (resumed) return resumed;
  // Another delivery, a cancel or the deadline came first: say where the run stands now.
  throw notAwaiting(await findOwnRun(deps, d), d.nodeId);
}

/** Fails the runs whose wait for a person ran out (every worker's sweep calls it). */
export async function expireWaits(deps: Deps): Promise<string[]> {
  return expireAwaitingRuns(deps.db, {
    now: deps.clock(),
    limit: EXPIRY_BATCH,
    messageTemplate: "Node '{node}' (ui_interaction) failed: no input arrived before its timeout",
    logOutput: { error: "no input arrived before the node's timeout", code: "ui_interaction_timeout" },
    logIds: Array.from({ length: EXPIRY_BATCH }, () => deps.ids.log()),
  });
}

async function findOwnRun(deps: Deps, d: DeliverInput): Promise<RunRecord> {
  const run = await findRun(deps.db, d.runId, d.accountId);
  if (!run || (d.workflowId !== undefined && run.workflowId !== d.workflowId)) throw new DomainError("run_not_found", `Run ${d.runId} not found`);
  return run;
}

function isWaitingAt(run: RunRecord, nodeId: string, now: Date): boolean {
  return run.status === "awaiting_ui_interaction" && run.awaitingNode === nodeId && !!run.inputDeadline && run.inputDeadline > now;
}

function notAwaiting(run: RunRecord, nodeId: string): DomainError {
  const where = run.status === "awaiting_ui_interaction" && run.awaitingNode !== nodeId ? ` (it waits at node '${run.awaitingNode}')` : "";
  return new DomainError("run_not_awaiting_input", `Run ${run.id} is ${run.status}${where}; it is not waiting for input at node '${nodeId}'`, {
    details: { status: run.status },
  });
}
