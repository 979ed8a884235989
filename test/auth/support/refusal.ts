import { expect } from "vitest";
import { AuthError } from "../../../src/auth/index.ts";

/** The AuthError `promise` rejects with; fails the test unless it is an `unauthorized` refusal. */
export async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AuthError)) throw new Error(`expected AuthError, got ${String(error)}`);
  expect(error.code).toBe("unauthorized");
  return error;
}
