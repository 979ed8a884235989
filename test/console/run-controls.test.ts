import path from "node:path";
import { describe, expect, it } from "vitest";
import { listOperations, readSpec } from "../../src/apis/http/spec-routes.ts";
import type { ApiName, ContractOperation } from "../../src/console/operations.ts";
import { findRunControls } from "../../src/console/run-controls.ts";
import { REPO_ROOT } from "../support/run-script.ts";

/** The operations of a bundled contract, as the console's build lists them. */
function contractOperations(api: ApiName): ContractOperation[] {
  return listOperations(readSpec(path.join(REPO_ROOT, "generated", api, "openapi.yaml"))).map((op) => ({ operationId: op.operationId, method: op.method, path: op.specPath }));
}

const post = (operationId: string, path: string): ContractOperation => ({ operationId, method: "post", path });

describe("run controls the console offers", () => {
  it("today's contracts: rerun, cancel and bulk rerun on both APIs, resume-from on Altostrat only", () => {
    expect(findRunControls("altostrat", contractOperations("altostrat"))).toEqual({
      rerun: true,
      resumeFrom: true,
      cancel: post("cancelWorkflowRun", "/workflows/runs/{runId}/cancel"),
      bulkRerun: post("bulkRerunWorkflowRuns", "/workflows/{workflowId}/runs/rerun"),
    });
    expect(findRunControls("alloy", contractOperations("alloy"))).toEqual({
      rerun: true,
      resumeFrom: false,
      cancel: post("cancelWorkflowExecution", "/workflows/{workflowId}/executions/{executionId}/cancel"),
      bulkRerun: post("bulkRerunWorkflowExecutions", "/workflows/{workflowId}/executions/rerun"),
    });
  });

  const cases: Array<{ given: ContractOperation; want: "cancel" | "bulkRerun" | "none" }> = [
    { given: post("cancelWorkflowRun", "/workflows/runs/{runId}/cancel"), want: "cancel" },
    { given: post("cancelExecution", "/workflows/{workflowId}/executions/{executionId}/cancel"), want: "cancel" },
    // Cancelling many runs by filter is not a per-run button.
    { given: post("cancelWorkflowRuns", "/workflows/{workflowId}/runs/cancel"), want: "none" },
    { given: { operationId: "cancelWorkflowRun", method: "delete", path: "/workflows/runs/{runId}/cancel" }, want: "none" },
    { given: post("createBulkRerun", "/workflows/{workflowId}/bulk-reruns"), want: "bulkRerun" },
    { given: post("bulkRerunExecutions", "/workflows/{workflowId}/executions/rerun"), want: "bulkRerun" },
    // A bulk rerun job's own resource (progress, cancel) is not the button that starts one.
    { given: post("cancelBulkRerun", "/workflows/bulk-reruns/{bulkRerunId}/cancel"), want: "none" },
    { given: post("rerunWorkflowRun", "/workflows/runs/{runId}/rerun"), want: "none" },
    { given: post("cancelRerunJob", "/workflows/rerun-jobs/{jobId}/cancel"), want: "none" },
  ];
  it.each(cases)("$given.method $given.path ($given.operationId) -> $want", ({ given, want }) => {
    // Against the contract without its own cancel and bulk rerun operations, so each case alone decides.
    const withoutCancel = contractOperations("altostrat").filter((op) => !op.path.endsWith("/cancel") && op.operationId !== "bulkRerunWorkflowRuns");
    const controls = findRunControls("altostrat", [...withoutCancel, given]);
    expect(controls.cancel).toEqual(want === "cancel" ? given : undefined);
    expect(controls.bulkRerun).toEqual(want === "bulkRerun" ? given : undefined);
  });
});
