import type { RerunInput } from "../../core/index.ts";
import { invalidParameter } from "./problem.ts";

/** A rerun body's fields under either API's names; both contracts document the same three. */
export interface RerunBodyFields {
  payload: Record<string, unknown> | undefined;
  mode: "replace" | "merge" | undefined;
  version: "original" | "current" | undefined;
}

/**
 * The overrides of a rerun body as the core takes them; an absent body is the plain rerun. A mode
 * without a payload says nothing the caller can mean, so it is refused (400 at `modeAt`) rather than ignored.
 */
export function readRerunOverrides(fields: RerunBodyFields, modeAt: string): Pick<RerunInput, "payload" | "version"> {
  if (fields.mode !== undefined && fields.payload === undefined) throw invalidParameter(modeAt, "needs a payload to apply");
  return {
    ...(fields.payload !== undefined ? { payload: { value: fields.payload, mode: fields.mode ?? "replace" } } : {}),
    ...(fields.version !== undefined ? { version: fields.version } : {}),
  };
}
