import type { Component } from "./component.ts";
import { checkExpressionShape, checkSandboxLimits, evaluateExpression } from "./jsonata-expression.ts";

/** Evaluates a JSONata expression (in the sandbox); truthy follows the "true" edges, anything else the "false" ones. */
export const conditionComponent: Component = {
  type: "condition",
  validateConfig(config, path) {
    return [...checkExpressionShape(config.expression, `${path}.expression`), ...checkSandboxLimits(config, path)];
  },
  expressionsOf: (config) => ({ expression: config.expression as string }),
  async run(input) {
    const result = isTruthy(await evaluateExpression(input));
    return { kind: "output", output: { result }, branch: result ? "true" : "false" };
  },
};

/** JavaScript truthiness, except that an empty array or object counts as false. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}
