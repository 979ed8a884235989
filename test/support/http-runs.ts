import { expect } from "vitest";
import type { components as AltostratSchemas } from "../../generated/altostrat/schema.d.ts";
import type { components as AlloySchemas } from "../../generated/alloy/schema.d.ts";
import { waitFor, type TestServer, type TestTenant } from "./servers.ts";

/** An Altostrat run as the API answers it. */
export type WorkflowRun = AltostratSchemas["schemas"]["WorkflowRun"];
/** An Alloy execution as the API answers it. */
export type Execution = AlloySchemas["schemas"]["Execution"];
/** A workflow definition, as both the spec and the engine take it. */
export type Definition = AltostratSchemas["schemas"]["WorkflowDefinition"];

/** Creates an Altostrat workflow through the API and returns it. */
export async function createAltostratWorkflow(tenant: TestTenant, definition: Definition, name = "workflow") {
  const { data, error, response } = await tenant.altostrat.POST("/workflows", { body: { name, definition } });
  expect(error, `create workflow: ${response.status}`).toBeUndefined();
  return data!;
}

/** Creates an Alloy workflow through the engine (Alloy has no create endpoint). */
export async function createAlloyWorkflow(server: TestServer, tenant: TestTenant, definition: Definition, name = "workflow") {
  return server.engine.createWorkflow({ accountId: tenant.accountId, idStyle: "alloy", name, definition });
}

// Up to ~10 s of polling: runs finish in milliseconds, but a loaded CI machine can stall a worker.
const PATIENCE = { attempts: 400, intervalMs: 25 };

const isFinished = (status: string | undefined) => status === "completed" || status === "failed";

/** Executes an Altostrat workflow and returns the queued run. */
export async function executeAltostrat(tenant: TestTenant, workflowId: string, context: Record<string, unknown> = {}) {
  const { data, response } = await tenant.altostrat.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId } }, body: { context } });
  expect(response.status).toBe(202);
  return data!;
}

/** Polls an Altostrat run until it has finished; fails the test if it never does. */
export async function waitForRun(tenant: TestTenant, runId: string): Promise<WorkflowRun> {
  const run = await waitFor(
    async () => (await tenant.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId } } })).data,
    (r) => isFinished(r?.status),
    PATIENCE,
  );
  expect(run?.status, `run ${runId} did not finish`).toMatch(/^(completed|failed)$/);
  return run!;
}

/** Polls an Alloy execution until it has finished. */
export async function waitForExecution(tenant: TestTenant, executionId: string): Promise<Execution> {
  const execution = await waitFor(
    async () => (await tenant.alloy.GET("/logs/{executionId}", { params: { path: { executionId } } })).data,
    (e) => e?.finished === true,
    PATIENCE,
  );
  expect(execution?.finished, `execution ${executionId} did not finish`).toBe(true);
  return execution!;
}

/** Polls until the run has left `pending` at least once (its worker picked it up). */
export async function waitForStarted(server: TestServer, accountId: string, runId: string): Promise<void> {
  await waitFor(
    async () => (await server.engine.getRun(accountId, runId)).logs.length,
    (count) => count > 0,
    PATIENCE,
  );
}
