import type { Component } from "./component.ts";
import { renderInSandbox } from "./jsonata-expression.ts";
import { NodeError } from "./node-error.ts";

/** Longest failure message kept (characters); a templated message past it is cut. */
const MAX_MESSAGE_LENGTH = 2000;

/** Fails the run on purpose, with an optional message (templated in the sandbox). */
export const failComponent: Component = {
  type: "fail",
  validateConfig(config, path) {
    if (config.message !== undefined && typeof config.message !== "string") {
      return [{ path: `${path}.message`, message: "must be a string" }];
    }
    return [];
  },
  async run(input) {
    const { config } = input;
    const message = typeof config.message === "string" ? String(await renderInSandbox(config.message, input)) : "workflow failed on purpose";
    throw new NodeError(message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message);
  },
};
