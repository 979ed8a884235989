import type { Component } from "./component.ts";

/** A custom event name (Alloy's `POST /run/event`): what a trigger's `config.event` may hold. */
export const EVENT_NAME = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The start node: its output is the trigger payload. An optional `config.event` subscribes the
 * workflow to that custom event (see events.ts).
 */
export const triggerComponent: Component = {
  type: "trigger",
  validateConfig(config, path) {
    const event = config.event;
    if (event !== undefined && (typeof event !== "string" || !EVENT_NAME.test(event))) {
      return [{ path: `${path}.event`, message: "must be an event name: 1 to 128 letters, digits, '.', '_', ':' or '-'" }];
    }
    return [];
  },
  run: async ({ context }) => ({ kind: "output", output: context.trigger }),
};
