import { mintDevToken } from "../../src/auth/index.ts";
import type { Engine, WorkflowDefinition } from "../../src/core/index.ts";

/** The HS256 secret every benchmark server trusts. */
export const BENCH_JWT_SECRET = "reprise-bench-secret-0123456789abcdef-0123456789";

/** The benchmarks' workflow: trigger → transform → condition (no outbound calls, no delays). */
export const THREE_NODE_WORKFLOW: WorkflowDefinition = {
  nodes: [
    { id: "start", type: "trigger" },
    { id: "shape", type: "transform", config: { expression: "{ 'order': trigger.order, 'total': trigger.qty * trigger.price }" } },
    { id: "big", type: "condition", config: { expression: "nodes.shape.total > 100" } },
  ],
  edges: [
    { source: "start", target: "shape" },
    { source: "shape", target: "big" },
  ],
};

/** What a seeded server hands the load generator. */
export interface Seeded {
  accountId: string;
  token: string;
  workflowId: string;
  /** A finished (completed) run of the workflow, with its three logs. */
  runId: string;
}

/** Creates an account, a token, the workflow and one run, and waits (≤ 10 s) for the run to finish. */
export async function seedTenant(engine: Engine): Promise<Seeded> {
  const account = await engine.createAccount({ name: "bench" });
  const token = await mintDevToken({ secret: BENCH_JWT_SECRET, accountId: account.id, expiresInSeconds: 24 * 3600 });
  const wf = await engine.createWorkflow({ accountId: account.id, idStyle: "altostrat", name: "bench-three-node", definition: THREE_NODE_WORKFLOW });
  const { run } = await engine.executeWorkflow({ accountId: account.id, workflowId: wf.id, payload: { order: "A-1", qty: 3, price: 42.5 } });
  for (let i = 0; i < 500; i++) {
    const current = await engine.getRun(account.id, run.id);
    if (current.status === "completed") return { accountId: account.id, token, workflowId: wf.id, runId: run.id };
    if (current.status === "failed") throw new Error(`seed run failed: ${current.errorMessage}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("seed run did not finish in 10 s (are workers running?)");
}
