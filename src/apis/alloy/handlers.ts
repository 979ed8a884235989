import { DomainError, isDomainError, type Engine } from "../../core/index.ts";
import type { operations } from "../../../generated/alloy/schema.d.ts";
import type { HandlerMap } from "../http/typed-handlers.ts";
import { createRerunJobHandlers } from "./rerun-jobs.ts";
import { toInstant } from "../http/date-time.ts";
import { HttpProblem } from "../http/problem.ts";
import { readRerunOverrides } from "../http/rerun-overrides.ts";
import { runStatusesOf, toExecution, toLogEntry, toStatus } from "./mappers.ts";

/** The spec's `WorkflowId` and `ExecutionId` shapes: Alloy resources only (Altostrat ones share the store). */
const WORKFLOW_ID = /^[0-9a-f]{24}$/;
const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{8}$/;

/** What every Alloy handler knows about its caller (from the API key). */
export interface AlloyContext {
  accountId: string;
}

/** Handlers of every Alloy Embedded operation, each a thin call into the core. */
export function createAlloyHandlers(engine: Engine): HandlerMap<operations, AlloyContext> {
  return {
    ...createRerunJobHandlers(engine),
    /** @see runWorkflow */
    async runWorkflow({ body, context }) {
      // The contract names the workflow by exactly one of workflowId and workflowName.
      const workflowId = body.workflowId ?? (await engine.getWorkflowIdByName({ accountId: context.accountId, idStyle: "alloy" }, body.workflowName!));
      const started = await engine.executeWorkflow({
        accountId: context.accountId,
        workflowId,
        payload: body.data ?? {},
        triggerType: "manual",
        endUserId: body.userId,
      });
      return { status: 200, body: { message: "success", executionId: started.run.id } };
    },

    /** @see triggerEvent */
    async triggerEvent({ body, context }) {
      const started = await engine.triggerEvent({
        accountId: context.accountId,
        idStyle: "alloy",
        event: body.event,
        payload: body.data ?? {},
        endUserId: body.userId,
      });
      return { status: 200, body: { message: "success", executionIds: started.map((s) => s.run.id) } };
    },

    /** @see listWorkflowLogs */
    async listWorkflowLogs({ path, query, context }) {
      // One query for the page and one for all its runs' logs, each run's in execution order (the order `results` promises).
      const page = await engine.listRunsWithLogs({
        accountId: context.accountId,
        workflowId: path.workflowId,
        page: query.page,
        perPage: query.limit ?? 10,
        endUserId: query.userId,
        order: query.order,
      });
      const data = page.runs.map((run) => toLogEntry(run, run.logs));
      return { status: 200, body: { data, page: page.page, limit: page.perPage, total: page.total } };
    },

    /** @see getExecution */
    async getExecution({ path, context }) {
      const run = await engine.getRun(context.accountId, path.executionId);
      return { status: 200, body: toExecution(run, run.logs) };
    },

    /** @see rerunWorkflowExecution (the seed operation) */
    async rerunWorkflowExecution({ path, body, context }) {
      // The seed's path parameters are unpatterned; the spec promises 404 for any other shape.
      if (!WORKFLOW_ID.test(path.workflowId)) throw new DomainError("workflow_not_found", `Workflow ${path.workflowId} not found`);
      try {
        if (!EXECUTION_ID.test(path.executionId)) throw new DomainError("run_not_found", `Run ${path.executionId} not found`);
        const overrides = readRerunOverrides({ payload: body?.data, mode: body?.dataMode, version: body?.version });
        const started = await engine.rerunRun({ accountId: context.accountId, runId: path.executionId, workflowId: path.workflowId, ...overrides });
        return { status: 200, body: { message: "success", executionId: started.run.id } };
      } catch (err) {
        // No such execution: when the workflow does not exist either, the 404 names the workflow (getWorkflow throws).
        if (isDomainError(err, "run_not_found")) await engine.getWorkflow(context.accountId, path.workflowId);
        throw err;
      }
    },

    /** @see cancelWorkflowExecution: 200 when the execution ended now, 202 while a running one stops. */
    async cancelWorkflowExecution({ path, context }) {
      try {
        const { run, stopping } = await engine.cancelRun({ accountId: context.accountId, runId: path.executionId, workflowId: path.workflowId });
        return { status: stopping ? 202 : 200, body: { message: "success", executionId: run.id, status: toStatus(run) } };
      } catch (err) {
        if (isDomainError(err, "run_not_found")) await engine.getWorkflow(context.accountId, path.workflowId);
        throw err;
      }
    },

    /** @see deliverExecutionStepInput: input the step's schema refuses is a 400, like every invalid Alloy body. */
    async deliverExecutionStepInput({ path, body, context }) {
      try {
        const input = { accountId: context.accountId, runId: path.executionId, workflowId: path.workflowId, nodeId: path.stepId, input: body.data };
        const run = await engine.deliverInput({ ...input, inputPointer: "/body/data" });
        return { status: 200, body: { message: "success", executionId: run.id, status: toStatus(run) } };
      } catch (err) {
        if (isDomainError(err, "invalid_node_input")) throw new HttpProblem(400, err.code, err.message, err.details?.problems);
        if (isDomainError(err, "run_not_found")) await engine.getWorkflow(context.accountId, path.workflowId);
        throw err;
      }
    },

    /** @see cancelWorkflowExecutions; Alloy's `running` includes executions waiting for a person. */
    async cancelWorkflowExecutions({ path, body, context }) {
      const statuses = body?.statuses ? runStatusesOf(body.statuses) : undefined;
      const result = await engine.cancelRuns({
        accountId: context.accountId,
        workflowId: path.workflowId,
        statuses,
        endUserId: body?.userId,
        createdFrom: body?.from ? toInstant(body.from, "/body/from") : undefined,
        createdTo: body?.to ? toInstant(body.to, "/body/to") : undefined,
        limit: body?.limit,
      });
      return { status: 200, body: result };
    },
  };
}
