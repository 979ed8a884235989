import type { DomainErrorCode } from "../domain/index.ts";
import { StoreUnavailableError } from "../store/index.ts";

/** One problem found in input, with where it is (e.g. `nodes[2].config.url`). */
export interface Problem {
  path: string;
  message: string;
}

/** Structured extras: the problems of an invalid definition, or ids involved. */
export interface DomainErrorDetails {
  problems?: Problem[];
  [key: string]: unknown;
}

/**
 * A failure the caller can act on, named by a stable code; knows nothing of HTTP.
 * @example throw new DomainError("run_not_found", `Run ${id} not found`)
 */
export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly code: DomainErrorCode;
  readonly details: DomainErrorDetails | undefined;
  constructor(code: DomainErrorCode, message: string, options: { cause?: unknown; details?: DomainErrorDetails } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** True when `err` is a DomainError, optionally with the given code. */
export function isDomainError(err: unknown, code?: DomainErrorCode): err is DomainError {
  return err instanceof DomainError && (code === undefined || err.code === code);
}

/** Turns a store outage into `store_unavailable`; every other error passes through. */
export function toDomainError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError) {
    return new DomainError("store_unavailable", "The run store is unavailable; try again shortly", { cause: err });
  }
  return err;
}
