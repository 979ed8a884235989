import {
  type ClaimedRun,
  deferRun,
  finishRun,
  finishRunWithLog,
  insertLogIfLeased,
  listRunLogs,
  type NodeSpec,
  type RunRecord,
} from "../store/index.ts";
import { COMPONENTS, NodeError, type ComponentServices, type NodeResult, type RunContext } from "./components/index.ts";
import type { EngineDeps } from "./deps.ts";
import { descendantsOf, type WorkflowGraph } from "./graph.ts";
import { createGraphCache, type GraphCache } from "./graph-cache.ts";
import { assertTransition } from "./state-machine.ts";

/** How one execution of a claimed run ended. */
export type RunOutcome = "completed" | "failed" | "deferred" | "released" | "lease_lost";

/** The lease a worker holds on a run while executing it. */
export interface Lease {
  owner: string;
  /** Aborted when the worker stops (reason "stopping") or loses the lease (reason "lease_lost"). */
  signal: AbortSignal;
}

/**
 * Executes a claimed run from where it stands. Nodes with a success log (from an earlier attempt,
 * a durable delay, or copied by resume-from-node) are not run again; their outputs seed the context.
 *
 * Delivery is at-least-once per node: a node's success log is its commit point, so if a worker dies
 * after a node's side effect but before its log is written, the run is reclaimed and that node runs
 * again. Nodes whose log was written never run twice. Every write is fenced by the lease: a worker
 * that lost its lease cannot write logs or finish the run.
 */
export async function executeRun(
  deps: EngineDeps,
  run: RunRecord | ClaimedRun,
  lease: Lease,
  graphs: GraphCache = createGraphCache(),
): Promise<RunOutcome> {
  const graph = await graphs.get(deps, run.workflowId, run.workflowVersion);
  if (!graph) return fail(deps, run, lease, `Workflow ${run.workflowId} version ${run.workflowVersion} no longer exists`);
  const start = run.resumeFromNode ?? graph.trigger.id;
  if (!graph.nodes.has(start)) return fail(deps, run, lease, `Resume node '${start}' is not in workflow version ${run.workflowVersion}`);

  const outputs = new Map<string, unknown>(
    "completedOutputs" in run
      ? run.completedOutputs
      : (await listRunLogs(deps.db, run.id)).filter((l) => l.status === "success").map((l) => [l.nodeId, l.output] as const),
  );
  const context: RunContext = { trigger: run.triggerPayload, nodes: Object.fromEntries(outputs) };
  const eligible = descendantsOf(graph, start);
  const services = servicesOf(deps);

  const isRunnable = (nodeId: string): boolean =>
    eligible.has(nodeId) && !outputs.has(nodeId) && (nodeId === start || isActivated(graph, nodeId, outputs));

  for (let i = 0; i < graph.order.length; i++) {
    if (lease.signal.aborted) return release(deps, run, lease);
    const nodeId = graph.order[i]!;
    if (!isRunnable(nodeId)) continue;
    const node = graph.nodes.get(nodeId)!;
    const startedAt = deps.clock();
    let result: NodeResult;
    try {
      result = await COMPONENTS[node.type].run({ node, config: node.config ?? {}, context, now: startedAt, signal: lease.signal, services });
    } catch (err) {
      if (lease.signal.aborted) return release(deps, run, lease);
      return failNode(deps, run, lease, node, startedAt, err);
    }
    outputs.set(nodeId, result.output);
    context.nodes[nodeId] = result.output;
    const log = { id: deps.ids.log(), runId: run.id, nodeId, componentId: node.type, status: "success" as const, output: result.output, startedAt, createdAt: deps.clock() };
    // Activation only flows forward, so when no later node is runnable now, none ever will be.
    if (result.kind === "output" && !graph.order.slice(i + 1).some(isRunnable)) {
      assertTransition("running", "completed");
      const done = await finishRunWithLog(deps.db, log, { owner: lease.owner, status: "completed", errorMessage: null, at: log.createdAt });
      return done ? "completed" : "lease_lost";
    }
    if (!(await insertLogIfLeased(deps.db, log, lease.owner))) return "lease_lost";
    if (result.kind === "delay") {
      assertTransition("running", "pending");
      return (await deferRun(deps.db, { id: run.id, owner: lease.owner, availableAt: result.until, reason: "delay" })) ? "deferred" : "lease_lost";
    }
  }
  // Nothing was left to run (e.g. every node already has a log): the run is complete.
  assertTransition("running", "completed");
  const done = await finishRun(deps.db, { id: run.id, owner: lease.owner, status: "completed", errorMessage: null, at: deps.clock() });
  return done ? "completed" : "lease_lost";
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

async function failNode(deps: EngineDeps, run: RunRecord, lease: Lease, node: NodeSpec, startedAt: Date, err: unknown): Promise<RunOutcome> {
  const cause = err instanceof Error ? err.message : String(err);
  const output = { error: cause, ...(err instanceof NodeError ? err.output : {}) };
  assertTransition("running", "failed");
  const at = deps.clock();
  const done = await finishRunWithLog(
    deps.db,
    { id: deps.ids.log(), runId: run.id, nodeId: node.id, componentId: node.type, status: "error", output, startedAt, createdAt: at },
    { owner: lease.owner, status: "failed", errorMessage: `Node '${node.id}' (${node.type}) failed: ${cause}`, at },
  );
  return done ? "failed" : "lease_lost";
}

async function fail(deps: EngineDeps, run: RunRecord, lease: Lease, message: string): Promise<RunOutcome> {
  assertTransition("running", "failed");
  const done = await finishRun(deps.db, { id: run.id, owner: lease.owner, status: "failed", errorMessage: message, at: deps.clock() });
  return done ? "failed" : "lease_lost";
}

/** Gives a run back (worker stopping): pending again, due now, the unused attempt returned. */
async function release(deps: EngineDeps, run: RunRecord, lease: Lease): Promise<RunOutcome> {
  if (lease.signal.reason === "lease_lost") return "lease_lost";
  const released = await deferRun(deps.db, { id: run.id, owner: lease.owner, availableAt: deps.clock(), reason: "release" });
  return released ? "released" : "lease_lost";
}

function servicesOf(deps: EngineDeps): ComponentServices {
  return {
    fetcher: deps.fetcher,
    network: { allowPrivateNetworks: deps.config.allowPrivateNetworks, allowedHosts: deps.config.allowedHosts, lookup: deps.lookup },
    httpTimeoutMs: deps.config.httpTimeoutMs,
    maxResponseBytes: deps.config.maxResponseBytes,
  };
}
