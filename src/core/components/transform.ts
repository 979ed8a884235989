import type { Component } from "./component.ts";
import { evaluateExpression, findSyntaxError } from "./jsonata-expression.ts";
import { NodeError } from "./node-error.ts";

/** Computes its output with a JSONata expression over the run context. */
export const transformComponent: Component = {
  type: "transform",
  validateConfig(config, path) {
    const problem = findSyntaxError(config.expression);
    return problem ? [{ path: `${path}.expression`, message: problem }] : [];
  },
  async run({ config, context }) {
    try {
      const result = await evaluateExpression(config.expression as string, context);
      // JSONata yields undefined for "no match"; logs store JSON, so record null.
      return { kind: "output", output: result === undefined ? null : toPlainJson(result) };
    } catch (err) {
      throw new NodeError(`expression failed: ${(err as { message?: string }).message ?? String(err)}`, { cause: err });
    }
  },
};

/** JSONata marks sequences with extra properties; a JSON round trip keeps only the data. */
export function toPlainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
