import { DomainError, type Engine, type RerunJobRecord } from "../../core/index.ts";
import type { components, operations } from "../../../generated/altostrat/schema.d.ts";
import { toInstant } from "../http/date-time.ts";
import type { HandlerMap } from "../http/typed-handlers.ts";
import type { AltostratContext } from "./handlers.ts";

type Schemas = components["schemas"];
type BulkRerunOperations = Pick<operations, "bulkRerunWorkflowRuns" | "getRerunJob" | "cancelRerunJob">;

/** `WorkflowIdentifier` of the spec: a job of an Alloy workflow (same account, same store) is not this API's. */
const WORKFLOW_ID = /^fl_wf_[0-9a-z]{26}$/;

/** A bulk rerun job as the Altostrat contract shows it. */
export function toRerunJob(job: RerunJobRecord): Schemas["RerunJob"] {
  return {
    id: job.id,
    workflow_id: job.workflowId,
    state: job.state,
    filter: {
      ...(job.statuses ? { statuses: job.statuses as ("completed" | "failed")[] } : {}),
      ...(job.triggerTypes ? { trigger_types: job.triggerTypes } : {}),
      ...(job.createdFrom ? { from: job.createdFrom.toISOString() } : {}),
      to: job.createdTo.toISOString(),
    },
    rate_per_second: job.ratePerSecond,
    matched: job.matched,
    queued: job.queued,
    skipped: job.skipped,
    failed: job.failed,
    error_message: job.errorMessage,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    completed_at: job.completedAt?.toISOString() ?? null,
  };
}

function ownJob(job: RerunJobRecord, jobId: string): RerunJobRecord {
  if (!WORKFLOW_ID.test(job.workflowId)) throw new DomainError("rerun_job_not_found", `Bulk rerun job ${jobId} not found`);
  return job;
}

/** Handlers of the bulk rerun operations: start a job (202), read its progress, cancel it. */
export function createRerunJobHandlers(engine: Engine): HandlerMap<BulkRerunOperations, AltostratContext> {
  return {
    /** @see bulkRerunWorkflowRuns */
    async bulkRerunWorkflowRuns({ path, header, body, context }) {
      const { job } = await engine.createRerunJob({
        accountId: context.accountId,
        workflowId: path.workflowId,
        statuses: body?.statuses,
        triggerTypes: body?.trigger_types,
        createdFrom: body?.from ? toInstant(body.from, "/body/from") : undefined,
        createdTo: body?.to ? toInstant(body.to, "/body/to") : undefined,
        ratePerSecond: body?.rate_per_second,
        idempotencyKey: header["Idempotency-Key"],
      });
      return { status: 202, body: toRerunJob(job) };
    },

    /** @see getRerunJob */
    async getRerunJob({ path, context }) {
      const job = await engine.getRerunJob({ accountId: context.accountId, jobId: path.jobId });
      return { status: 200, body: toRerunJob(ownJob(job, path.jobId)) };
    },

    /** @see cancelRerunJob */
    async cancelRerunJob({ path, context }) {
      ownJob(await engine.getRerunJob({ accountId: context.accountId, jobId: path.jobId }), path.jobId);
      const job = await engine.cancelRerunJob({ accountId: context.accountId, jobId: path.jobId });
      return { status: 200, body: toRerunJob(job) };
    },
  };
}
