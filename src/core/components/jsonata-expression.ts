import { SandboxError, type RenderedRequest, type TaskAnswer } from "../sandbox/index.ts";
import type { NodeInput } from "./component.ts";
import { NodeError } from "./node-error.ts";
import type { Problem } from "../errors.ts";

/** Longest JSONata expression a node may hold (characters); longer ones are refused when a definition is saved. */
export const MAX_EXPRESSION_LENGTH = 16_384;

/** Shape of an expression config value (the syntax is checked in the sandbox when the definition is saved). */
export function checkExpressionShape(source: unknown, path: string): Problem[] {
  if (typeof source !== "string" || source.trim() === "") return [{ path, message: "must be a non-empty JSONata expression" }];
  if (source.length > MAX_EXPRESSION_LENGTH) return [{ path, message: `must be at most ${MAX_EXPRESSION_LENGTH} characters (got ${source.length})` }];
  return [];
}

/** The optional per-node limits of a sandboxed node: `timeout_ms` and `max_output_bytes`, positive integers. */
export function checkSandboxLimits(config: Record<string, unknown>, path: string): Problem[] {
  const problems: Problem[] = [];
  for (const key of ["timeout_ms", "max_output_bytes"]) {
    const value = config[key];
    if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value < 1)) {
      problems.push({ path: `${path}.${key}`, message: "must be a positive integer (the server's own limit applies when it is lower)" });
    }
  }
  return problems;
}

/** Evaluates the node's `expression` over the run context in the sandbox; a limit it hit fails the node with its code. */
export async function evaluateExpression({ config, context, services }: NodeInput): Promise<unknown> {
  const limits = { timeoutMs: config.timeout_ms as number | undefined, maxOutputBytes: config.max_output_bytes as number | undefined };
  return parseAnswer(await services.sandbox.run({ kind: "evaluate", expression: config.expression as string, input: context }, limits).catch(toNodeError));
}

/** Renders an http_request node's url, headers and body in the sandbox (one task). */
export async function renderRequestInSandbox(
  request: { url: string; headers: Record<string, string>; body: unknown },
  { context, services }: Pick<NodeInput, "context" | "services">,
): Promise<RenderedRequest> {
  return parseAnswer(await services.sandbox.run({ kind: "render-request", ...request, context }).catch(toNodeError)) as RenderedRequest;
}

/** Renders `{{ }}` templates inside a value in the sandbox. */
export async function renderInSandbox(template: unknown, { context, services }: Pick<NodeInput, "context" | "services">): Promise<unknown> {
  return parseAnswer(await services.sandbox.run({ kind: "render", template, context }).catch(toNodeError));
}

function parseAnswer(answer: TaskAnswer): unknown {
  if (answer.kind !== "json") throw new Error(`unexpected sandbox answer ${answer.kind}`);
  return JSON.parse(answer.json) as unknown;
}

function toNodeError(err: unknown): never {
  if (err instanceof SandboxError && err.code !== "sandbox_closed") throw new NodeError(err.message, { cause: err, code: err.code });
  throw err;
}
