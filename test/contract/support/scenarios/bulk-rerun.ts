import assert from "node:assert/strict";
import { BOTH, SERVER } from "../checks.ts";
import { expectAnswer, expectError } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { FINISHED, newKey, ORDER, OVER_BODY_LIMIT, QUICK_DEFINITION, UNKNOWN_ALLOY_WORKFLOW_ID, UNKNOWN_WORKFLOW_ID } from "./definitions.ts";

/** A job id in the right shape that names no job. */
const UNKNOWN_JOB_ID = "rrj_0000000000000000000000zzzz";
/** Jobs an account may have in progress (the server's MAX_ACTIVE_RERUN_JOBS, stated by both contracts). */
const MAX_ACTIVE_JOBS = 5;

/** Altostrat bulk rerun: a job reruns a workflow's finished runs to completion; its errors; the active-job limit. */
export const altostratBulkRerun: Scenario = {
  name: "altostrat bulk rerun",
  apis: ["altostrat"],
  async run(t) {
    const API = "altostrat";
    const created = await t.altostrat.POST("/workflows", { body: { name: "contract bulk rerun", definition: QUICK_DEFINITION } });
    const workflowId = created.data!.id;
    const sources: string[] = [];
    for (let i = 0; i < 2; i++) {
      const executed = await t.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId } }, body: { context: ORDER } });
      sources.push(executed.data!.id);
      await t.waitFor(() => t.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: executed.data!.id } } }), (r) => FINISHED.has(r.data?.status ?? ""));
    }
    const bulk = (wf: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      t.altostrat.POST("/workflows/{workflowId}/runs/rerun", { params: { path: { workflowId: wf } }, body, headers });
    const key = newKey("bulk");
    const started = await bulk(workflowId, { statuses: ["completed", "failed"], rate_per_second: 100 }, { "Idempotency-Key": key });
    await t.check("bulkRerunWorkflowRuns answers 202 with the job", BOTH, () => expectAnswer(API, "bulkRerunWorkflowRuns", started, 202));
    const jobId = started.data!.id;
    const read = (id: string, headers: Record<string, string> = {}) => t.altostrat.GET("/workflows/rerun-jobs/{jobId}", { params: { path: { jobId: id } }, headers });
    const done = await t.waitFor(() => read(jobId), (r) => r.data?.state === "completed");
    await t.check("getRerunJob answers 200 with the job's progress", BOTH, () => expectAnswer(API, "getRerunJob", done, 200));
    await t.check("the job reran both runs", SERVER, () => assert.deepEqual([done.data?.matched, done.data?.queued, done.data?.skipped], [2, 2, 0]));
    const replay = await bulk(workflowId, { statuses: ["completed", "failed"], rate_per_second: 100 }, { "Idempotency-Key": key });
    await t.check("the same Idempotency-Key and body answer the same job", SERVER, () => assert.equal(replay.data?.id, jobId));
    const mismatch = await bulk(workflowId, { statuses: ["failed"] }, { "Idempotency-Key": key, ...t.prefer({ code: 422 }) });
    await t.check("the key with another body is 422 idempotency_key_mismatch", BOTH, () => expectError(API, "bulkRerunWorkflowRuns", mismatch, 422, "idempotency_key_mismatch"));
    const cancel = (id: string, headers: Record<string, string> = {}) => t.altostrat.POST("/workflows/rerun-jobs/{jobId}/cancel", { params: { path: { jobId: id } }, headers });
    const late = await cancel(jobId, t.prefer({ code: 409 }));
    await t.check("a completed job is 409 rerun_job_not_cancellable", BOTH, () => expectError(API, "cancelRerunJob", late, 409, "rerun_job_not_cancellable"));

    const unknownJob = await read(UNKNOWN_JOB_ID, t.prefer({ code: 404 }));
    await t.check("an unknown job is 404 rerun_job_not_found", BOTH, () => expectError(API, "getRerunJob", unknownJob, 404, "rerun_job_not_found"));
    const cancelUnknown = await cancel(UNKNOWN_JOB_ID, t.prefer({ code: 404 }));
    await t.check("cancelling an unknown job is 404", BOTH, () => expectError(API, "cancelRerunJob", cancelUnknown, 404, "rerun_job_not_found"));
    const badRead = await read("rrj_NOT-VALID", t.prefer({ code: 400 }));
    await t.check("a malformed job id is 400", BOTH, () => expectError(API, "getRerunJob", badRead, 400, "validation_failed"));
    const badCancel = await cancel("rrj_NOT-VALID", t.prefer({ code: 400 }));
    await t.check("a malformed job id is 400 on cancel", BOTH, () => expectError(API, "cancelRerunJob", badCancel, 400, "validation_failed"));
    const noWorkflow = await bulk(UNKNOWN_WORKFLOW_ID, {}, t.prefer({ code: 404 }));
    await t.check("an unknown workflow is 404", BOTH, () => expectError(API, "bulkRerunWorkflowRuns", noWorkflow, 404, "workflow_not_found"));
    const badStatus = await bulk(workflowId, { statuses: ["running"] }, t.prefer({ code: 400 }));
    // The mock answers an invalid request with the operation's first 422 example (idempotency), so only the server is asked.
    await t.check("an unfinished status in the filter is 400", SERVER, () => expectError(API, "bulkRerunWorkflowRuns", badStatus, 400, "validation_failed"));
    const oversized = await bulk(workflowId, { statuses: ["failed"], padding: "x".repeat(OVER_BODY_LIMIT) });
    await t.check("a body over the server's limit is 413 payload_too_large", SERVER, () => expectError(API, "bulkRerunWorkflowRuns", oversized, 413, "payload_too_large"));
    const plainText = await t.altostrat.POST("/workflows/{workflowId}/runs/rerun", {
      params: { path: { workflowId } },
      body: {},
      bodySerializer: (b) => JSON.stringify(b),
      headers: { "content-type": "text/plain" },
    });
    await t.check("a body not sent as JSON is 415 unsupported_media_type", SERVER, () => expectError(API, "bulkRerunWorkflowRuns", plainText, 415, "unsupported_media_type"));
    const anonymous = t.altostratWith(undefined);
    const noTokenStart = await anonymous.POST("/workflows/{workflowId}/runs/rerun", { params: { path: { workflowId } }, body: {} });
    await t.check("a bulk rerun without a token is 401", BOTH, () => expectError(API, "bulkRerunWorkflowRuns", noTokenStart, 401, "unauthorized"));
    const noTokenRead = await anonymous.GET("/workflows/rerun-jobs/{jobId}", { params: { path: { jobId } } });
    await t.check("reading a job without a token is 401", BOTH, () => expectError(API, "getRerunJob", noTokenRead, 401, "unauthorized"));
    const noTokenCancel = await anonymous.POST("/workflows/rerun-jobs/{jobId}/cancel", { params: { path: { jobId } } });
    await t.check("cancelling a job without a token is 401", BOTH, () => expectError(API, "cancelRerunJob", noTokenCancel, 401, "unauthorized"));

    // One run per second over two runs: each job stays in progress for a second or more.
    const slowJobs: string[] = [];
    for (let i = 0; i < MAX_ACTIVE_JOBS; i++) {
      const job = await bulk(workflowId, { rate_per_second: 1 });
      if (job.data) slowJobs.push(job.data.id);
    }
    const tooMany = await bulk(workflowId, { rate_per_second: 1 }, t.prefer({ code: 429 }));
    await t.check("a sixth job in progress is 429 too_many_rerun_jobs", BOTH, () => expectError(API, "bulkRerunWorkflowRuns", tooMany, 429, "too_many_rerun_jobs"));
    const cancelled = await Promise.all(slowJobs.map((id) => cancel(id)));
    await t.check("cancelRerunJob answers 200 with the cancelled job", BOTH, () => expectAnswer(API, "cancelRerunJob", cancelled[0]!, 200));
    await t.check("every job in progress was cancelled", SERVER, () => assert.ok(cancelled.every((c) => c.data?.state === "cancelled")));
  },
};

/** Alloy bulk rerun: one user's executions of the fixture workflow, rerun by a job; its errors. */
export const alloyBulkRerun: Scenario = {
  name: "alloy bulk rerun",
  apis: ["alloy"],
  unmet: (target) => (target.fixtures.alloyWorkflowId ? undefined : "no Alloy workflow to run (CONTRACT_ALLOY_WORKFLOW_ID)"),
  async run(t) {
    const API = "alloy";
    const workflowId = t.fixtures.alloyWorkflowId!;
    const userId = `user-${crypto.randomUUID()}`;
    for (let i = 0; i < 2; i++) {
      const started = await t.alloy.POST("/run/workflow", { body: { workflowId, userId, data: {} } });
      const executionId = started.data!.executionId;
      await t.waitFor(() => t.alloy.GET("/logs/{executionId}", { params: { path: { executionId } } }), (r) => FINISHED.has(r.data?.status ?? ""));
    }
    const bulk = (wf: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      t.alloy.POST("/workflows/{workflowId}/executions/rerun", { params: { path: { workflowId: wf } }, body, headers });
    const key = newKey("alloy-bulk");
    const started = await bulk(workflowId, { userId, ratePerSecond: 100 }, { "Idempotency-Key": key });
    await t.check("bulkRerunWorkflowExecutions answers 202 with the job", BOTH, () => expectAnswer(API, "bulkRerunWorkflowExecutions", started, 202));
    const jobId = started.data!.jobId;
    const read = (id: string, headers: Record<string, string> = {}) =>
      t.alloy.GET("/workflows/{workflowId}/rerun-jobs/{jobId}", { params: { path: { workflowId, jobId: id } }, headers });
    const done = await t.waitFor(() => read(jobId), (r) => r.data?.state === "completed");
    await t.check("getRerunJob answers 200 with the job's progress", BOTH, () => expectAnswer(API, "getRerunJob", done, 200));
    await t.check("the job reran the user's two executions", SERVER, () => assert.deepEqual([done.data?.matched, done.data?.queued], [2, 2]));
    const mismatch = await bulk(workflowId, { userId: "someone-else" }, { "Idempotency-Key": key, ...t.prefer({ code: 422 }) });
    await t.check("the key with another body is 422 idempotency_key_mismatch", BOTH, () => expectError(API, "bulkRerunWorkflowExecutions", mismatch, 422, "idempotency_key_mismatch"));
    const cancel = (id: string, headers: Record<string, string> = {}) =>
      t.alloy.POST("/workflows/{workflowId}/rerun-jobs/{jobId}/cancel", { params: { path: { workflowId, jobId: id } }, headers });
    const late = await cancel(jobId, t.prefer({ code: 409 }));
    await t.check("a completed job is 409 rerun_job_not_cancellable", BOTH, () => expectError(API, "cancelRerunJob", late, 409, "rerun_job_not_cancellable"));
    const unknownJob = await read(UNKNOWN_JOB_ID, t.prefer({ code: 404 }));
    await t.check("an unknown job is 404 rerun_job_not_found", BOTH, () => expectError(API, "getRerunJob", unknownJob, 404, "rerun_job_not_found"));
    const cancelUnknown = await cancel(UNKNOWN_JOB_ID, t.prefer({ code: 404 }));
    await t.check("cancelling an unknown job is 404", BOTH, () => expectError(API, "cancelRerunJob", cancelUnknown, 404, "rerun_job_not_found"));
    const badRead = await read("rrj_NOT-VALID", t.prefer({ code: 400 }));
    await t.check("a malformed job id is 400", BOTH, () => expectAnswer(API, "getRerunJob", badRead, 400));
    const badCancel = await cancel("rrj_NOT-VALID", t.prefer({ code: 400 }));
    await t.check("a malformed job id is 400 on cancel", BOTH, () => expectAnswer(API, "cancelRerunJob", badCancel, 400));
    const noWorkflow = await bulk(UNKNOWN_ALLOY_WORKFLOW_ID, {}, t.prefer({ code: 404 }));
    await t.check("an unknown workflow is 404", BOTH, () => expectError(API, "bulkRerunWorkflowExecutions", noWorkflow, 404, "workflow_not_found"));
    const badRate = await bulk(workflowId, { ratePerSecond: 0 }, t.prefer({ code: 400 }));
    await t.check("a rate below 1 is 400", SERVER, () => expectAnswer(API, "bulkRerunWorkflowExecutions", badRate, 400));
    const oversized = await bulk(workflowId, { userId: "x".repeat(OVER_BODY_LIMIT) });
    await t.check("a body over the server's limit is 413 payload_too_large", SERVER, () => expectError(API, "bulkRerunWorkflowExecutions", oversized, 413, "payload_too_large"));
    const plainText = await t.alloy.POST("/workflows/{workflowId}/executions/rerun", {
      params: { path: { workflowId } },
      body: {},
      bodySerializer: (b) => JSON.stringify(b),
      headers: { "content-type": "text/plain" },
    });
    await t.check("a body not sent as JSON is 415 unsupported_media_type", SERVER, () => expectError(API, "bulkRerunWorkflowExecutions", plainText, 415, "unsupported_media_type"));
    const stranger = t.alloyWith({ apiKey: "not-a-key" });
    const noKeyStart = await stranger.POST("/workflows/{workflowId}/executions/rerun", { params: { path: { workflowId } }, body: {}, headers: t.prefer({ code: 401 }) });
    await t.check("a bulk rerun with an unknown key is 401", BOTH, () => expectError(API, "bulkRerunWorkflowExecutions", noKeyStart, 401, "unauthorized"));
    const noKeyRead = await stranger.GET("/workflows/{workflowId}/rerun-jobs/{jobId}", { params: { path: { workflowId, jobId } }, headers: t.prefer({ code: 401 }) });
    await t.check("reading a job with an unknown key is 401", BOTH, () => expectError(API, "getRerunJob", noKeyRead, 401, "unauthorized"));
    const noKeyCancel = await stranger.POST("/workflows/{workflowId}/rerun-jobs/{jobId}/cancel", { params: { path: { workflowId, jobId } }, headers: t.prefer({ code: 401 }) });
    await t.check("cancelling a job with an unknown key is 401", BOTH, () => expectError(API, "cancelRerunJob", noKeyCancel, 401, "unauthorized"));

    const slowJobs: string[] = [];
    for (let i = 0; i < MAX_ACTIVE_JOBS; i++) {
      const job = await bulk(workflowId, { userId, ratePerSecond: 1 });
      if (job.data) slowJobs.push(job.data.jobId);
    }
    const tooMany = await bulk(workflowId, { userId, ratePerSecond: 1 }, t.prefer({ code: 429 }));
    await t.check("a sixth job in progress is 429 too_many_rerun_jobs", BOTH, () => expectError(API, "bulkRerunWorkflowExecutions", tooMany, 429, "too_many_rerun_jobs"));
    const cancelled = await Promise.all(slowJobs.map((id) => cancel(id)));
    await t.check("cancelRerunJob answers 200 with the cancelled job", BOTH, () => expectAnswer(API, "cancelRerunJob", cancelled[0]!, 200));
  },
};
