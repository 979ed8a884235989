import type { NodeSpec } from "../domain/index.ts";
import { type ClaimedRun, listRunLogs, type NewLog, type RunRecord, type SettleOutcome } from "../store/index.ts";
import { COMPONENTS, NodeError, type ComponentServices, type NodeResult, type RunContext } from "./components/index.ts";
import { OutputTooLargeError, serializeBounded } from "./sandbox/index.ts";
import type { EngineDeps } from "./deps.ts";
import { descendantsOf, type WorkflowGraph } from "./graph.ts";
import { createGraphCache, type GraphCache } from "./graph-cache.ts";
import { createRunWriter, type RunWriter, type SettleResult } from "./run-writer.ts";
import { assertTransition } from "./state-machine.ts";
import { CANCELLED_LOG_OUTPUT, CANCELLED_MESSAGE } from "./cancel-words.ts";

/** How one execution of a claimed run ended. */
export type RunOutcome = "completed" | "failed" | "cancelled" | "deferred" | "awaiting" | "released" | "lease_lost";

/** The lease a worker holds on a run while executing it. */
export interface Lease {
  owner: string;
  /**
   * Aborted when the worker stops (reason "stopping"), loses the lease (reason "lease_lost") or learns
   * that the run's cancel was requested (reason "cancelled": an in-flight node is stopped).
   */
  signal: AbortSignal;
}

/** What a worker shares between the runs it executes. */
export interface ExecutionTools {
  graphs?: GraphCache;
  writer?: RunWriter;
}

/**
 * Executes a claimed run from where it stands. Nodes with a success log (from an earlier attempt,
 * a durable delay, or copied by resume-from-node) are not run again; their outputs seed the context.
 *
 * Delivery is at-least-once per node: a node's success log is its commit point. Logs of nodes that
 * act only inside the engine (trigger, transform, condition) are kept until the run ends, defers,
 * parks at a ui_interaction node (which writes no log itself: the person's input becomes it), or
 * reaches a node with side effects (http_request), whose log is written before the next node runs;
 * so a run usually costs one write. If a worker dies, the run is reclaimed and every node without a
 * written log runs again: an HTTP call at most once more, engine-only nodes harmlessly. Nodes whose
 * log was written never run twice. Every write is fenced by the lease: a worker that lost its lease
 * cannot write logs or change the run.
 *
 * Limits: each node's output is at most `nodeMaxOutputBytes` and all of a run's outputs together at
 * most `runMaxOutputBytes` (an output over either fails the run and is not stored); one execution of
 * a run may take `runTimeBudgetMs`; tenant code runs in the sandbox within what is left of it.
 */
export async function executeRun(deps: EngineDeps, run: RunRecord | ClaimedRun, lease: Lease, tools: ExecutionTools = {}): Promise<RunOutcome> {
  // The budget's timer is held here until the run ends, so it fires even if nothing else refers to it.
  const budget = new AbortController();
  const deadline = performance.now() + deps.config.runTimeBudgetMs;
  const budgetTimer = setTimeout(() => budget.abort("run_budget_exceeded"), deps.config.runTimeBudgetMs);
  try {
    return await executeWithin(deps, run, lease, tools, { signal: budget.signal, deadline });
  } finally {
    clearTimeout(budgetTimer);
  }
}

/** The run's execution budget: aborted when it runs out, and when that is (performance.now() time). */
interface Budget {
  signal: AbortSignal;
  deadline: number;
}

async function executeWithin(deps: EngineDeps, run: RunRecord | ClaimedRun, lease: Lease, tools: ExecutionTools, { signal: budget, deadline }: Budget): Promise<RunOutcome> {
  const graphs = tools.graphs ?? createGraphCache();
  const writer = tools.writer ?? createRunWriter(deps.db, { clock: deps.clock });
  const unwritten: NewLog[] = [];
  const write = (outcome: SettleOutcome) => writer.settle({ runId: run.id, owner: lease.owner, attempt: run.attempts, logs: unwritten.splice(0), outcome });
  /** Writes the logs so far with the run's new state; a write the store refused has failed the run. */
  const settle = async (outcome: SettleOutcome, ifWritten: RunOutcome): Promise<RunOutcome> => outcomeOf(await write(outcome), ifWritten);
  const finish = async (status: "completed" | "failed", errorMessage: string | null, at = deps.clock()): Promise<RunOutcome> => {
    assertTransition("running", status);
    return settle({ kind: "finish", status, errorMessage, at }, status);
  };
  // A cancel reaches a held run through the lease signal (notification, renewal) or a settlement's answer.
  let cancelRequested = "cancelRequested" in run && run.cancelRequested;
  const isCancelled = () => cancelRequested || (lease.signal.aborted && lease.signal.reason === "cancelled");
  /** Ends a cancelled run: an error log `run_cancelled` at the node it stopped at, then failed. */
  const cancel = async (node: NodeSpec | undefined, startedAt = deps.clock()): Promise<RunOutcome> => {
    if (node) unwritten.push({ id: deps.ids.log(), runId: run.id, nodeId: node.id, componentId: node.type, status: "error", output: { ...CANCELLED_LOG_OUTPUT }, startedAt, createdAt: deps.clock() });
    assertTransition("running", "failed");
    return settle({ kind: "finish", status: "failed", errorMessage: CANCELLED_MESSAGE, at: deps.clock() }, "cancelled");
  };
  /** Gives a run back (worker stopping): pending again, due now, the unused attempt returned; logs written so far are kept. */
  const release = async (node: NodeSpec): Promise<RunOutcome> => {
    if (lease.signal.reason === "lease_lost") return "lease_lost";
    assertTransition("running", "pending");
    const result = await write({ kind: "defer", availableAt: deps.clock(), reason: "release" });
    return result === "cancel_requested" ? cancel(node) : outcomeOf(result, "released");
  };

  const graph = await graphs.get(deps, run.workflowId, run.workflowVersion);
  if (!graph) return finish("failed", `Workflow ${run.workflowId} version ${run.workflowVersion} no longer exists`);
  const start = run.resumeFromNode ?? graph.trigger.id;
  if (!graph.nodes.has(start)) return finish("failed", `Resume node '${start}' is not in workflow version ${run.workflowVersion}`);

  const outputs = new Map<string, unknown>(
    "completedOutputs" in run
      ? run.completedOutputs
      : (await listRunLogs(deps.db, run.id)).filter((l) => l.status === "success").map((l) => [l.nodeId, l.output] as const),
  );
  const context: RunContext = { trigger: run.triggerPayload, nodes: Object.fromEntries(outputs) };
  const eligible = descendantsOf(graph, start);
  const services = servicesOf(deps, run.accountId, () => deadline - performance.now());
  const signal = AbortSignal.any([lease.signal, budget]);
  let runBytes = Buffer.byteLength(JSON.stringify(context));

  const isRunnable = (nodeId: string): boolean =>
    eligible.has(nodeId) && !outputs.has(nodeId) && (nodeId === start || isActivated(graph, nodeId, outputs));

  for (let i = 0; i < graph.order.length; i++) {
    const nodeId = graph.order[i]!;
    if (!isRunnable(nodeId)) continue;
    const node = graph.nodes.get(nodeId)!;
    if (isCancelled()) return cancel(node);
    if (lease.signal.aborted) return release(node);
    const component = COMPONENTS[node.type];
    const startedAt = deps.clock();
    let result: NodeResult;
    try {
      if (budget.aborted) throw budgetExceeded(deps);
      result = await component.run({ node, config: node.config ?? {}, context, now: startedAt, signal, services });
      if (result.kind !== "await") runBytes += outputBytes(result.output, deps.config.nodeMaxOutputBytes);
      if (runBytes > deps.config.runMaxOutputBytes) {
        throw new NodeError(`the run's outputs exceed the limit of ${deps.config.runMaxOutputBytes} bytes`, { code: "run_output_too_large" });
      }
    } catch (caught) {
      if (isCancelled()) return cancel(node, startedAt);
      if (lease.signal.aborted) return release(node);
      const err = budget.aborted && !(caught instanceof NodeError && caught.code === "run_budget_exceeded") ? budgetExceeded(deps, caught) : caught;
      unwritten.push(errorLog(deps, run, node, startedAt, err));
      return finish("failed", `Node '${node.id}' (${node.type}) failed: ${messageOf(err)}`);
    }
    if (result.kind === "await") {
      // Parked without a worker: the logs so far are written, the person's input will be this node's log.
      assertTransition("running", "awaiting_ui_interaction");
      const parked = await write({ kind: "await", nodeId, until: result.until });
      return parked === "cancel_requested" ? cancel(node, startedAt) : outcomeOf(parked, "awaiting");
    }
    outputs.set(nodeId, result.output);
    context.nodes[nodeId] = result.output;
    const createdAt = deps.clock();
    unwritten.push({ id: deps.ids.log(), runId: run.id, nodeId, componentId: node.type, status: "success", output: result.output, startedAt, createdAt });
    if (result.kind === "delay") {
      assertTransition("running", "pending");
      const deferred = await write({ kind: "defer", availableAt: result.until, reason: "delay" });
      if (deferred !== "cancel_requested") return outcomeOf(deferred, "deferred");
      cancelRequested = true; // the wait is not taken: the next node is where the run stops
      continue;
    }
    // Activation only flows forward, so when no later node is runnable now, none ever will be.
    if (!graph.order.slice(i + 1).some(isRunnable)) return finish("completed", null, createdAt);
    if (component.sideEffects) {
      const result = await write({ kind: "continue" });
      if (result === "cancel_requested") cancelRequested = true;
      else if (result !== "written") return outcomeOf(result, "failed");
    }
  }
  // Nothing was left to run (e.g. every node already has a log): the run is complete.
  return isCancelled() ? cancel(undefined) : finish("completed", null);
}

/** The outcome of a settlement that was meant to end in `ifWritten`. */
function outcomeOf(result: SettleResult, ifWritten: RunOutcome): RunOutcome {
  if (result === "written" || result === "cancel_requested") return ifWritten;
  return result === "refused" ? "failed" : "lease_lost";
}

/** A node runs when any incoming edge comes from a finished node and, for a condition, matches its branch. */
function isActivated(graph: WorkflowGraph, nodeId: string, outputs: Map<string, unknown>): boolean {
  return (graph.incoming.get(nodeId) ?? []).some((edge) => {
    if (!outputs.has(edge.source)) return false;
    if (edge.branch === undefined) return true;
    const result = (outputs.get(edge.source) as { result?: unknown } | null)?.result;
    return edge.branch === (result === true ? "true" : "false");
  });
}

/** The JSON size of a node's output, refused past the node limit. */
function outputBytes(output: unknown, maxBytes: number): number {
  try {
    return Buffer.byteLength(serializeBounded(output, maxBytes));
  } catch (err) {
    if (err instanceof OutputTooLargeError) throw new NodeError(`the node's ${err.message}`, { code: "node_output_too_large" });
    throw err;
  }
}

function budgetExceeded(deps: EngineDeps, cause?: unknown): NodeError {
  return new NodeError(`the run exceeded its execution budget of ${deps.config.runTimeBudgetMs} ms`, { code: "run_budget_exceeded", cause });
}

function errorLog(deps: EngineDeps, run: RunRecord, node: NodeSpec, startedAt: Date, err: unknown): NewLog {
  const output = { error: messageOf(err), code: err instanceof NodeError ? err.code : "node_failed", ...(err instanceof NodeError ? err.output : {}) };
  return { id: deps.ids.log(), runId: run.id, nodeId: node.id, componentId: node.type, status: "error", output, startedAt, createdAt: deps.clock() };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function servicesOf(deps: EngineDeps, account: string, remainingMs: () => number): ComponentServices {
  return {
    sandbox: {
      run: (task, limits = {}) =>
        deps.sandbox.run(task, {
          account,
          timeoutMs: Math.min(limits.timeoutMs ?? Infinity, Math.max(1, Math.floor(remainingMs()))),
          maxOutputBytes: Math.min(limits.maxOutputBytes ?? Infinity, deps.config.nodeMaxOutputBytes),
        }),
    },
    fetcher: deps.fetcher,
    network: { allowPrivateNetworks: deps.config.allowPrivateNetworks, allowedHosts: deps.config.allowedHosts, lookup: deps.lookup },
    httpTimeoutMs: deps.config.httpTimeoutMs,
    maxResponseBytes: deps.config.maxResponseBytes,
  };
}
