import type { Engine, RunRecord, WorkflowRecord } from "../core/index.ts";
import { DomainError, isTerminal } from "../core/index.ts";

/** The account `npm start` seeds on an empty store and prints credentials for. */
export const DEMO_ACCOUNT_ID = "acct_demo";

/** Name under which `npm start` keeps its printed development key (older ones are revoked). */
const DEMO_KEY_NAME = "development key (npm start)";

/** A workflow that runs offline: trigger → transform → condition → one of two transforms. */
export const DEMO_DEFINITION = {
  nodes: [
    { id: "n1", type: "trigger" },
    { id: "n2", type: "transform", config: { expression: "{ 'customer': trigger.customer, 'total': $sum(trigger.items.price) }" } },
    { id: "n3", type: "condition", config: { expression: "nodes.n2.total >= 100" } },
    { id: "n4", type: "transform", config: { expression: "{ 'tier': 'priority', 'customer': nodes.n2.customer }" } },
    { id: "n5", type: "transform", config: { expression: "{ 'tier': 'standard', 'customer': nodes.n2.customer }" } },
  ],
  edges: [
    { source: "n1", target: "n2" },
    { source: "n2", target: "n3" },
    { source: "n3", target: "n4", branch: "true" },
    { source: "n3", target: "n5", branch: "false" },
  ],
};

const DEMO_PAYLOAD = { customer: "ada@example.com", items: [{ sku: "book", price: 42 }, { sku: "lamp", price: 80 }] };

/** What `npm start` prints: both demo workflows and a finished run of each to rerun. */
export interface DemoSeed {
  accountId: string;
  altostrat: { workflow: WorkflowRecord; run: RunRecord };
  alloy: { workflow: WorkflowRecord; run: RunRecord };
}

/**
 * Seeds the demo account with one workflow per API (on an empty store) and makes sure each has a
 * finished run to rerun. Idempotent: later starts reuse what is there.
 */
export async function ensureDemo(engine: Engine): Promise<DemoSeed> {
  const existing = await engine.listWorkflows({ accountId: DEMO_ACCOUNT_ID, limit: 1 }).catch(() => []);
  if (existing.length === 0) {
    try {
      await engine.createAccount({ id: DEMO_ACCOUNT_ID, name: "Demo account" });
    } catch {
      // Already there from an earlier start whose workflows were removed.
    }
  }
  const altostrat = await ensureWorkflow(engine, "altostrat", "Order triage (Altostrat demo)");
  const alloy = await ensureWorkflow(engine, "alloy", "Order triage (Alloy demo)");
  return {
    accountId: DEMO_ACCOUNT_ID,
    altostrat: { workflow: altostrat, run: await ensureFinishedRun(engine, altostrat) },
    alloy: { workflow: alloy, run: await ensureFinishedRun(engine, alloy) },
  };
}

/** Issues a fresh development API key for the demo account and revokes the ones earlier starts printed. */
export async function issueDemoApiKey(engine: Engine): Promise<string> {
  const previous = (await engine.listApiKeys(DEMO_ACCOUNT_ID)).filter((key) => key.name === DEMO_KEY_NAME && key.revokedAt === null);
  for (const key of previous) await engine.revokeApiKey(DEMO_ACCOUNT_ID, key.id);
  return (await engine.createApiKey(DEMO_ACCOUNT_ID, { name: DEMO_KEY_NAME })).key;
}

async function ensureWorkflow(engine: Engine, idStyle: "altostrat" | "alloy", name: string): Promise<WorkflowRecord> {
  try {
    return await engine.getWorkflowByName(DEMO_ACCOUNT_ID, name);
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== "workflow_not_found") throw err;
  }
  return engine.createWorkflow({ accountId: DEMO_ACCOUNT_ID, idStyle, name, description: "Seeded by npm start.", definition: DEMO_DEFINITION, withWebhook: idStyle === "altostrat" });
}

async function ensureFinishedRun(engine: Engine, wf: WorkflowRecord): Promise<RunRecord> {
  const page = await engine.listRuns({ accountId: DEMO_ACCOUNT_ID, workflowId: wf.id, perPage: 20 });
  const finished = page.runs.find((run) => isTerminal(run.status));
  if (finished) return finished;
  const { run } = await engine.executeWorkflow({
    accountId: DEMO_ACCOUNT_ID,
    workflowId: wf.id,
    payload: DEMO_PAYLOAD,
    ...(wf.idStyle === "alloy" ? { endUserId: "demo-user" } : {}),
  });
  for (let i = 0; i < 200; i++) {
    const current = await engine.getRun(DEMO_ACCOUNT_ID, run.id);
    if (isTerminal(current.status)) return current;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return run;
}
