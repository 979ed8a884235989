import { describe, expect, it } from "vitest";
import { HttpProblem, toErrorAnswer } from "../../../src/apis/http/problem.ts";
import { ApiVersionError, AuthError } from "../../../src/auth/index.ts";
import { DomainError } from "../../../src/core/index.ts";
import { DOMAIN_ERROR_CODES } from "../../../src/domain/index.ts";

describe("toErrorAnswer", () => {
  it.each(DOMAIN_ERROR_CODES.map((code) => ({ code })))("answers the domain code $code with a documented error status and the code itself", ({ code }) => {
    const answer = toErrorAnswer(new DomainError(code, "what happened"));
    expect(answer).toMatchObject({ code, message: "what happened" });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status === 503).toBe(answer.retryAfterSeconds !== undefined);
  });

  it.each([
    { given: new AuthError("invalid", "The API key is missing or invalid."), want: { status: 401, code: "unauthorized" } },
    { given: new ApiVersionError("2024-01"), want: { status: 400, code: "unsupported_api_version" } },
    { given: new HttpProblem(415, "unsupported_media_type", "Send JSON."), want: { status: 415, code: "unsupported_media_type" } },
    { given: new DomainError("run_not_found", "Run r not found"), want: { status: 404, code: "run_not_found" } },
  ])("answers a $want.code error with $want.status", ({ given, want }) => {
    expect(toErrorAnswer(given)).toMatchObject({ ...want, message: given.message });
  });

  it("matches errors by class, not by name: a look-alike is an internal error", () => {
    const lookAlike = Object.assign(new Error("Run r not found"), { name: "DomainError", code: "run_not_found" });
    expect(toErrorAnswer(lookAlike)).toMatchObject({ status: 500, code: "internal_error" });
    expect(toErrorAnswer(Object.assign(new Error("no"), { name: "AuthError" }))).toMatchObject({ status: 500 });
  });

  it("documents definition problems as details", () => {
    const error = new DomainError("invalid_workflow_definition", "invalid", { details: { problems: [{ path: "nodes[0].type", message: "is unknown" }] } });
    expect(toErrorAnswer(error)).toMatchObject({ status: 422, details: [{ path: "nodes[0].type", message: "is unknown" }] });
  });
});
