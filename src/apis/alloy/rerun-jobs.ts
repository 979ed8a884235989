import type { Engine, RerunJobRecord } from "../../core/index.ts";
import type { components, operations } from "../../../generated/alloy/schema.d.ts";
import { toInstant } from "../http/date-time.ts";
import type { HandlerMap } from "../http/typed-handlers.ts";
import type { AlloyContext } from "./handlers.ts";
import { triggerTypesOf } from "./mappers.ts";

type Schemas = components["schemas"];
type BulkRerunOperations = Pick<operations, "bulkRerunWorkflowExecutions" | "getRerunJob" | "cancelRerunJob">;
/** A bulk rerun job as the Alloy contract shows it. */
export function toRerunJob(job: RerunJobRecord): Schemas["RerunJob"] {
  return {
    jobId: job.id,
    workflowId: job.workflowId,
    state: job.state,
    ratePerSecond: job.ratePerSecond,
    matched: job.matched,
    queued: job.queued,
    skipped: job.skipped,
    failed: job.failed,
    errorMessage: job.errorMessage,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    completedAt: job.completedAt?.toISOString() ?? null,
  };
}

/** Handlers of the bulk rerun operations: start a job (202), read its progress, cancel it. */
export function createRerunJobHandlers(engine: Engine): HandlerMap<BulkRerunOperations, AlloyContext> {
  return {
    /** @see bulkRerunWorkflowExecutions */
    async bulkRerunWorkflowExecutions({ path, header, body, context }) {
      const { job } = await engine.createRerunJob({
        accountId: context.accountId,
        workflowId: path.workflowId,
        statuses: body?.statuses,
        triggerTypes: body?.executionModes ? triggerTypesOf(body.executionModes) : undefined,
        endUserId: body?.userId,
        createdFrom: body?.from ? toInstant(body.from, "/body/from") : undefined,
        createdTo: body?.to ? toInstant(body.to, "/body/to") : undefined,
        ratePerSecond: body?.ratePerSecond,
        idempotencyKey: header["Idempotency-Key"],
      });
      return { status: 202, body: toRerunJob(job) };
    },

    /** @see getRerunJob */
    async getRerunJob({ path, context }) {
      return { status: 200, body: toRerunJob(await engine.getRerunJob({ accountId: context.accountId, jobId: path.jobId, workflowId: path.workflowId })) };
    },

    /** @see cancelRerunJob */
    async cancelRerunJob({ path, context }) {
      return { status: 200, body: toRerunJob(await engine.cancelRerunJob({ accountId: context.accountId, jobId: path.jobId, workflowId: path.workflowId })) };
    },
  };
}
