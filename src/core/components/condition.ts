import type { Component } from "./component.ts";
import { evaluateExpression, findSyntaxError } from "./jsonata-expression.ts";
import { NodeError } from "./node-error.ts";

/** Evaluates a JSONata expression; truthy follows the "true" edges, anything else the "false" ones. */
export const conditionComponent: Component = {
  type: "condition",
  validateConfig(config, path) {
    const problem = findSyntaxError(config.expression);
    return problem ? [{ path: `${path}.expression`, message: problem }] : [];
  },
  async run({ config, context }) {
    let value: unknown;
    try {
      value = await evaluateExpression(config.expression as string, context);
    } catch (err) {
      throw new NodeError(`expression failed: ${(err as { message?: string }).message ?? String(err)}`, { cause: err });
    }
    const result = isTruthy(value);
    return { kind: "output", output: { result }, branch: result ? "true" : "false" };
  },
};

/** JavaScript truthiness, except that an empty array or object counts as false. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}
