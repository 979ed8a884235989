import type { Component } from "./component.ts";

/** The start node: its output is the trigger payload. */
export const triggerComponent: Component = {
  type: "trigger",
  validateConfig: () => [],
  run: async ({ context }) => ({ kind: "output", output: context.trigger }),
};
