import type { EdgeSpec, NodeSpec, WorkflowDefinition } from "../domain/index.ts";

/** A definition indexed for execution. */
export interface WorkflowGraph {
  nodes: Map<string, NodeSpec>;
  outgoing: Map<string, EdgeSpec[]>;
  incoming: Map<string, EdgeSpec[]>;
  /** Node ids in a topological order (declaration order breaks ties). */
  order: string[];
  trigger: NodeSpec;
}

/**
 * Topological order by Kahn's algorithm, or undefined when the edges form a cycle.
 * Assumes edges reference existing nodes.
 */
export function sortTopologically(nodeIds: string[], edges: EdgeSpec[]): string[] | undefined {
  const indegree = new Map(nodeIds.map((id) => [id, 0]));
  const out = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const e of edges) {
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    out.get(e.source)?.push(e.target);
  }
  const ready = nodeIds.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const next of out.get(id) ?? []) {
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order.length === nodeIds.length ? order : undefined;
}

/** Indexes a definition that passed validation. */
export function createGraph(def: WorkflowDefinition): WorkflowGraph {
  const nodes = new Map(def.nodes.map((n) => [n.id, n]));
  const outgoing = new Map<string, EdgeSpec[]>(def.nodes.map((n) => [n.id, []]));
  const incoming = new Map<string, EdgeSpec[]>(def.nodes.map((n) => [n.id, []]));
  for (const e of def.edges) {
    outgoing.get(e.source)?.push(e);
    incoming.get(e.target)?.push(e);
  }
  const order = sortTopologically(
    def.nodes.map((n) => n.id),
    def.edges,
  );
  const trigger = def.nodes.find((n) => n.type === "trigger");
  if (!order || !trigger) throw new Error("createGraph needs a validated definition");
  return { nodes, outgoing, incoming, order, trigger };
}

/** Nodes reachable from `start` following edges forwards (including `start`). */
export function descendantsOf(graph: Pick<WorkflowGraph, "outgoing">, start: string): Set<string> {
  return walk(start, (id) => (graph.outgoing.get(id) ?? []).map((e) => e.target));
}

/** Nodes from which `target` can be reached (excluding `target`). */
export function ancestorsOf(graph: Pick<WorkflowGraph, "incoming">, target: string): Set<string> {
  const seen = walk(target, (id) => (graph.incoming.get(id) ?? []).map((e) => e.source));
  seen.delete(target);
  return seen;
}

function walk(start: string, next: (id: string) => string[]): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const id of next(stack.pop()!)) {
      if (!seen.has(id)) {
        seen.add(id);
        stack.push(id);
      }
    }
  }
  return seen;
}
