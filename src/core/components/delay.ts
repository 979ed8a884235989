import type { Component } from "./component.ts";

/** Longest delay accepted; beyond it retention and leases stop making sense. */
export const MAX_DELAY_SECONDS = 7 * 24 * 3600;

/**
 * A durable wait: the executor writes this node's log, puts the run back to pending with
 * `available_at = until` and frees the worker, so the wait survives restarts.
 */
export const delayComponent: Component = {
  type: "delay",
  validateConfig(config, path) {
    const s = config.seconds;
    if (typeof s !== "number" || !Number.isFinite(s) || s < 0 || s > MAX_DELAY_SECONDS) {
      return [{ path: `${path}.seconds`, message: `must be a number of seconds from 0 to ${MAX_DELAY_SECONDS}` }];
    }
    return [];
  },
  async run({ config, now }) {
    const seconds = config.seconds as number;
    const until = new Date(now.getTime() + seconds * 1000);
    return { kind: "delay", until, output: { seconds, resume_at: until.toISOString() } };
  },
};
