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

/** Definitions the HTTP tests run, each as small as its behaviour allows. */
export const DEFINITIONS = {
  /** trigger -> transform: completes with `{ echo: <trigger> }`. */
  echo: {
    nodes: [
      { id: "n1", type: "trigger" },
      { id: "n2", type: "transform", config: { expression: "{ 'echo': trigger }" } },
    ],
    edges: [{ source: "n1", target: "n2" }],
  },
  /** trigger -> transform -> transform: three nodes for resume-from. */
  chain: {
    nodes: [
      { id: "n1", type: "trigger" },
      { id: "n2", type: "transform", config: { expression: "{ 'doubled': trigger.x * 2 }" } },
      { id: "n3", type: "transform", config: { expression: "{ 'sum': nodes.n2.doubled + 1 }" } },
    ],
    edges: [
      { source: "n1", target: "n2" },
      { source: "n2", target: "n3" },
    ],
  },
  /** trigger -> fail: every run fails. */
  failing: {
    nodes: [
      { id: "n1", type: "trigger" },
      { id: "n2", type: "fail", config: { message: "refused {{ trigger.order }}" } },
    ],
    edges: [{ source: "n1", target: "n2" }],
  },
  /** trigger -> delay 60 s: the run stays pending/running for the whole test. */
  slow: {
    nodes: [
      { id: "n1", type: "trigger" },
      { id: "n2", type: "delay", config: { seconds: 60 } },
    ],
    edges: [{ source: "n1", target: "n2" }],
  },
  /** trigger -> condition(trigger.ok) -> true: transform n3 / false: fail n4. */
  branching: {
    nodes: [
      { id: "n1", type: "trigger" },
      { id: "n2", type: "condition", config: { expression: "trigger.ok = true" } },
      { id: "n3", type: "transform", config: { expression: "{ 'accepted': true }" } },
      { id: "n4", type: "fail", config: { message: "not ok" } },
    ],
    edges: [
      { source: "n1", target: "n2" },
      { source: "n2", target: "n3", branch: "true" },
      { source: "n2", target: "n4", branch: "false" },
    ],
  },
} satisfies Record<string, Definition>;

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
