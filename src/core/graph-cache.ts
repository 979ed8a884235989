import { findWorkflowVersion } from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { createGraph, type WorkflowGraph } from "./graph.ts";

/** Indexed definitions by workflow and version; a recorded version never changes, so caching is safe. */
export interface GraphCache {
  get(deps: Pick<EngineDeps, "db">, workflowId: string, version: number): Promise<WorkflowGraph | undefined>;
}

/**
 * A bounded cache of workflow graphs (one per worker). Runs of one claim batch asking for the same
 * version share one load; a failed or empty load is not kept.
 */
export function createGraphCache(limit = 500): GraphCache {
  const graphs = new Map<string, Promise<WorkflowGraph | undefined>>();
  return {
    get(deps, workflowId, version) {
      const key = `${workflowId}@${version}`;
      const hit = graphs.get(key);
      if (hit) return hit;
      const loading = findWorkflowVersion(deps.db, workflowId, version).then((definition) => (definition ? createGraph(definition) : undefined));
      if (graphs.size >= limit) graphs.delete(graphs.keys().next().value!);
      graphs.set(key, loading);
      loading.then(
        (graph) => void (graph || graphs.delete(key)),
        () => graphs.delete(key),
      );
      return loading;
    },
  };
}
