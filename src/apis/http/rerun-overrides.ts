import type { RerunInput } from "../../core/index.ts";

/** A rerun body's fields under either API's names; both contracts document the same three. */
export interface RerunBodyFields {
  payload: Record<string, unknown> | undefined;
  mode: "replace" | "merge" | undefined;
  version: "original" | "current" | undefined;
}

/**
 * The overrides of a rerun body as the core takes them; an absent body is the plain rerun. The mode
 * applies to a payload and is ignored without one (the validator fills in its documented default, so
 * a mode alone cannot be told from `{}`).
 */
export function readRerunOverrides(fields: RerunBodyFields): Pick<RerunInput, "payload" | "version"> {
  return {
    ...(fields.payload !== undefined ? { payload: { value: fields.payload, mode: fields.mode ?? "replace" } } : {}),
    ...(fields.version !== undefined ? { version: fields.version } : {}),
  };
}
