import { findWorkflowVersion, type WorkflowDefinition } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { createGraph, type WorkflowGraph } from "./graph.ts";

/** Indexed definitions by workflow and version; a recorded version never changes, so caching is safe. */
export interface GraphCache {
  get(deps: Pick<EngineDeps, "db">, workflowId: string, version: number): Promise<WorkflowGraph | undefined>;
}

/** A bounded cache of workflow graphs (one per worker). */
export function createGraphCache(limit = 500): GraphCache {
  const graphs = new Map<string, WorkflowGraph>();
  return {
    async get(deps, workflowId, version) {
      const key = `${workflowId}@${version}`;
      const hit = graphs.get(key);
      if (hit) return hit;
      const definition: WorkflowDefinition | undefined = await findWorkflowVersion(deps.db, workflowId, version);
      if (!definition) return undefined;
      const graph = createGraph(definition);
      if (graphs.size >= limit) graphs.delete(graphs.keys().next().value!);
      graphs.set(key, graph);
      return graph;
    },
  };
}
