import type { Component } from "./component.ts";
import { checkExpressionShape, checkSandboxLimits, evaluateExpression } from "./jsonata-expression.ts";

/** Computes its output with a JSONata expression over the run context (evaluated in the sandbox). */
export const transformComponent: Component = {
  type: "transform",
  validateConfig(config, path) {
    return [...checkExpressionShape(config.expression, `${path}.expression`), ...checkSandboxLimits(config, path)];
  },
  expressionsOf: (config) => ({ expression: config.expression as string }),
  async run(input) {
    return { kind: "output", output: await evaluateExpression(input) };
  },
};
