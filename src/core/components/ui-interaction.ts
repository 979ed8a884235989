import type { Component } from "./component.ts";
import { checkInputSchema, DEFAULT_INPUT_SCHEMA } from "./ui-input-schema.ts";

/** Shortest wait for a person. */
export const MIN_UI_TIMEOUT_SECONDS = 1;
/** Longest wait for a person; like a delay, beyond it retention and the run's meaning stop making sense. */
export const MAX_UI_TIMEOUT_SECONDS = 7 * 24 * 3600;
/** The wait when a node sets none: one day. */
export const DEFAULT_UI_TIMEOUT_SECONDS = 24 * 3600;
/** Longest prompt shown to the person. */
const MAX_PROMPT_LENGTH = 2000;

/** The input schema a node's config asks for (the default accepts any JSON object). */
export function inputSchemaOf(config: Record<string, unknown>): unknown {
  return config.input_schema ?? DEFAULT_INPUT_SCHEMA;
}

/**
 * Waits for a person: the executor writes the logs so far and parks the run in
 * `awaiting_ui_interaction` until `until`, freeing the worker. The person's input, checked against
 * `input_schema`, becomes this node's output and the run is queued again; if none arrives in time,
 * the run fails with `ui_interaction_timeout`.
 */
export const uiInteractionComponent: Component = {
  type: "ui_interaction",
  validateConfig(config, path) {
    const problems = config.input_schema === undefined ? [] : checkInputSchema(config.input_schema, `${path}.input_schema`);
    const t = config.timeout_seconds;
    if (t !== undefined && (typeof t !== "number" || !Number.isInteger(t) || t < MIN_UI_TIMEOUT_SECONDS || t > MAX_UI_TIMEOUT_SECONDS)) {
      problems.push({ path: `${path}.timeout_seconds`, message: `must be a whole number of seconds from ${MIN_UI_TIMEOUT_SECONDS} to ${MAX_UI_TIMEOUT_SECONDS}` });
    }
    if (config.prompt !== undefined && (typeof config.prompt !== "string" || config.prompt.length > MAX_PROMPT_LENGTH)) {
      problems.push({ path: `${path}.prompt`, message: `must be a string of at most ${MAX_PROMPT_LENGTH} characters` });
    }
    return problems;
  },
  async run({ config, now }) {
    const seconds = typeof config.timeout_seconds === "number" ? config.timeout_seconds : DEFAULT_UI_TIMEOUT_SECONDS;
    return { kind: "await", until: new Date(now.getTime() + seconds * 1000) };
  },
};
