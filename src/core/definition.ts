import type { EdgeSpec, NodeSpec, WorkflowDefinition } from "../domain/index.ts";
import { COMPONENTS, inputSchemaBytes, isNodeType, MAX_DEFINITION_INPUT_SCHEMA_BYTES } from "./components/index.ts";
import { DomainError, type Problem } from "./errors.ts";
import { descendantsOf, sortTopologically } from "./graph.ts";
import { SandboxError, type Sandbox } from "./sandbox/index.ts";

const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Most nodes a definition may have (keeps one workflow from dominating a worker). */
export const MAX_NODES = 200;
/** Most edges a definition may have. */
export const MAX_EDGES = 1000;
/** Largest definition, as UTF-8 JSON (keeps what a workflow costs to store, load and check bounded). */
export const MAX_DEFINITION_BYTES = 256 * 1024;

/**
 * Checks a definition: exactly one trigger, unique node ids, known types and config shapes,
 * edges between existing nodes, branches exactly on condition edges, no cycle, every node
 * reachable from the trigger. Returns every problem found, not just the first.
 */
export function validateDefinition(input: unknown): Problem[] {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return [{ path: "", message: "must be an object with nodes and edges" }];
  const bytes = Buffer.byteLength(JSON.stringify(input));
  if (bytes > MAX_DEFINITION_BYTES) return [{ path: "", message: `must be at most ${MAX_DEFINITION_BYTES} bytes as JSON (got ${bytes})` }];
  const { nodes, edges = [] } = input as { nodes?: unknown; edges?: unknown };
  if (!Array.isArray(nodes)) return [{ path: "nodes", message: "must be an array" }];
  if (!Array.isArray(edges)) return [{ path: "edges", message: "must be an array" }];
  const problems: Problem[] = [];
  if (nodes.length > MAX_NODES) problems.push({ path: "nodes", message: `must have at most ${MAX_NODES} nodes` });
  if (edges.length > MAX_EDGES) problems.push({ path: "edges", message: `must have at most ${MAX_EDGES} edges` });
  // Input schemas are compiled on the serving thread: their sum is bounded before any is compiled.
  const schemaBytes = nodes.reduce((sum: number, node) => sum + inputSchemaBytes((node as { config?: unknown } | null)?.config), 0);
  if (schemaBytes > MAX_DEFINITION_INPUT_SCHEMA_BYTES) {
    return [{ path: "nodes", message: `input schemas must total at most ${MAX_DEFINITION_INPUT_SCHEMA_BYTES} bytes as JSON (got ${schemaBytes})` }];
  }
  const byId = checkNodes(nodes, problems);
  const validEdges = checkEdges(edges, byId, problems);
  if (problems.length > 0) return problems;
  checkGraph([...byId.values()], validEdges, problems);
  return problems;
}

/**
 * Every problem of a definition: its shape ({@link validateDefinition}) and then, in the sandbox, the
 * syntax of its expressions (compiled off the serving thread, within the sandbox's limits).
 */
export async function checkDefinition(input: unknown, sandbox: Sandbox, account: string): Promise<Problem[]> {
  const problems = validateDefinition(input);
  if (problems.length > 0) return problems;
  const expressions: { path: string; source: string }[] = [];
  (input as { nodes: NodeSpec[] }).nodes.forEach((node, i) => {
    const found = COMPONENTS[node.type].expressionsOf?.(node.config ?? {}) ?? {};
    for (const [key, source] of Object.entries(found)) expressions.push({ path: `nodes[${i}].config.${key}`, source });
  });
  if (expressions.length === 0) return [];
  try {
    const answer = await sandbox.run({ kind: "compile", expressions: expressions.map((e) => e.source) }, { account });
    if (answer.kind !== "syntax") throw new Error(`unexpected sandbox answer ${answer.kind}`);
    return answer.errors.flatMap((error, i) => (error === null ? [] : [{ path: expressions[i]!.path, message: `is not valid JSONata: ${error}` }]));
  } catch (err) {
    if (!(err instanceof SandboxError) || err.code === "sandbox_closed") throw err;
    return [{ path: "nodes", message: `expressions could not be compiled within the sandbox's limits: ${err.message}` }];
  }
}

/** Returns the definition typed, or throws invalid_workflow_definition listing every problem. */
export async function parseDefinition(input: unknown, sandbox: Sandbox, account: string): Promise<WorkflowDefinition> {
  const problems = await checkDefinition(input, sandbox, account);
  if (problems.length > 0) {
    const summary = problems.map((p) => (p.path ? `${p.path} ${p.message}` : p.message)).join("; ");
    throw new DomainError("invalid_workflow_definition", `The workflow definition is invalid: ${summary}`, { details: { problems } });
  }
  const def = input as { nodes: NodeSpec[]; edges?: EdgeSpec[] };
  // Keep only known fields, so stored definitions carry nothing unexpected.
  return {
    nodes: def.nodes.map((n) => ({ id: n.id, type: n.type, ...(n.config !== undefined ? { config: n.config } : {}) })),
    edges: (def.edges ?? []).map((e) => ({ source: e.source, target: e.target, ...(e.branch !== undefined ? { branch: e.branch } : {}) })),
  };
}

function checkNodes(nodes: unknown[], problems: Problem[]): Map<string, NodeSpec> {
  const byId = new Map<string, NodeSpec>();
  nodes.forEach((raw, i) => {
    const path = `nodes[${i}]`;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return void problems.push({ path, message: "must be an object" });
    const node = raw as Record<string, unknown>;
    if (typeof node.id !== "string" || !NODE_ID.test(node.id)) {
      problems.push({ path: `${path}.id`, message: "must match ^[A-Za-z0-9_-]{1,64}$" });
    } else if (byId.has(node.id)) {
      problems.push({ path: `${path}.id`, message: `duplicates node id '${node.id}'` });
    }
    if (!isNodeType(node.type)) {
      problems.push({ path: `${path}.type`, message: `must be one of ${Object.keys(COMPONENTS).join(", ")}` });
    }
    const config = node.config ?? {};
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
      problems.push({ path: `${path}.config`, message: "must be an object" });
    } else if (isNodeType(node.type)) {
      problems.push(...COMPONENTS[node.type].validateConfig(config as Record<string, unknown>, `${path}.config`));
    }
    if (typeof node.id === "string" && !byId.has(node.id)) byId.set(node.id, node as unknown as NodeSpec);
  });
  const triggers = [...byId.values()].filter((n) => n.type === "trigger");
  if (triggers.length !== 1) problems.push({ path: "nodes", message: `must contain exactly one trigger node (found ${triggers.length})` });
  return byId;
}

function checkEdges(edges: unknown[], byId: Map<string, NodeSpec>, problems: Problem[]): EdgeSpec[] {
  const seen = new Set<string>();
  const valid: EdgeSpec[] = [];
  edges.forEach((raw, i) => {
    const path = `edges[${i}]`;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return void problems.push({ path, message: "must be an object" });
    const edge = raw as Record<string, unknown>;
    let ok = true;
    for (const end of ["source", "target"] as const) {
      if (typeof edge[end] !== "string" || !byId.has(edge[end])) {
        problems.push({ path: `${path}.${end}`, message: `must name an existing node (got ${JSON.stringify(edge[end])})` });
        ok = false;
      }
    }
    if (!ok) return;
    const source = byId.get(edge.source as string)!;
    if (edge.source === edge.target) problems.push({ path, message: "must not connect a node to itself" });
    if (source.type === "condition" && edge.branch !== "true" && edge.branch !== "false") {
      problems.push({ path: `${path}.branch`, message: `is required on edges leaving condition node '${source.id}' and must be "true" or "false"` });
    } else if (source.type !== "condition" && edge.branch !== undefined) {
      problems.push({ path: `${path}.branch`, message: `is only allowed on edges leaving a condition node ('${source.id}' is ${source.type})` });
    }
    const key = `${String(edge.source)}\u0000${String(edge.target)}\u0000${String(edge.branch)}`;
    if (seen.has(key)) problems.push({ path, message: "duplicates another edge" });
    seen.add(key);
    valid.push(edge as unknown as EdgeSpec);
  });
  return valid;
}

function checkGraph(nodes: NodeSpec[], edges: EdgeSpec[], problems: Problem[]): void {
  const trigger = nodes.find((n) => n.type === "trigger")!;
  if (edges.some((e) => e.target === trigger.id)) problems.push({ path: "edges", message: `the trigger node '${trigger.id}' must have no incoming edges` });
  if (!sortTopologically(nodes.map((n) => n.id), edges)) {
    problems.push({ path: "edges", message: "must not form a cycle" });
    return;
  }
  const outgoing = new Map<string, EdgeSpec[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) outgoing.get(e.source)!.push(e);
  const reachable = descendantsOf({ outgoing }, trigger.id);
  for (const n of nodes) {
    if (!reachable.has(n.id)) problems.push({ path: "nodes", message: `node '${n.id}' is not reachable from the trigger` });
  }
}
