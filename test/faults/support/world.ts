import { mintDevToken } from "../../../src/auth/index.ts";
import { createEngine, type Engine, type WorkflowDefinition } from "../../../src/core/index.ts";
import { openStore, type Db } from "../../../src/store/index.ts";
import type { Tenant } from "./api.ts";
import { FAULT_JWT_SECRET } from "./fleet.ts";

/** trigger → GET <target>/<prefix>/<i> → transform: as slow as the target makes it. */
export function callsTarget(targetBase: string, prefix: string): WorkflowDefinition {
  return {
    nodes: [
      { id: "start", type: "trigger" },
      { id: "call", type: "http_request", config: { method: "GET", url: `${targetBase}/${prefix}/{{ trigger.i }}`, timeout_ms: 30_000 } },
      { id: "done", type: "transform", config: { expression: "nodes.call.status" } },
    ],
    edges: [
      { source: "start", target: "call" },
      { source: "call", target: "done" },
    ],
  };
}

/** A tenant and its workflows in the fault database, seeded from the test process. */
export interface World {
  db: Db;
  engine: Engine;
  tenant: Tenant;
  /** One workflow per API with this definition: Altostrat and Alloy ids. */
  addWorkflows(definition: WorkflowDefinition): Promise<{ altostrat: string; alloy: string }>;
  /** Another live API key of the tenant, never used yet (so no process has it cached). */
  newApiKey(): Promise<string>;
  close(): Promise<void>;
}

/** Opens the fault database (migrating it if no server did yet) and creates a tenant. */
export async function seedWorld(databaseUrl: string): Promise<World> {
  const db = await openStore({ databaseUrl, poolSize: 3 });
  const engine = createEngine({ db });
  const account = await engine.createAccount({ name: "fault tenant" });
  const token = await mintDevToken({ secret: FAULT_JWT_SECRET, accountId: account.id, expiresInSeconds: 3600 });
  const tenant = { accountId: account.id, token, apiKey: (await engine.createApiKey(account.id)).key };
  let n = 0;
  const create = (definition: WorkflowDefinition, idStyle: "altostrat" | "alloy") =>
    engine.createWorkflow({ accountId: account.id, idStyle, name: `fault-${idStyle}-${++n}`, definition });
  return {
    db,
    engine,
    tenant,
    async addWorkflows(definition) {
      const [a, b] = await Promise.all([create(definition, "altostrat"), create(definition, "alloy")]);
      return { altostrat: a.id, alloy: b.id };
    },
    newApiKey: async () => (await engine.createApiKey(account.id)).key,
    close: () => db.close(),
  };
}
