import type { Engine } from "../../core/index.ts";
import type { operations } from "../../../generated/alloy/schema.d.ts";
import type { HandlerMap } from "../http/typed-handlers.ts";
import { toExecution, toLogEntry } from "./mappers.ts";

/** What every Alloy handler knows about its caller (from the API key). */
export interface AlloyContext {
  accountId: string;
}

/** Handlers of every Alloy Embedded operation, each a thin call into the core. */
export function createAlloyHandlers(engine: Engine): HandlerMap<operations, AlloyContext> {
  return {
    /** @see runWorkflow */
    async runWorkflow({ body, context }) {
      const started = await engine.executeWorkflow({
        accountId: context.accountId,
        workflowId: body.workflowId,
        payload: body.data ?? {},
        triggerType: "manual",
        endUserId: body.userId,
      });
      return { status: 200, body: { message: "success", executionId: started.run.id } };
    },

    /** @see listWorkflowLogs */
    async listWorkflowLogs({ path, query, context }) {
      const page = await engine.listRuns({
        accountId: context.accountId,
        workflowId: path.workflowId,
        page: query.page,
        perPage: query.limit ?? 10,
        endUserId: query.userId,
        order: query.order,
      });
      const data = await Promise.all(
        page.runs.map(async (run) => toLogEntry(run, await engine.listLogs({ accountId: context.accountId, workflowId: run.workflowId, runId: run.id, limit: 1000 }))),
      );
      return { status: 200, body: { data, page: page.page, limit: page.perPage, total: page.total } };
    },

    /** @see getExecution */
    async getExecution({ path, context }) {
      const run = await engine.getRun(context.accountId, path.executionId);
      return { status: 200, body: toExecution(run, run.logs) };
    },

    /** @see rerunWorkflowExecution (the seed operation) */
    async rerunWorkflowExecution({ path, context }) {
      const started = await engine.rerunRun({ accountId: context.accountId, runId: path.executionId, workflowId: path.workflowId });
      return { status: 200, body: { message: "success", executionId: started.run.id } };
    },
  };
}
