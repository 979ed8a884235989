import { DomainError, type Engine } from "../../core/index.ts";
import type { operations } from "../../../generated/altostrat/schema.d.ts";
import { toInstant } from "../http/date-time.ts";
import { readRerunOverrides } from "../http/rerun-overrides.ts";
import type { HandlerMap } from "../http/typed-handlers.ts";
import { createRerunJobHandlers } from "./rerun-jobs.ts";
import { toDefinitionFieldError, toWorkflow, toWorkflowLog, toWorkflowLogStats, toWorkflowRun } from "./mappers.ts";
import { toPageInfo } from "./paging.ts";

/** `RunIdentifier` of the spec: Altostrat runs only (Alloy executions share the store). */
const RUN_ID = /^fl_run_[0-9a-z]{26}$/;

/** What every Altostrat handler knows about its caller (from the verified JWT). */
export interface AltostratContext {
  accountId: string;
}

/** Handlers of every Altostrat operation, each a thin call into one core verb. */
export function createAltostratHandlers(engine: Engine): HandlerMap<operations, AltostratContext> {
  return {
    ...createRerunJobHandlers(engine),
    /** @see createWorkflow */
    async createWorkflow({ body, context }) {
      const wf = await engine.createWorkflow({
        accountId: context.accountId,
        idStyle: "altostrat",
        name: body.name,
        description: body.description ?? null,
        definition: body.definition,
        withWebhook: true,
      });
      return { status: 201, body: toWorkflow(wf) };
    },

    /** @see validateWorkflow — the checks of createWorkflow, nothing stored. */
    async validateWorkflow({ body, context }) {
      const problems = await engine.validateWorkflowDefinition(body.definition, context.accountId);
      return { status: 200, body: { valid: problems.length === 0, errors: problems.map(toDefinitionFieldError) } };
    },

    /** @see getWorkflow */
    async getWorkflow({ path, context }) {
      return { status: 200, body: toWorkflow(await engine.getWorkflow(context.accountId, path.workflowId)) };
    },

    /** @see executeWorkflow */
    async executeWorkflow({ path, header, body, context }) {
      const started = await engine.executeWorkflow({
        accountId: context.accountId,
        workflowId: path.workflowId,
        payload: body?.context ?? {},
        triggerType: "manual",
        idempotencyKey: header["Idempotency-Key"],
      });
      return { status: 202, body: toWorkflowRun(started.run) };
    },

    /** @see listWorkflowExecutions */
    async listWorkflowExecutions({ path, query, context, baseUrl }) {
      const page = await engine.listRuns({ accountId: context.accountId, workflowId: path.workflowId, page: query.page, perPage: query.per_page });
      const info = toPageInfo(`${baseUrl}/workflows/${path.workflowId}/executions`, page.page, page.perPage, page.total, page.runs.length);
      return { status: 200, body: { data: page.runs.map((run) => toWorkflowRun(run)), ...info } };
    },

    /** @see listWorkflowLogs */
    async listWorkflowLogs({ path, query, context }) {
      const logs = await engine.listLogs({
        accountId: context.accountId,
        workflowId: path.workflowId,
        status: query.status,
        nodeId: query.node_id,
        runId: query.run_id,
        from: query.from ? toInstant(query.from, "/query/from") : undefined,
        to: query.to ? toInstant(query.to, "/query/to") : undefined,
        limit: query.limit,
      });
      return { status: 200, body: logs.map(toWorkflowLog) };
    },

    /** @see getWorkflowLogStats */
    async getWorkflowLogStats({ path, context }) {
      return { status: 200, body: toWorkflowLogStats(await engine.getLogStats({ accountId: context.accountId, workflowId: path.workflowId })) };
    },

    /** @see getWorkflowRun */
    async getWorkflowRun({ path, context }) {
      const run = await engine.getRun(context.accountId, path.runId);
      return { status: 200, body: toWorkflowRun(run, run.logs) };
    },

    /** @see rerunWorkflowRun (the seed operation) */
    async rerunWorkflowRun({ path, header, body, context }) {
      // The seed's runId is unpatterned: an id of the other API's style names no run here.
      if (!RUN_ID.test(path.runId)) throw new DomainError("run_not_found", `Run ${path.runId} not found`);
      const started = await engine.rerunRun({
        accountId: context.accountId,
        runId: path.runId,
        idempotencyKey: header["Idempotency-Key"],
        ...readRerunOverrides({ payload: body?.payload, mode: body?.payload_mode, version: body?.version }),
      });
      return {
        status: 202,
        body: { message: "Workflow re-run initiated successfully.", new_run: toWorkflowRun(started.run), original_run_id: path.runId },
      };
    },

    /** @see resumeWorkflowRunFromNode */
    async resumeWorkflowRunFromNode({ path, header, context }) {
      const started = await engine.resumeRunFromNode({
        accountId: context.accountId,
        runId: path.runId,
        nodeId: path.nodeId,
        idempotencyKey: header["Idempotency-Key"],
      });
      return { status: 202, body: { message: `Workflow resumed successfully from node '${path.nodeId}'.`, new_run: toWorkflowRun(started.run) } };
    },

    /** @see cancelWorkflowRun: 200 when the run ended now, 202 while a running run stops. */
    async cancelWorkflowRun({ path, context }) {
      const { run, stopping } = await engine.cancelRun({ accountId: context.accountId, runId: path.runId });
      const message = stopping ? "Workflow run cancellation requested; the run stops at its next node boundary." : "Workflow run cancelled.";
      return { status: stopping ? 202 : 200, body: { message, run: toWorkflowRun(run) } };
    },

    /** @see deliverWorkflowRunNodeInput */
    async deliverWorkflowRunNodeInput({ path, body, context }) {
      const run = await engine.deliverInput({ accountId: context.accountId, runId: path.runId, nodeId: path.nodeId, input: body.input, inputPointer: "/body/input" });
      return { status: 202, body: { message: `Input delivered to node '${path.nodeId}'; the run continues.`, run: toWorkflowRun(run) } };
    },

    /** @see cancelWorkflowRuns */
    async cancelWorkflowRuns({ path, body, context }) {
      const result = await engine.cancelRuns({
        accountId: context.accountId,
        workflowId: path.workflowId,
        statuses: body?.statuses,
        createdFrom: body?.from ? toInstant(body.from, "/body/from") : undefined,
        createdTo: body?.to ? toInstant(body.to, "/body/to") : undefined,
        limit: body?.limit,
      });
      return { status: 200, body: result };
    },

    /** @see triggerWorkflowWebhook — public: the token in the path is the credential. */
    async triggerWorkflowWebhook({ path, body }) {
      const wf = await engine.getWorkflowByWebhookToken(path.webhookToken);
      const started = await engine.executeWorkflow({
        accountId: wf.accountId,
        workflowId: wf.id,
        payload: { webhook_payload: body ?? {} },
        triggerType: "webhook",
      });
      return { status: 202, body: { message: "Webhook received; the workflow run was queued.", run_id: started.run.id } };
    },
  };
}
