import type { NodeSpec, NodeType } from "../../domain/index.ts";
import type { Problem } from "../errors.ts";
import type { SandboxTask, TaskAnswer } from "../sandbox/index.ts";
import type { NetworkPolicy } from "./network-policy.ts";

/** What nodes can read: the trigger payload and every finished node's output. */
export interface RunContext {
  trigger: unknown;
  nodes: Record<string, unknown>;
}

/** Outside services a component may use; all injected. */
export interface ComponentServices {
  fetcher: typeof fetch;
  network: NetworkPolicy;
  /** Default http_request timeout when a node sets none. */
  httpTimeoutMs: number;
  /** Largest response body an http_request node reads. */
  maxResponseBytes: number;
  /** Evaluates tenant code (JSONata, templates) in the sandbox, within this run's share and budget. */
  sandbox: RunSandbox;
}

/** The sandbox as one run sees it: limits may be lowered per node, never raised past the server's. */
export interface RunSandbox {
  run(task: SandboxTask, limits?: { timeoutMs?: number; maxOutputBytes?: number }): Promise<TaskAnswer>;
}

/** Everything one node execution gets. */
export interface NodeInput {
  node: NodeSpec;
  config: Record<string, unknown>;
  context: RunContext;
  now: Date;
  /** Aborted when the worker stops; components pass it to I/O. */
  signal: AbortSignal;
  services: ComponentServices;
}

/** A node's result: an output (and for a condition, the branch to follow), a durable wait, or a wait for a person. */
export type NodeResult =
  | { kind: "output"; output: unknown; branch?: "true" | "false" }
  | { kind: "delay"; until: Date; output: unknown }
  /** Wait for a person's input until `until`; the input becomes the node's output (no log is written now). */
  | { kind: "await"; until: Date; output?: undefined };

/** One node type: how to check its config and how to run it. */
export interface Component {
  type: NodeType;
  /**
   * True when running the node acts outside the engine (an HTTP call). Its log is written before the
   * next node runs, so a reclaimed run repeats it only when the worker died during the call.
   */
  sideEffects?: boolean;
  /** Problems with a node's config; `path` prefixes each problem (e.g. `nodes[1].config`). */
  validateConfig(config: Record<string, unknown>, path: string): Problem[];
  /** The JSONata expressions of a (shape-checked) config by key, compiled in the sandbox when a definition is saved. */
  expressionsOf?(config: Record<string, unknown>): Record<string, string>;
  run(input: NodeInput): Promise<NodeResult>;
}
