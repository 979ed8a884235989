import type { Component } from "./component.ts";
import { NodeError } from "./node-error.ts";
import { renderTemplate } from "./template.ts";

/** Fails the run on purpose, with an optional (templated) message. */
export const failComponent: Component = {
  type: "fail",
  validateConfig(config, path) {
    if (config.message !== undefined && typeof config.message !== "string") {
      return [{ path: `${path}.message`, message: "must be a string" }];
    }
    return [];
  },
  async run({ config, context }) {
    const message = typeof config.message === "string" ? renderTemplate(config.message, context) : "workflow failed on purpose";
    throw new NodeError(message);
  },
};
